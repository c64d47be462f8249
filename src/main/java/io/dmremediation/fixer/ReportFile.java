package io.dmremediation.fixer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The compact summary a Job leaves in {@code DMR_REPORT_FILE}, normally {@code /dev/termination-log}: Kubernetes
 * keeps at most 4096 bytes of it in the pod status, where the operator reads it without fetching logs.
 */
public final class ReportFile {

    public static final String VARIABLE = "DMR_REPORT_FILE";
    public static final int MAX_BYTES = 4096;

    private ReportFile() {
    }

    /**
     * The summary JSON, with the message cut (at a code point, with an ellipsis) to the longest prefix for which the
     * whole fits in {@link #MAX_BYTES} bytes of UTF-8. A binary search on the prefix length: JSON escapes make the
     * encoded size of a prefix impossible to predict from its characters.
     */
    public static String summary(FixReport report) {
        String message = report.message() == null ? "" : report.message();
        String json = withMessage(report, message);
        if (utf8Length(json) <= MAX_BYTES) {
            return json;
        }
        int fits = 0;
        int tooLong = message.length();
        while (tooLong - fits > 1) {
            int mid = (fits + tooLong) >>> 1;
            if (utf8Length(withMessage(report, cut(message, mid))) <= MAX_BYTES) {
                fits = mid;
            } else {
                tooLong = mid;
            }
        }
        return withMessage(report, fits == 0 ? "" : cut(message, fits));
    }

    /** The first {@code chars} characters (one fewer if that would split a surrogate pair) and an ellipsis. */
    private static String cut(String message, int chars) {
        int end = chars;
        if (end > 0 && Character.isHighSurrogate(message.charAt(end - 1))) {
            end--;
        }
        return message.substring(0, end) + "…";
    }

    private static String withMessage(FixReport report, String message) {
        Map<String, Object> fields = new LinkedHashMap<>(report.summaryFields());
        fields.put("message", message);
        return Json.write(fields);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Writes the summary when {@code DMR_REPORT_FILE} is set. Returns a warning when it could not be written: the
     * report on stdout stays the record, so a missing termination log never changes the result.
     */
    public static Optional<String> writeIfRequested(Environment env, FixReport report) {
        Optional<String> target = env.get(VARIABLE).filter(s -> !s.isBlank());
        if (target.isEmpty()) {
            return Optional.empty();
        }
        try {
            // truncate-and-write, not create: /dev/termination-log is a file the kubelet mounted for us
            Files.writeString(Path.of(target.get()), summary(report), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("could not write the summary to " + VARIABLE + "=" + target.get() + ": " + e);
        }
    }
}
