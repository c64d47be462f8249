package io.dmremediation.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.dm.DmStatusJson;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Unit;
import io.dmremediation.fixer.ReportOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The on-call helper: what dmctl printed (or a live DM-master) in, what the FAQ says to do out. */
public final class DiagnoseCommand implements Command {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pasted input larger than this is not a dmctl reply. */
    static final int MAX_INPUT = 16 * 1024 * 1024;

    private final Function<String, DmMaster> connect;
    private final java.util.function.BooleanSupplier stdoutIsTerminal;

    public DiagnoseCommand() {
        this(DmMasterClients::connect, Terminal::stdoutIsTerminal);
    }

    DiagnoseCommand(Function<String, DmMaster> connect) {
        this(connect, () -> false);
    }

    /** @param stdoutIsTerminal whether a person reads standard output: then text is the default output */
    DiagnoseCommand(Function<String, DmMaster> connect, java.util.function.BooleanSupplier stdoutIsTerminal) {
        this.connect = connect;
        this.stdoutIsTerminal = stdoutIsTerminal;
    }

    @Override
    public String name() {
        return "diagnose";
    }

    @Override
    public String summary() {
        return "Read DM's query-status output or error lines and say which FAQ fix applies";
    }

    @Override
    public String help() {
        return """
                Usage: diagnose [--file F | -] [--master URL [--task T]] [--output text|json] [--dm-version V]

                Reads what DM reported and says which DM FAQ error it is and what to do.
                  --output text   for a person: each finding in plain words with the FAQ's manual steps
                                  (the default when standard output is a terminal)
                  --output json   for programs: one JSON object per finding, one per line (the default in a pipe):
                  {"task":…,"source":…,"worker":…,"unit":…,"errorClass":…,"action":…,"code":…,"message":…,"reason":…}
                errorClass: invalid-connection, bad-connection, relay-binlog-overflow, syncer-binlog-overflow, unknown
                action (the DM FAQ's remedy): RestartTask, FixRelayMeta, FixSyncerCheckpoint, None
                A healthy task prints nothing in JSON.
                  --dm-version V  the DM version (e.g. 5.4, v8.5.4), for the steps that differ by version

                Input (default: standard input):
                  --file F      dmctl / gateway query-status JSON (full or summary), OpenAPI task-status JSON,
                                a ProcessError object, or plain DM error lines, one per line; '-' reads stdin
                  --master URL  ask a live DM-master instead, e.g. http://basic-dm-master.dm:8261
                  --task T      with --master: only this task (without it, every task; needs DM's OpenAPI)

                Exit codes: 0 no errors (healthy), 3 an error the DM FAQ has a fix for (the steps above),
                4 errors, none of them one the DM FAQ covers, 2 unreadable input or DM-master unusable.
                """;
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("file", "master", "task", "output", "dm-version"), Set.of());
        String output = args.value("output").orElse(out == System.out && stdoutIsTerminal.getAsBoolean() ? "text" : "json");
        if (!output.equals("text") && !output.equals("json")) {
            throw new Args.UsageException("--output must be text or json");
        }
        DiagnoseText.Version version = DiagnoseText.Version.parse(args.value("dm-version").orElse(null));
        if (args.positional().size() == 1 && args.positional().get(0).equals("-")) {
            List<String> withFile = new java.util.ArrayList<>(argv.stream().filter(a -> !a.equals("-")).toList());
            withFile.addAll(List.of("--file", "-"));
            args = Args.parse(withFile, Set.of("file", "master", "task", "output", "dm-version"), Set.of());
        } else if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        if (args.value("file").isPresent() && args.value("master").isPresent()) {
            throw new Args.UsageException("give --file or --master, not both");
        }
        if (args.value("task").isPresent() && args.value("master").isEmpty()) {
            throw new Args.UsageException("--task goes with --master");
        }
        DmSnapshot snapshot;
        try {
            if (args.value("master").isPresent()) {
                DmMaster dm = connect.apply(args.value("master").get());
                snapshot = dm.status(args.value("task").map(List::of).orElse(List.of()));
            } else {
                String file = args.value("file").orElse("-");
                snapshot = DmStatusJson.parseAny(read(file, in));
            }
        } catch (DmMasterException e) {
            err.println("diagnose: " + e.getMessage());
            return USAGE;
        } catch (IllegalArgumentException e) {
            // a --master that is not an http(s) URL, or a task name DM could not have
            err.println("diagnose: " + ReportOutput.oneLine(e.getMessage()));
            return USAGE;
        } catch (IOException e) {
            err.println("diagnose: " + ReportOutput.oneLine("cannot read " + args.value("file").orElse("standard input")
                    + ": " + InputFiles.why(e)));
            return USAGE;
        }
        List<Finding> findings = Diagnosis.diagnose(snapshot);
        if (output.equals("text")) {
            out.print(DiagnoseText.render(findings, version));
        } else {
            for (Finding f : findings) {
                out.println(line(f));
            }
        }
        return DiagnoseExit.of(findings);
    }

    private static String read(String file, InputStream in) throws IOException {
        byte[] bytes;
        if (file.equals("-")) {
            bytes = in.readNBytes(MAX_INPUT + 1);
        } else {
            // bounded read: Files.size says 0 for /dev/zero, FIFOs and /proc files
            try (InputStream f = Files.newInputStream(Path.of(file))) {
                bytes = f.readNBytes(MAX_INPUT + 1);
            }
        }
        if (bytes.length > MAX_INPUT) {
            throw new IOException("larger than " + (MAX_INPUT >> 20) + " MiB");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String line(Finding f) {
        ObjectNode o = JSON.createObjectNode();
        DmError e = f.primary();
        o.put("task", f.task());
        o.put("source", f.source());
        o.put("worker", f.worker());
        o.put("unit", f.unit() == Unit.UNKNOWN ? null : f.unit().dmName());
        o.put("errorClass", f.errorClass().id());
        o.put("action", f.remedy().id());
        if (e == null || e.code() == 0) {
            o.putNull("code");
        } else {
            o.put("code", e.code());
        }
        o.put("message", e == null ? null : e.text());
        o.put("reason", f.reason());
        return o.toString();
    }
}
