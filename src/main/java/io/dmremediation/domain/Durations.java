package io.dmremediation.domain;

import java.time.Duration;
import java.util.regex.Matcher;

/** Go-style durations as the resource spells them ({@code 30s}, {@code 2m}, {@code 1h30m}, {@code 500ms}). */
public final class Durations {

    /** The schema pattern; {@link #parse} accepts exactly these strings. */
    public static final String PATTERN = "^([0-9]+(ms|s|m|h))+$";
    /** Longest duration string the schema takes: bounds the CEL rules' cost, and no real duration is longer. */
    public static final int MAX_LENGTH = 32;
    /** DM task names as DM accepts them in practice, kept to what is safe in a label, a Secret key and SQL. */
    public static final String TASK_NAME = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

    private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);
    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Durations() {
    }

    /** The longest duration any setting accepts (~10 years). */
    public static final Duration LONGEST = Duration.ofDays(3650);

    /** Parses a duration; throws {@link IllegalArgumentException} with the reason for anything else. */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 30s, 2m, 1h30m or 500ms");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("'" + text + "' is longer than " + MAX_LENGTH + " characters");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                });
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        // a schema-valid duration can still overflow an instant it is added to; no setting needs a decade
        if (total.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than " + format(LONGEST)
                    + "; no setting needs that");
        }
        return total;
    }

    /** Parses, or gives the default when the text is null. */
    public static Duration parseOr(String text, Duration fallback) {
        return text == null ? fallback : parse(text);
    }

    /** The shortest Go-style spelling, for messages: {@code 90s -> 1m30s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long h = d.toHours();
        long m = d.toMinutesPart();
        long s = d.toSecondsPart();
        long ms = d.toMillisPart();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (s > 0) {
            b.append(s).append('s');
        }
        if (ms > 0) {
            b.append(ms).append("ms");
        }
        return b.toString();
    }
}
