package io.dmremediation.fixer;

import java.io.PrintStream;

/**
 * How the fixer commands hand a report over: the JSON on stdout (the Job log is the full record), the message on
 * stderr when refused, and the compact summary in {@code DMR_REPORT_FILE} when set.
 */
public final class ReportOutput {

    private ReportOutput() {
    }

    public static void emit(FixReport report, Environment env, String command, PrintStream out, PrintStream err) {
        out.println(report.toJson());
        out.flush();
        if (report.outcome() == FixOutcome.REFUSED) {
            err.println(command + ": " + report.message());
        }
        ReportFile.writeIfRequested(env, report).ifPresent(warning -> err.println(command + ": warning: " + warning));
        err.flush();
    }
}
