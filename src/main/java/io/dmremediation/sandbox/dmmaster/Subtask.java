package io.dmremediation.sandbox.dmmaster;

import java.util.List;

/**
 * One subtask as a DM-worker runs it: always in the Sync unit (incremental replication; Dump/Load are not
 * modelled), with DM's stage, result and an in-memory checkpoint that is loaded from the downstream only when
 * the subtask is created (§6). Mutated only under the cluster lock.
 */
final class Subtask {

    /** A fault injected into this in-memory subtask: each resume re-raises it while {@code remaining > 0}. */
    record InjectedFault(ProcessError error, int remaining) {
        static final int FOREVER = Integer.MAX_VALUE;
    }

    final String task;
    final String source;
    /** Reads the relay log ({@code binlogType "local"}) rather than the upstream ({@code "remote"}). */
    boolean readsRelay;
    /** A relay read failed and the syncer reads the upstream until its stream is opened again (§5.3). */
    boolean fellBackToRemote;
    /** A connection error DM retries in-process; the subtask pauses with it when the retries run out (§5.2). */
    ProcessError retryingError;
    long retryingUntilNanos;
    final Backoff backoff;

    SimStage stage = SimStage.NEW;
    List<ProcessError> errors = List.of();
    boolean canceled;
    /** Whether {@code result} is set at all: DM reports {@code null} for a running unit. */
    boolean hasResult;

    Position checkpoint;
    Position flushed;
    long totalEvents;
    boolean safeMode;

    /** An error every resume raises again, until the subtask is re-created (its checkpoint could not be loaded). */
    ProcessError persistent;
    /** The replay from the checkpoint re-applies rows without safe mode: every resume fails on its first write. */
    ProcessError replayConflict;
    InjectedFault injected;
    /** The checkpoint could not be loaded; DM retries the unit initialisation on the next resume. */
    boolean needsInit;
    /** A table checkpoint pointed into the overflowed part of a big file: DM would skip events silently. */
    boolean replaySkippedEvents;

    boolean everResumed;
    long lastResumeNanos;
    long lastPauseNanos;
    long lastRollbackNanos;
    int autoResumes;
    int resumes;

    Subtask(String task, String source, boolean readsRelay, Backoff backoff, long now) {
        this.task = task;
        this.source = source;
        this.readsRelay = readsRelay;
        this.backoff = backoff;
        this.lastPauseNanos = now;
        this.lastRollbackNanos = now;
    }

    void pauseWithErrors(List<ProcessError> errs, long now) {
        stage = SimStage.PAUSED;
        errors = List.copyOf(errs);
        canceled = false;
        hasResult = true;
        lastPauseNanos = now;
    }

    /** A pause asked for by a user (gateway Pause, OpenAPI stop): {@code isCanceled: true} (§3.2). */
    void pauseByUser(long now) {
        if (stage == SimStage.RUNNING || stage == SimStage.NEW) {
            errors = List.of();
        }
        if (stage != SimStage.STOPPED) {
            stage = SimStage.PAUSED;
        }
        canceled = true;
        hasResult = true;
        lastPauseNanos = now;
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
