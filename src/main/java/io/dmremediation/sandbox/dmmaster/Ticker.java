package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drives simulated time on one daemon thread: every tick the relay units and subtasks move forward; every
 * checkpoint-flush interval running subtasks flush (§6); every check interval DM's task checker auto-resumes
 * what it may (§5.1).
 */
final class Ticker implements AutoCloseable {

    private final Cluster c;
    private final WorkerRuntime workers;
    private final Bindings bindings;
    private final ScheduledExecutorService exec;
    private long nextFlush;
    private long nextCheck;

    Ticker(Cluster cluster, WorkerRuntime workers, Bindings bindings) {
        this.c = cluster;
        this.workers = workers;
        this.bindings = bindings;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dm-sim-tick");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        long now = System.nanoTime();
        nextFlush = now + c.settings.checkpointFlush().toNanos();
        nextCheck = now + c.settings.autoResumeCheck().toNanos();
        long period = Math.max(1, c.settings.tick().toMillis());
        exec.scheduleWithFixedDelay(this::tickSafely, period, period, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick(System.nanoTime());
        } catch (RuntimeException e) {
            // a broken tick must not stop time; the next one tries again
        }
    }

    void tick(long now) {
        c.run(() -> {
            bindings.expireLeases(now);
            workers.advance(now);
            if (now >= nextFlush) {
                workers.flushRunning();
                nextFlush = now + c.settings.checkpointFlush().toNanos();
            }
            if (now >= nextCheck) {
                checkAutoResume(now);
                nextCheck = now + c.settings.autoResumeCheck().toNanos();
            }
        });
    }

    /**
     * {@code CheckResumeSubtask} / the relay check (§5.1): only units paused with errors and not canceled;
     * any non-resumable error means never; otherwise wait out the backoff, resume, and double the backoff.
     * A unit that stays running for the rollback period gets its backoff stepped back.
     */
    private void checkAutoResume(long now) {
        long rollback = c.settings.backoffRollback().toNanos();
        for (Subtask st : new ArrayList<>(c.subtasks.values())) {
            if (st.stage == SimStage.RUNNING) {
                if (now - Math.max(st.lastPauseNanos, st.lastRollbackNanos) >= rollback) {
                    st.backoff.rollback();
                    st.lastRollbackNanos = now;
                }
                continue;
            }
            if (!st.pausedWithErrors() || !ResumePolicy.allResumable(st.errors)) {
                continue;
            }
            if (st.everResumed && now - st.lastResumeNanos < st.backoff.currentNanos()) {
                continue;
            }
            st.autoResumes++;
            workers.resume(st, now, false);
            st.backoff.forward();
        }
        for (SourceState s : c.sources.values()) {
            for (RelayUnit r : new ArrayList<>(s.relays.values())) {
                if (!r.pausedWithErrors() || !ResumePolicy.allResumableRelay(r.errors)) {
                    continue;
                }
                if (r.everResumed && now - r.lastResumeNanos < r.backoff.currentNanos()) {
                    continue;
                }
                r.autoResumes++;
                workers.resumeRelay(s, r, now);
                r.backoff.forward();
            }
        }
    }

    @Override
    public void close() {
        exec.shutdownNow();
        try {
            exec.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
