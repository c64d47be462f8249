package io.dmremediation.operator;

/** The fixed set of Event reasons; dashboards and alerts can rely on these names. */
public enum EventReason {
    ErrorDetected("Warning"),
    WaitingForAutoResume("Normal"),
    RemediationStarted("Normal"),
    RemediationSucceeded("Normal"),
    RemediationFailed("Warning"),
    RemediationAborted("Normal"),
    Escalated("Warning"),
    RetryRequested("Normal"),
    DryRun("Normal"),
    DMMasterUnreachable("Warning"),
    DMMasterRecovered("Normal"),
    InvalidSpec("Warning");

    private final String type;

    EventReason(String type) {
        this.type = type;
    }

    public String type() {
        return type;
    }
}
