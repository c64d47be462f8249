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

    /**
     * gogo protobuf's {@code String()} of {@code pb.ProcessError} ({@code proto.CompactTextString}): the fields that
     * are set, {@code name:value}, strings quoted with Go escapes, each followed by a space
     * ({@code pingcap/tiflow:dm/pb/dmworker.pb.go:2157@v8.5.4}). DM-master joins these into a 38032 message (§1.2).
     */
    String protoText() {
        StringBuilder sb = new StringBuilder();
        if (code != 0) {
            sb.append("ErrCode:").append(code).append(' ');
        }
        field(sb, "ErrClass", errClass);
        field(sb, "ErrScope", scope);
        field(sb, "ErrLevel", level);
        field(sb, "Message", message);
        field(sb, "RawCause", rawCause);
        field(sb, "Workaround", workaround);
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        if (value.isEmpty()) {
            return;
        }
        sb.append(name).append(":\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(ch);
            }
        }
        sb.append("\" ");
    }

    private String tag() {
        return "[code=" + code + ":class=" + errClass + ":scope=" + scope + ":level=" + level + "]";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
