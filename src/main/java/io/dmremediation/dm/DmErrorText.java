package io.dmremediation.dm;

import io.dmremediation.domain.DmError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads DM's text form of an error (terror's {@code Error()}), as it appears in OpenAPI {@code error_msg},
 * in logs and in what people paste:
 * <ul>
 *   <li>{@code [code=10006:class=database:scope=not-set:level=high], Message: m, RawCause: c, Workaround: w.}</li>
 *   <li>the old form {@code [code=10003:class=database:scope=downstream:level=medium] database driver: invalid connection}</li>
 *   <li>anything else: an error known by its text only (code 0).</li>
 * </ul>
 */
public final class DmErrorText {

    private static final Pattern TAG = Pattern.compile(
            "^\\[code=(\\d{1,9}):class=([^:\\]]*):scope=([^:\\]]*):level=([^:\\]]*)\\]\\s*(.*)$", Pattern.DOTALL);
    private static final String MESSAGE = "Message: ";
    private static final String RAW_CAUSE = ", RawCause: ";
    private static final String WORKAROUND = ", Workaround: ";

    private DmErrorText() {
    }

    /** Parses one error line; never throws, never returns null. */
    public static DmError parse(String line) {
        String text = line == null ? "" : line.strip();
        Matcher m = TAG.matcher(text);
        if (!m.matches()) {
            return DmError.ofText(text);
        }
        int code = Integer.parseInt(m.group(1));
        String rest = m.group(5);
        if (rest.startsWith(",")) {
            rest = rest.substring(1).stripLeading();
        }
        if (!rest.startsWith(MESSAGE)) {
            // old form: the message and its cause in one string
            return new DmError(code, m.group(2), m.group(3), m.group(4), rest, "", "");
        }
        rest = rest.substring(MESSAGE.length());
        if (rest.endsWith(".")) {
            // DM appends one "." after the last part (openapi_controller.go)
            rest = rest.substring(0, rest.length() - 1);
        }
        String workaround = "";
        int w = rest.lastIndexOf(WORKAROUND);
        if (w >= 0) {
            workaround = rest.substring(w + WORKAROUND.length());
            rest = rest.substring(0, w);
        }
        String rawCause = "";
        int r = rest.indexOf(RAW_CAUSE);
        if (r >= 0) {
            rawCause = rest.substring(r + RAW_CAUSE.length());
            rest = rest.substring(0, r);
        }
        return new DmError(code, m.group(2), m.group(3), m.group(4), rest, rawCause, workaround);
    }
}
