package io.dmremediation.sandbox.dmmaster;

import java.util.List;

/**
 * The relay unit of a source on its DM-worker: pulls the upstream binlog into the relay dir and keeps
 * relay.meta up to date (§7). Mutated only under the cluster lock.
 */
final class RelayUnit {

    final Backoff backoff;
    SimStage stage = SimStage.RUNNING;
    List<ProcessError> errors = List.of();
    boolean canceled;
    boolean hasResult;
    Position position;
    /** An error every resume raises again: the relay.meta position it started from is not an event boundary. */
    ProcessError persistent;
    boolean everResumed;
    long lastResumeNanos;
    int autoResumes;

    RelayUnit(Backoff backoff, Position start) {
        this.backoff = backoff;
        this.position = start;
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
