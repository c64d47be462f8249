package io.dmremediation.domain;

/**
 * One DM {@code ProcessError}. Fields DM did not report are empty strings, and {@code code} is 0 when
 * the reply carried no code (OpenAPI v6.0/v6.1 {@code error_msg}, plain text lines).
 */
public record DmError(int code, String errClass, String scope, String level, String message, String rawCause,
                      String workaround) {

    public DmError {
        errClass = nz(errClass);
        scope = nz(scope);
        level = nz(level);
        message = nz(message);
        rawCause = nz(rawCause);
        workaround = nz(workaround);
    }

    /** An error known only by its text. */
    public static DmError ofText(String message) {
        return new DmError(0, "", "", "", message, "", "");
    }

    /** Message and raw cause together: DM puts the decisive text in either, depending on version and path. */
    public String text() {
        return rawCause.isEmpty() ? message : message + ": " + rawCause;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
