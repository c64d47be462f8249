package io.dmremediation.playbook;

import java.time.Duration;

/** What one step of a playbook asks for next. */
public sealed interface StepResult {

    /**
     * Move to {@code step}. The operator writes it (and any facts the step recorded) to status before running it,
     * so a step's action always happens after its name is on record.
     */
    record Next(String step, String note) implements StepResult {
    }

    /**
     * Record the facts the step just wrote (an intent such as "stop issued") and run the same step again. Used
     * where an action cannot be recognised afterwards from DM's state alone.
     */
    record Persist(String note) implements StepResult {
    }

    /** Stay at this step and look again later. */
    record Wait(Duration recheckAfter, String note) implements StepResult {
    }

    /** The playbook ended. */
    record Finish(Outcome outcome, String detail) implements StepResult {
    }

    enum Outcome {
        /** The task runs again (verified). */
        SUCCEEDED,
        /** It did not work; counts as an attempt, the task is left as DM runs it. */
        FAILED,
        /** Nothing was changed: the error cleared, or the task vanished, before the first action. */
        ABORTED
    }

    static StepResult next(String step, String note) {
        return new Next(step, note);
    }

    static StepResult waitFor(Duration after, String note) {
        return new Wait(after, note);
    }

    static StepResult finish(Outcome outcome, String detail) {
        return new Finish(outcome, detail);
    }
}
