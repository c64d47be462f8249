package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;

/**
 * One row of a playbook's step table.
 *
 * @param name      written to {@code status.active.step} before the step runs
 * @param phase     where a failure leads
 * @param body      fences against DM first (has this happened already? is the error still there?), then acts
 * @param next      where {@link StepResult.Done} goes; null only for steps that always branch or finish
 * @param onFailure {@link Phase#STOPPED}: the recovery step; {@link Phase#MUST_START}: an optional fallback once
 *                  the tries are used up; otherwise null
 */
public record Step(String name, Phase phase, Body body, String next, String onFailure) {

    /** The step's fencing check and action. */
    @FunctionalInterface
    public interface Body {
        StepResult run(ActiveRemediation a, PlaybookContext ctx);
    }
}
