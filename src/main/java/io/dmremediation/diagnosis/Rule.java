package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import java.util.Optional;

/**
 * One named test on one DM error in its {@link ErrorSite}. A FAQ rule answers with the class it stands for; a
 * look-alike guard ({@link LookAlike}) answers with {@link ErrorClass#UNKNOWN} and vetoes the FAQ rules. Rules are
 * pure and keep no state.
 */
public interface Rule {

    /** A stable name, used in reasons and tests. */
    String name();

    /** The class an error gets when this rule matches it. */
    ErrorClass errorClass();

    /** The reason (a clause, no final period) when the rule matches; empty when it does not. */
    Optional<String> match(DmError error, ErrorSite site);
}
