package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a Go SQL driver error surfaces in a DM error (dm-facts §4, "How the three FAQ symptoms actually surface"):
 * <ul>
 *   <li>the DML/commit path: 10006 {@code execute statement failed: <sql|commit|begin>} (BEGIN too, on every
 *       release up to v8.5.x and v9.0.0-beta.1), or 10007 {@code … begin} only after v8.5 (master,
 *       v9.0.0-beta.2.pre, v26.3.x; PR #12078, {@code pingcap/tiflow:dm/pkg/conn/baseconn.go:168}), with the driver
 *       error as {@code RawCause} ({@code BaseConn.ExecuteSQLWithIgnoreError}); in DM's label-less old text the cause
 *       follows the message after {@code ": "};</li>
 *   <li>the {@code terror.DBErrorAdapt} path: a dedicated code (10003 invalid, 10002 bad connection), message
 *       {@code database driver}, the driver error as cause ({@code database driver: invalid connection});</li>
 *   <li>code 0, text only (OpenAPI v6.0/v6.1 {@code error_msg} lines, pasted lines): only when the text itself
 *       shows the cause in one of DM's shapes ({@code RawCause: <cause>}, {@code database driver: <cause>},
 *       {@code execute statement failed: …: <cause>}); a bare cause without DM's shape is not enough.</li>
 * </ul>
 * The FAQ's procedure (stop-task + start-task) is for the incremental Sync unit (DESIGN, "detect"), so a
 * subtask in another unit, a relay or a source never matches; a line without unit is judged by its text.
 */
final class DriverCause {

    /** 10006 ErrDBExecuteFailed (any statement, BEGIN included up to v8.5), 10007 ErrDBExecuteFailedBegin (after v8.5; dm-facts §4). */
    static final Set<Integer> EXECUTE_CODES = Set.of(10006, 10007);

    private static final String EXECUTE_LABEL = "execute statement failed: ";

    private final String cause;
    private final int adaptCode;
    /** DM's labelled shapes, the cause right after the label. */
    private final Pattern labelled;
    /** {@code ": <cause>"}, in the shape {@code execute statement failed: …: <cause>} once the label was found. */
    private final Pattern afterExecute;

    /**
     * @param cause     the driver's error text, e.g. {@code invalid connection}
     * @param adaptCode the code {@code DBErrorAdapt} gives it (10003 or 10002)
     */
    DriverCause(String cause, int adaptCode) {
        this.cause = cause.toLowerCase(Locale.ROOT);
        this.adaptCode = adaptCode;
        String c = Pattern.quote(this.cause);
        // the cause must end there: end of text, or the punctuation DM puts after it (", Workaround", ".", quotes)
        String end = "(?=\\s*$|[.,;\"'\\])\\n])";
        this.labelled = Pattern.compile("(?:rawcause: |database driver: )" + c + end, Pattern.DOTALL);
        // "execute statement failed: .*?: <cause>" as one regex retried ".*?" to the end of the text at every
        // occurrence of the label (quadratic: a long pasted line took seconds); the same match in two linear steps
        this.afterExecute = Pattern.compile(": " + c + end, Pattern.DOTALL);
    }

    /** True when the subtask's unit is one whose driver errors the FAQ procedure addresses. */
    static boolean siteAllowed(ErrorSite site) {
        return site.isSubtask() && (site.unit() == Unit.SYNC || site.unit() == Unit.UNKNOWN);
    }

    /** The DM shape in which the cause was found, or empty. */
    Optional<String> find(DmError e) {
        int code = e.code();
        if (EXECUTE_CODES.contains(code)) {
            if (!e.rawCause().isBlank()) {
                return isCause(e.rawCause()) ? Optional.of("RawCause '" + cause + "'") : Optional.empty();
            }
            // old label-less DM text: "execute statement failed: begin: invalid connection"
            String msg = ErrorText.stripPeriod(e.message().strip()).toLowerCase(Locale.ROOT);
            return msg.endsWith(": " + cause) ? Optional.of("message ending in '" + cause + "'") : Optional.empty();
        }
        if (code == adaptCode) {
            return ErrorText.lower(e).contains(cause) ? Optional.of("'" + cause + "' in its text") : Optional.empty();
        }
        if (code == 0) {
            return inTextShape(ErrorText.lower(e)) ? Optional.of("'" + cause + "' in DM's error shape") : Optional.empty();
        }
        return Optional.empty();
    }

    /** {@code (rawcause: |database driver: |execute statement failed: .*?: )<cause>} followed by an end. */
    private boolean inTextShape(String lowerText) {
        if (labelled.matcher(lowerText).find()) {
            return true;
        }
        int label = lowerText.indexOf(EXECUTE_LABEL);
        return label >= 0 && afterExecute.matcher(lowerText).region(label + EXECUTE_LABEL.length(), lowerText.length())
                .useTransparentBounds(true).useAnchoringBounds(false).find();
    }

    /** The raw cause is the driver error itself, possibly behind an annotation ({@code "…: invalid connection"}). */
    private boolean isCause(String rawCause) {
        String c = ErrorText.stripPeriod(rawCause.strip()).toLowerCase(Locale.ROOT);
        return c.equals(cause) || c.endsWith(": " + cause);
    }
}
