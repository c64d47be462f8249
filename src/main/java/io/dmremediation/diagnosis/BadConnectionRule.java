package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import java.util.Optional;

/**
 * FAQ "driver: bad connection": database/sql's {@code driver.ErrBadConn}, the connection was bad before the
 * request was sent. Codes 10006 (every release; a failed BEGIN too up to v8.5) and 10007 (a failed BEGIN after v8.5 only) with that RawCause, 10002 {@code ErrDBBadConn} from {@code DBErrorAdapt},
 * or a text-only line in DM's shape (dm-facts §4; see {@link DriverCause}). Sync unit or a line without unit
 * only. Not {@code sql: connection is already closed} ({@link LookAlike#CONNECTION_CLOSED}).
 */
public final class BadConnectionRule implements Rule {

    public static final BadConnectionRule INSTANCE = new BadConnectionRule();

    /** 10002 ErrDBBadConn (dm-facts §4 table). */
    static final int ADAPT_CODE = 10002;

    private static final DriverCause CAUSE = new DriverCause("driver: bad connection", ADAPT_CODE);

    private BadConnectionRule() {
    }

    @Override
    public String name() {
        return "bad-connection";
    }

    @Override
    public ErrorClass errorClass() {
        return ErrorClass.BAD_CONNECTION;
    }

    @Override
    public Optional<String> match(DmError error, ErrorSite site) {
        if (!DriverCause.siteAllowed(site)) {
            return Optional.empty();
        }
        return CAUSE.find(error).map(shape -> (error.code() == 0 ? "text-only error" : "code " + error.code())
                + " with " + shape + " on " + site.describe()
                + ": the connection was bad before the request was sent (FAQ: driver: bad connection)");
    }
}
