package io.dmremediation.sandbox.dmmaster;

import java.time.Duration;

/**
 * The task checker's per-subtask backoff (§5.1, {@code dm/pkg/backoff/backoff.go}): starts at min, doubles on
 * every auto-resume up to max, steps back one after a healthy period. DM adds jitter; the simulator does not,
 * so tests are deterministic.
 */
final class Backoff {

    private final long minNanos;
    private final long maxNanos;
    private int cwnd;

    Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = Math.max(max.toNanos(), minNanos);
    }

    long currentNanos() {
        long d = minNanos;
        for (int i = 0; i < cwnd && d < maxNanos; i++) {
            d = d * 2;
        }
        return Math.min(d, maxNanos);
    }

    void forward() {
        if (currentNanos() < maxNanos) {
            cwnd++;
        }
    }

    void rollback() {
        if (cwnd > 0) {
            cwnd--;
        }
    }
}
