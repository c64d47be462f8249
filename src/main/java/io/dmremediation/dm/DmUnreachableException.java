package io.dmremediation.dm;

/** The request never reached DM-master: connection refused, unknown host, no connection within the timeout, reset. */
public class DmUnreachableException extends DmMasterException {

    public DmUnreachableException(String message, Throwable cause) {
        super(Kind.UNREACHABLE, message, cause);
    }
}
