package io.dmremediation.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** One entry point of the jar: {@code java -jar dm-remediation-operator.jar <name> [args]}. */
public interface Command {

    /** Exit code for a finished run. */
    int OK = 0;
    /** Exit code when the command ran and its job failed (e.g. a refusal of the fixer). */
    int FAILED = 1;
    /** Exit code for unusable input or arguments. */
    int USAGE = 2;
    /** Exit code when the command cannot tell whether its change happened (e.g. connection lost after COMMIT). */
    int UNKNOWN = io.dmremediation.fixer.FixOutcome.EXIT_UNKNOWN;

    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String help();

    /** Runs with the arguments after the command name; never calls System.exit. */
    int run(List<String> args, InputStream in, PrintStream out, PrintStream err);
}
