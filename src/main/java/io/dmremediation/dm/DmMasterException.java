package io.dmremediation.dm;

/**
 * Something went wrong talking to DM-master, or DM-master said no. Unchecked so that each caller decides where
 * to catch; {@link #kind()} tells what happened without {@code instanceof} chains.
 *
 * <p>Messages are one line for a human. They never carry a task or source config (those hold the downstream
 * password) and never a reply body verbatim.
 */
public class DmMasterException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The request never reached DM-master (refused, unknown host, connect timeout, reset): safe to retry. */
        UNREACHABLE,
        /** Sent, but no complete answer in time: DM-master may or may not have acted on it. */
        TIMEOUT,
        /** An HTTP status that is neither success nor DM's own error reply (5xx, 404 on a route, proxy pages). */
        HTTP_STATUS,
        /** DM-master answered and refused: gateway {@code result: false} or OpenAPI 400 with {@code error_msg}. */
        ERROR_REPLY,
        /** The reply is not what DM sends (not JSON, truncated, wrong types, too large). */
        BAD_REPLY,
        /** This DM-master cannot do it at all (e.g. relay control without {@code openapi = true}). */
        UNSUPPORTED
    }

    private final Kind kind;

    protected DmMasterException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
