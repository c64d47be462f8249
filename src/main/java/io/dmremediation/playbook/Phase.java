package io.dmremediation.playbook;

/**
 * Where a step stands relative to the first stop, which decides where a failure of the step leads. The invariant
 * after the first stop: the task runs again with its original config (in safe mode while a checkpoint may be
 * rewound), or the resource says loudly that it is left stopped.
 */
public enum Phase {
    /** Nothing has changed yet: a failure ends the remediation ({@code Failed}, "nothing was changed"). */
    BEFORE_STOP,
    /** A task may be stopped: a failure leads to the step's recovery step, never to a plain end. */
    STOPPED,
    /**
     * The step starts stopped tasks again: a failure is retried with a backoff, and only after the last try does
     * the remediation end {@code LeftStopped} (or go to the step's fallback, if it names one).
     */
    MUST_START,
    /** The tasks are listed by DM again: a failure ends the remediation {@code Failed}. */
    RUNNING
}
