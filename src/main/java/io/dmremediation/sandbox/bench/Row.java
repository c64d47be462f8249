package io.dmremediation.sandbox.bench;

import java.util.Locale;

/**
 * One measured number of a benchmark: what, the value and its unit, the target (if the issue sets one) and whether
 * the value meets it.
 */
public record Row(String benchmark, String metric, double value, String unit, String target, Verdict verdict,
                  String note) {

    public enum Verdict {
        MET("met"), MISSED("MISSED"), INFO("-");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static Row info(String benchmark, String metric, double value, String unit, String note) {
        return new Row(benchmark, metric, value, unit, "", Verdict.INFO, note);
    }

    /** A row whose target is "at most {@code limit}". */
    public static Row atMost(String benchmark, String metric, double value, String unit, double limit, String note) {
        return new Row(benchmark, metric, value, unit, "<= " + format(limit, unit), value <= limit ? Verdict.MET
                : Verdict.MISSED, note);
    }

    public String formattedValue() {
        return format(value, unit);
    }

    /** The value as the table and the notes print it; a statistic of no samples prints as {@code n/a}. */
    static String format(double v, String unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        String n;
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            n = String.format(Locale.ROOT, "%d", (long) v);
        } else if (Math.abs(v) >= 100) {
            n = String.format(Locale.ROOT, "%.0f", v);
        } else if (Math.abs(v) >= 10) {
            n = String.format(Locale.ROOT, "%.1f", v);
        } else {
            n = String.format(Locale.ROOT, "%.2f", v);
        }
        return unit == null || unit.isEmpty() ? n : n + " " + unit;
    }
}
