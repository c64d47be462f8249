package io.dmremediation.playbook;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.policy.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a playbook may touch: DM-master, the Secret that keeps task configs, the repair Jobs, the worker
 * pods, the clock, and the resource's settings.
 */
public record PlaybookContext(DMRemediation owner, DmMaster dm, ConfigVault vault, RepairJobs jobs, WorkerPods pods,
                              DownstreamSecret downstream, Clock clock, Settings settings,
                              RemediationSettings remediation) {

    public Instant now() {
        return clock.instant();
    }

    /** How long a step that waits for DM to react may wait before the playbook gives up on it. */
    public Duration dmReactionTimeout() {
        return Duration.ofMinutes(2);
    }
}
