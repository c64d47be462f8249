package io.dmremediation.sandbox.dmmaster;

/**
 * DM's {@code pb.ProcessError} (§3.2): one error of a unit, with the terror's code, class, scope and level, its
 * {@code Message} (including the syncer's {@code startLocation: … endLocation: …: } prefix where DM adds it),
 * {@code RawCause} (only for delegated errors) and {@code Workaround}.
 */
public record ProcessError(int code, String errClass, String scope, String level, String message,
                           String rawCause, String workaround) {

    public ProcessError {
        errClass = nz(errClass);
        scope = nz(scope);
        level = nz(level);
        message = nz(message);
        rawCause = nz(rawCause);
        workaround = nz(workaround);
    }

    /** An error without a workaround. */
    public static ProcessError of(int code, String errClass, String scope, String level, String message,
                                  String rawCause) {
        return new ProcessError(code, errClass, scope, level, message, rawCause, "");
    }

    /**
     * The same error in another class, as terror.WithClass re-classes it
     * (pingcap/tiflow:dm/pkg/terror/terror.go:406-416@v8.5.4).
     */
    public ProcessError withClass(String newClass) {
        return new ProcessError(code, newClass, scope, level, message, rawCause, workaround);
    }

    /**
     * terror's {@code Error()} string (§4, {@code terror.go:223-233}):
     * {@code [code=%d:class=%s:scope=%s:level=%s]} then {@code , Message: }, {@code , RawCause: },
     * {@code , Workaround: } for each part that is not empty.
     */
    public String terrorString() {
        StringBuilder sb = new StringBuilder(tag());
        if (!message.isEmpty()) {
            sb.append(", Message: ").append(message);
        }
        if (!rawCause.isEmpty()) {
            sb.append(", RawCause: ").append(rawCause);
        }
        if (!workaround.isEmpty()) {
            sb.append(", Workaround: ").append(workaround);
        }
        return sb.toString();
    }

    /**
     * One line of OpenAPI {@code error_msg} from v6.2 (§2.3): the Message part is always written, and a
     * {@code "."} closes the line.
     */
    String openApiLine() {
        StringBuilder sb = new StringBuilder(tag()).append(", Message: ").append(message);
        if (!rawCause.isEmpty()) {
            sb.append(", RawCause: ").append(rawCause);
        }
        if (!workaround.isEmpty()) {
            sb.append(", Workaround: ").append(workaround);
        }
        return sb.append('.').toString();
    }

    private String tag() {
        return "[code=" + code + ":class=" + errClass + ":scope=" + scope + ":level=" + level + "]";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
