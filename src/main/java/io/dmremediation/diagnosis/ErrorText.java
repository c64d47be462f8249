package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import java.util.Locale;

/** Text helpers shared by the rules: case-folded views of an error and a short form for reasons. */
final class ErrorText {

    private static final int SHORT = 140;

    private ErrorText() {
    }

    /**
     * Message and raw cause together, lower case. DM puts the decisive text in either, depending on version
     * and path (dm-facts §3.2: {@code RawCause} only for {@code Delegate}d errors; 36069 is {@code Generate}d and
     * carries the upstream text in {@code Message}); MySQL and DM's own retry lists compare case-insensitively
     * ({@code unit.IsResumableError}, dm-facts §5.1).
     */
    static String lower(DmError e) {
        return e.text().toLowerCase(Locale.ROOT);
    }

    /** The raw cause when DM reported one, otherwise the whole text; lower case, without a final period. */
    static String cause(DmError e) {
        String c = e.rawCause().isBlank() ? e.text() : e.rawCause();
        return stripPeriod(c.strip()).toLowerCase(Locale.ROOT);
    }

    static String stripPeriod(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1).stripTrailing() : s;
    }

    /** {@code code 10006 'execute statement failed: begin: invalid connection'}, cut to a readable length. */
    static String describe(DmError e) {
        String text = e.text().strip().replaceAll("\\s+", " ");
        if (text.length() > SHORT) {
            text = text.substring(0, SHORT - 1) + "…";
        }
        String code = e.code() == 0 ? "text-only error" : "code " + e.code();
        return code + " '" + text + "'";
    }
}
