package io.dmremediation.fixer;

/**
 * The request itself is unusable (a malformed identifier, file name or position, a missing environment variable).
 * Thrown before anything is read or written; the commands turn it into exit code 2.
 */
public final class InvalidFixRequestException extends RuntimeException {

    public InvalidFixRequestException(String message) {
        super(message);
    }
}
