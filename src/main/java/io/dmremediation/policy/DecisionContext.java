package io.dmremediation.policy;

/**
 * Facts outside the task that a decision depends on.
 *
 * @param humanPaused           a subtask of the task is paused by a person ({@code isCanceled})
 * @param inFlightHere          this resource already runs a remediation
 * @param inFlightOnCluster     remediations in flight on the same DM cluster, from every resource
 * @param missingConfiguration  why the playbook cannot run with this spec (e.g. no downstream Secret), or null
 */
public record DecisionContext(boolean humanPaused, boolean inFlightHere, int inFlightOnCluster,
                              String missingConfiguration) {

    public static final DecisionContext FREE = new DecisionContext(false, false, 0, null);
}
