package io.dmremediation.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@code java -jar dm-remediation-operator.jar <command> [options]}. */
public final class Main {

    private Main() {
    }

    /** Every command of the production jar, in the order {@code --help} lists them. */
    static List<Command> commands() {
        List<Command> all = new ArrayList<>();
        all.add(new OperatorCommand());
        all.add(new DiagnoseCommand());
        all.add(new FixCheckpointCommand());
        all.add(new FixRelayMetaCommand());
        all.add(new CheckDownstreamCommand());
        return all;
    }

    public static void main(String[] args) {
        int code = run(Arrays.asList(args), System.in, System.out, System.err);
        System.exit(code);
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        List<Command> commands = commands();
        if (args.size() == 1 && (args.get(0).equals("--version") || args.get(0).equals("version"))) {
            out.println(io.dmremediation.operator.BuildInfo.current().line());
            return Command.OK;
        }
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            out.print(overview(commands));
            return args.isEmpty() ? Command.USAGE : Command.OK;
        }
        Optional<Command> command = commands.stream().filter(c -> c.name().equals(args.get(0))).findFirst();
        if (command.isEmpty()) {
            err.println("unknown command '" + args.get(0) + "'; run with --help to list the commands");
            return Command.USAGE;
        }
        List<String> rest = args.subList(1, args.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(command.get().help());
            return Command.OK;
        }
        try {
            return command.get().run(rest, in, out, err);
        } catch (Args.UsageException e) {
            err.println(command.get().name() + ": " + e.getMessage() + " (see " + command.get().name() + " --help)");
            return Command.USAGE;
        }
    }

    static String overview(List<Command> commands) {
        StringBuilder b = new StringBuilder("Usage: java -jar dm-remediation-operator.jar <command> [options]\n\n"
                + "Keeps TiDB DM replication tasks running by applying the DM FAQ's fixes.\n\nCommands:\n");
        for (Command c : commands) {
            b.append(String.format("  %-16s %s%n", c.name(), c.summary()));
        }
        b.append("\nRun '<command> --help' for a command's options; --version prints the build.\n");
        return b.toString();
    }
}
