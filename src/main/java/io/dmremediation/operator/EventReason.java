package io.dmremediation.operator;

/** The fixed set of Event reasons; dashboards and alerts can rely on these names. */
public enum EventReason {
    ErrorDetected("Warning"),
    WaitingForAutoResume("Normal"),
    RemediationStarted("Normal"),
    RemediationSucceeded("Normal"),
    RemediationFailed("Warning"),
    RemediationAborted("Normal"),
    /** A task the operator stopped could not be started again: a person must, from the saved config. */
    TaskLeftStopped("Warning"),
    /** A task left stopped is held by DM-master again. */
    TaskRunningAgain("Normal"),
    /** The resource is being deleted with a remediation in flight: it is brought to a safe end first. */
    WindingDown("Normal"),
    Escalated("Warning"),
    RetryRequested("Normal"),
    DryRun("Normal"),
    DMMasterUnreachable("Warning"),
    DMMasterRecovered("Normal"),
    InvalidSpec("Warning"),
    /** Many guarded tasks of the DM cluster failed the same way at once: one incident (storm mode). */
    StormDetected("Warning"),
    /** The incident is over; what is left is handled task by task. */
    StormOver("Normal");

    private final String type;

    EventReason(String type) {
        this.type = type;
    }

    public String type() {
        return type;
    }
}
