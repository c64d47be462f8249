package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;

/** Where the engine writes the remediation's state: the resource's status, with optimistic locking. */
public interface Journal {

    /** Writes the state; throws when the write is refused (another operator moved on): nothing may act then. */
    void persist(ActiveRemediation a);

    /**
     * Called after a step did its work and before its outcome is on record, the worst moment for a crash; tests
     * crash the operator here. Production does nothing.
     */
    default void afterStep(ActiveRemediation a, String step) {
    }
}
