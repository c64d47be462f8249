package io.dmremediation.tls;

/** Certificates or keys that cannot be used, with the reason in words (which file, what is wrong with it). */
public class TlsMaterialException extends RuntimeException {

    public TlsMaterialException(String message) {
        super(message);
    }

    public TlsMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
