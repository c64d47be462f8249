package io.dmremediation.fixer;

import java.io.PrintStream;

/**
 * How the fixer commands hand a report over: the JSON on stdout (the Job log is the full record), the message on
 * stderr when refused or unknown, and the compact summary in {@code DMR_REPORT_FILE} when set.
 */
public final class ReportOutput {

    private ReportOutput() {
    }

    public static void emit(FixReport report, Environment env, String command, PrintStream out, PrintStream err) {
        out.println(report.toJson());
        out.flush();
        if (report.outcome() == FixOutcome.REFUSED || report.outcome() == FixOutcome.UNKNOWN) {
            err.println(command + ": " + oneLine(report.message()));
        }
        ReportFile.writeIfRequested(env, report)
                .ifPresent(warning -> err.println(command + ": warning: " + oneLine(warning)));
        err.flush();
    }

    /**
     * The message with line breaks and other control characters escaped: messages quote paths and names from the
     * arguments, and a {@code --relay-dir} holding "\nfix-relay-meta: fixed" printed raw forged a second log line.
     * diagnose prints its own error lines through it as well.
     */
    public static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
