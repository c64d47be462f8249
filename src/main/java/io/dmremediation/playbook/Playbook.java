package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Remedy;

/**
 * One FAQ procedure as a list of idempotent steps. {@link #run} executes the step named in
 * {@code active.step}; each step first checks DM's state (has this already happened?), so a step run twice after
 * an operator restart does its action at most once.
 */
public interface Playbook {

    Remedy remedy();

    /** The first step's name. */
    String firstStep();

    /** Runs {@code active.step}; may add to {@code active.facts}. */
    StepResult run(ActiveRemediation active, PlaybookContext ctx);

    /**
     * Undo what must not stay undone when the remediation is abandoned (the resource deleted mid-playbook): start
     * again every task this playbook stopped, from the saved config. Returns true when nothing is left to do.
     */
    boolean abandon(ActiveRemediation active, PlaybookContext ctx);
}
