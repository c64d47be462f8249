package io.dmremediation.dm;

/** DM-master did not answer in time. It may still act on the request, so a caller must re-check, not assume. */
public class DmTimeoutException extends DmMasterException {

    public DmTimeoutException(String message, Throwable cause) {
        super(Kind.TIMEOUT, message, cause);
    }
}
