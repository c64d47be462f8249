package io.dmremediation.operator;

import io.dmremediation.api.ConnectionPolicy;
import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.RelayOverflowPolicy;
import io.dmremediation.api.SyncerOverflowPolicy;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.domain.Durations;
import io.dmremediation.playbook.JobPodSettings;
import io.dmremediation.playbook.RemediationSettings;
import io.dmremediation.policy.BackoffPolicy;
import io.dmremediation.policy.ClassPolicy;
import io.dmremediation.policy.Settings;
import io.dmremediation.policy.StormPolicy;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** A validated spec with every default applied; the defaults are the ones the CRD documents. */
final class SpecSettings {

    static final String DEFAULT_MOUNT_PATH = "/var/lib/dm-worker";
    static final String DEFAULT_VOLUME = "dm-worker";

    private SpecSettings() {
    }

    static Settings settings(DMRemediationSpec spec) {
        Map<ErrorClass, ClassPolicy> defaults = Settings.defaultPolicies();
        Map<ErrorClass, ClassPolicy> p = new EnumMap<>(defaults);
        var policies = spec.policies;
        if (policies != null) {
            p.put(ErrorClass.INVALID_CONNECTION, connection(policies.invalidConnection,
                    defaults.get(ErrorClass.INVALID_CONNECTION)));
            p.put(ErrorClass.BAD_CONNECTION, connection(policies.badConnection,
                    defaults.get(ErrorClass.BAD_CONNECTION)));
            p.put(ErrorClass.RELAY_BINLOG_OVERFLOW, relay(policies.relayBinlogOverflow,
                    defaults.get(ErrorClass.RELAY_BINLOG_OVERFLOW)));
            p.put(ErrorClass.SYNCER_BINLOG_OVERFLOW, syncer(policies.syncerBinlogOverflow,
                    defaults.get(ErrorClass.SYNCER_BINLOG_OVERFLOW)));
        }
        Settings d = Settings.defaults();
        BackoffPolicy backoff = d.backoff();
        if (spec.backoff != null) {
            backoff = new BackoffPolicy(Durations.parseOr(spec.backoff.initial, backoff.initial()),
                    spec.backoff.factor == null ? backoff.factor() : spec.backoff.factor,
                    Durations.parseOr(spec.backoff.max, backoff.max()));
        }
        return new Settings(p, backoff, Durations.parseOr(spec.healthyResetAfter, d.healthyResetAfter()),
                Boolean.TRUE.equals(spec.paused), Boolean.TRUE.equals(spec.dryRun),
                spec.maxConcurrentRemediations == null ? 1 : spec.maxConcurrentRemediations,
                Durations.parseOr(spec.pollInterval, d.pollInterval()),
                Durations.parseOr(spec.verifyTimeout, d.verifyTimeout()));
    }

    /** Storm mode's settings of this resource, defaults applied (the cluster's are the most conservative of all). */
    static StormPolicy storm(DMRemediationSpec spec) {
        StormPolicy d = StormPolicy.DEFAULTS;
        var st = spec.storm;
        if (st == null) {
            return d;
        }
        return new StormPolicy(st.threshold == null ? d.thresholdPercent() : st.threshold,
                st.minTasks == null ? d.minTasks() : st.minTasks,
                Durations.parseOr(st.window, d.window()),
                Durations.parseOr(st.waitForAutoResume, d.waitForAutoResume()),
                st.batchSize == null ? d.batchSize() : st.batchSize,
                Durations.parseOr(st.batchInterval, d.batchInterval()));
    }

    static RemediationSettings remediation(DMRemediationSpec spec, String jobImage, JobPodSettings jobPod) {
        var relay = spec.relay;
        var jobs = spec.jobs;
        boolean restoreSafeMode = spec.policies == null || spec.policies.syncerBinlogOverflow == null
                || spec.policies.syncerBinlogOverflow.restoreSafeMode == null
                || spec.policies.syncerBinlogOverflow.restoreSafeMode;
        return new RemediationSettings(
                spec.downstream == null || spec.downstream.secretRef == null ? null : spec.downstream.secretRef.name,
                relay == null ? null : relay.relayDir,
                relay == null || relay.volumeMountPath == null ? DEFAULT_MOUNT_PATH : relay.volumeMountPath,
                relay == null || relay.volumeName == null ? DEFAULT_VOLUME : relay.volumeName,
                relay != null && Boolean.TRUE.equals(relay.perWorkerSubdirectory),
                jobImage,
                Durations.parseOr(jobs == null ? null : jobs.deadline, Duration.ofMinutes(10)),
                Durations.parseOr(jobs == null ? null : jobs.ttlAfterFinished, Duration.ofHours(24)),
                restoreSafeMode, jobPod);
    }

    private static ClassPolicy connection(ConnectionPolicy c, ClassPolicy d) {
        if (c == null) {
            return d;
        }
        return new ClassPolicy(
                c.action == null ? d.playbook() : c.action == ConnectionPolicy.Action.None ? Remedy.NONE : Remedy.RESTART_TASK,
                Durations.parseOr(c.waitForAutoResume, d.waitForAutoResume()),
                c.maxAttempts == null ? d.maxAttempts() : c.maxAttempts,
                c.pauseThreshold == null ? d.pauseThreshold() : c.pauseThreshold,
                Durations.parseOr(c.pauseWindow, d.pauseWindow()),
                false);
    }

    private static ClassPolicy relay(RelayOverflowPolicy r, ClassPolicy d) {
        if (r == null) {
            return d;
        }
        return new ClassPolicy(
                r.action == null ? d.playbook() : r.action == RelayOverflowPolicy.Action.None ? Remedy.NONE : Remedy.FIX_RELAY_META,
                Duration.ZERO, r.maxAttempts == null ? d.maxAttempts() : r.maxAttempts, 0, Duration.ZERO, false);
    }

    private static ClassPolicy syncer(SyncerOverflowPolicy s, ClassPolicy d) {
        if (s == null) {
            return d;
        }
        return new ClassPolicy(
                s.action == null ? d.playbook()
                        : s.action == SyncerOverflowPolicy.Action.None ? Remedy.NONE : Remedy.FIX_SYNCER_CHECKPOINT,
                Duration.ZERO, s.maxAttempts == null ? d.maxAttempts() : s.maxAttempts, 0, Duration.ZERO,
                s.restoreSafeMode == null || s.restoreSafeMode);
    }
}
