package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import java.util.Objects;

/**
 * The class of one error: which rule decided it ({@code "none"} when no rule did) and why.
 */
public record Classification(DmError error, ErrorClass errorClass, String rule, String reason) {

    public Classification {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
    }

    /** True for the four FAQ classes, false for {@link ErrorClass#UNKNOWN}. */
    public boolean isFaq() {
        return errorClass != ErrorClass.UNKNOWN;
    }
}
