package io.dmremediation.playbook;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.policy.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything a playbook may touch, each behind a small interface: DM-master, the saved task configs, the repair
 * Jobs, the worker pods, the downstream Secret, the clock, and the resource's settings.
 *
 * @param masterUrl     DM-master's address as the spec names it (the client may reach it under another)
 * @param masterTrusted the DM-master is the namespace's own DMCluster, so the downstream password may go to it
 *                      without the Secret's allow-list
 */
public record PlaybookContext(DMRemediation owner, DmMaster dm, SavedConfigs vault, RepairJobControl jobs,
                              WorkerPodControl pods, DownstreamCredentials downstream, Clock clock, Settings settings,
                              RemediationSettings remediation, String masterUrl, boolean masterTrusted,
                              EngineTiming timing) {

    public Instant now() {
        return clock.instant();
    }

    /** How long a step that waits for DM to react may wait before the playbook gives up on it. */
    public Duration dmReactionTimeout() {
        return timing.dmReaction();
    }

    /** Why the downstream password must not be sent to this DM-master in a start-task, or empty. */
    public Optional<String> masterNotAllowed() {
        return masterTrusted ? Optional.empty()
                : downstream.masterNotAllowed(remediation.downstreamSecret(), masterUrl);
    }
}
