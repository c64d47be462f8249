package io.dmremediation.sandbox.dmmaster;

/** A DM error an API call ends with: OpenAPI turns it into 400 {@code {"error_msg","error_code"}} (§1). */
final class DmApiException extends RuntimeException {

    private final ProcessError error;

    DmApiException(ProcessError error) {
        super(error.terrorString());
        this.error = error;
    }

    ProcessError error() {
        return error;
    }
}
