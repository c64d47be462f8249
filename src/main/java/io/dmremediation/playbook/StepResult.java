package io.dmremediation.playbook;

import java.time.Duration;

/** What one step of a playbook asks for next. */
public sealed interface StepResult {

    /** The step is done: go to the step its table names as next. */
    record Done(String note) implements StepResult {
    }

    /**
     * Go to {@code step}, a branch the step chose. The engine writes it (and the state the step changed) to status
     * before running it, so a step's action always happens after its name is on record.
     */
    record Next(String step, String note) implements StepResult {
    }

    /**
     * Record the state the step just changed (an intent such as "stop intended") and run the same step again:
     * the action is sent only once its intent is on record.
     */
    record Persist(String note) implements StepResult {
    }

    /** Stay at this step and look again later. */
    record Wait(Duration recheckAfter, String note) implements StepResult {
    }

    /**
     * The step failed in a way it understands (DM refused, a check said no, a timeout). Where that leads depends on
     * the step's {@link Phase}: see {@link PlaybookEngine}.
     */
    record Fail(String reason) implements StepResult {
    }

    /** The playbook ended. */
    record Finish(Outcome outcome, String detail) implements StepResult {
    }

    enum Outcome {
        /** The task runs again (verified). */
        SUCCEEDED,
        /** It did not work; counts as an attempt; the task runs as DM runs it (never left stopped by this). */
        FAILED,
        /** Nothing was changed: the error cleared, the task vanished, or the resource went, before the first stop. */
        ABORTED,
        /** A task this remediation stopped could not be started again: a human must, from the saved config. */
        LEFT_STOPPED
    }

    static StepResult done(String note) {
        return new Done(note);
    }

    static StepResult next(String step, String note) {
        return new Next(step, note);
    }

    static StepResult waitFor(Duration after, String note) {
        return new Wait(after, note);
    }

    static StepResult fail(String reason) {
        return new Fail(reason);
    }

    static StepResult finish(Outcome outcome, String detail) {
        return new Finish(outcome, detail);
    }
}
