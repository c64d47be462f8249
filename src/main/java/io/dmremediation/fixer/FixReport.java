package io.dmremediation.fixer;

import java.util.Map;

/** What a fixer run prints: the full JSON on stdout and a compact summary for the termination log. */
public interface FixReport {

    FixOutcome outcome();

    String message();

    /** The full report, one line of JSON. */
    String toJson();

    /** The fields of the compact summary, without the message; {@link ReportFile} adds a message that fits. */
    Map<String, Object> summaryFields();
}
