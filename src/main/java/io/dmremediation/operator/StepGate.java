package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;

/**
 * Where a test stands between a playbook step and the record of its outcome: {@link #afterStep} runs after a step
 * did its work and before the operator writes what comes next, the worst moment for a crash. Production uses
 * {@link #NONE}.
 */
public interface StepGate {

    StepGate NONE = (a, step) -> { };

    /** Called with the step that just ran; throwing here is a crash before its outcome is on record. */
    void afterStep(ActiveRemediation active, String step);
}
