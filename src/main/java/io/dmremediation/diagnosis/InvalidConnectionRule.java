package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import java.util.Optional;

/**
 * FAQ "invalid connection": go-sql-driver's {@code mysql.ErrInvalidConn} ("invalid connection"), the downstream
 * connection broke after part of a request was sent. Codes 10006 (every release; a failed BEGIN too up to v8.5) and 10007 (a failed BEGIN after v8.5 only) with that RawCause (tiflow issue #11384),
 * 10003 {@code ErrDBInvalidConn} from {@code DBErrorAdapt}, or a text-only line in DM's shape (dm-facts §4; see
 * {@link DriverCause}). Sync unit or a line without unit only.
 */
public final class InvalidConnectionRule implements Rule {

    public static final InvalidConnectionRule INSTANCE = new InvalidConnectionRule();

    /** 10003 ErrDBInvalidConn (dm-facts §4 table). */
    static final int ADAPT_CODE = 10003;

    private static final DriverCause CAUSE = new DriverCause("invalid connection", ADAPT_CODE);

    private InvalidConnectionRule() {
    }

    @Override
    public String name() {
        return "invalid-connection";
    }

    @Override
    public ErrorClass errorClass() {
        return ErrorClass.INVALID_CONNECTION;
    }

    @Override
    public Optional<String> match(DmError error, ErrorSite site) {
        if (!DriverCause.siteAllowed(site)) {
            return Optional.empty();
        }
        return CAUSE.find(error).map(shape -> (error.code() == 0 ? "text-only error" : "code " + error.code())
                + " with " + shape + " on " + site.describe()
                + ": the downstream connection broke after data was sent (FAQ: invalid connection)");
    }
}
