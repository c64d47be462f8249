package io.dmremediation.sandbox.dmmaster;

import java.util.List;

/**
 * The relay unit of a source on one DM-worker: pulls the upstream binlog into that worker's relay dir and keeps
 * relay.meta up to date (§7, §7.2). Mutated only under the cluster lock.
 */
final class RelayUnit {

    final String worker;
    final Backoff backoff;
    /** Started by the source config's {@code enable-relay} (not by a named relay config): {@code startedRelayBySourceCfg}. */
    final boolean bySourceConfig;
    /**
     * Where the relay starts when relay.meta is missing or outdated: the minimum checkpoint of the source's
     * subtasks with a sync unit, read when the relay was enabled ({@code getMinLocInAllSubTasks}), else the
     * upstream's current file (§7.2).
     */
    final String neededFile;
    /**
     * Set by every enable ({@code cfg.UUIDSuffix > 0}), used once: the first run after an enable purges a relay dir
     * that has no sub-dir of this upstream ({@code reSetupMeta}, §7.2).
     */
    boolean freshEnable = true;
    SimStage stage = SimStage.RUNNING;
    List<ProcessError> errors = List.of();
    boolean canceled;
    boolean hasResult;
    /** What the relay wrote to its current file, as a true offset (DM keeps it as uint32). */
    Position position;
    /**
     * How far a syncer may read the relay: the end of the last complete transaction. Equal to {@link #position}
     * except after the writer stopped inside a transaction (the 4 GiB check, §7.3).
     */
    Position readable;
    boolean everResumed;
    long lastResumeNanos;
    int autoResumes;
    int starts;

    RelayUnit(String worker, Backoff backoff, boolean bySourceConfig, String neededFile) {
        this.worker = worker;
        this.backoff = backoff;
        this.bySourceConfig = bySourceConfig;
        this.neededFile = neededFile;
    }

    void pauseWithErrors(List<ProcessError> errs) {
        stage = SimStage.PAUSED;
        errors = List.copyOf(errs);
        canceled = false;
        hasResult = true;
    }

    void markRunning(long now) {
        stage = SimStage.RUNNING;
        errors = List.of();
        canceled = false;
        hasResult = false;
        everResumed = true;
        lastResumeNanos = now;
    }

    boolean pausedWithErrors() {
        return stage == SimStage.PAUSED && hasResult && !canceled && !errors.isEmpty();
    }
}
