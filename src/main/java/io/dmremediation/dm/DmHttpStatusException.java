package io.dmremediation.dm;

/**
 * An HTTP status that is not DM's own error convention: a 5xx, a 404 for a route DM-master does not serve, a
 * grpc-gateway error body, a proxy's page. {@link #detail()} is the short error text of a JSON error body, or empty.
 */
public class DmHttpStatusException extends DmMasterException {

    private final int status;
    private final String detail;

    public DmHttpStatusException(int status, String detail, String message) {
        super(Kind.HTTP_STATUS, message, null);
        this.status = status;
        this.detail = detail == null ? "" : detail;
    }

    public int status() {
        return status;
    }

    /** The {@code error}/{@code message} text of a JSON error body (one line, shortened), or empty. */
    public String detail() {
        return detail;
    }
}
