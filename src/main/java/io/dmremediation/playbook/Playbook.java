package io.dmremediation.playbook;

import io.dmremediation.diagnosis.Remedy;

/**
 * One FAQ procedure as a declared table of idempotent steps over the remediation's typed state. Each step checks
 * DM's state first, so a step run twice after an operator restart does its action at most once; {@link Phase}
 * says where each step's failure leads.
 */
public interface Playbook {

    Remedy remedy();

    StepTable steps();

    /**
     * True when the playbook acts on a whole source (every task reading its relay) rather than on the task whose
     * finding started it; its attempts then count against every guarded task on the source.
     */
    default boolean coversSource() {
        return false;
    }
}
