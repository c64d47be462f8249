package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.List;

/**
 * One diagnosed problem. {@code task} is null for relay findings (the relay belongs to a source, not a task);
 * {@code evidence} holds every error DM reported for that subtask or relay, the deciding one first;
 * {@code reason} says in a sentence why this class was chosen (or why it is unknown).
 */
public record Finding(String task, String source, String worker, Unit unit, ErrorClass errorClass,
                      List<DmError> evidence, String reason) {

    public Finding {
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        unit = unit == null ? Unit.UNKNOWN : unit;
    }

    public Remedy remedy() {
        return errorClass.faqRemedy();
    }

    /** The error that decided the class; null only for a finding without errors (a failed worker query). */
    public DmError primary() {
        return evidence.isEmpty() ? null : evidence.get(0);
    }
}
