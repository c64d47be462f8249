package io.dmremediation.policy;

import java.time.Duration;

/** Delay between attempts on one task: {@code initial × factor^(n-1)}, capped at {@code max}. */
public record BackoffPolicy(Duration initial, double factor, Duration max) {

    /** The delay after the n-th attempt (n ≥ 1). */
    public Duration delayAfter(int attempts) {
        if (attempts <= 0) {
            return Duration.ZERO;
        }
        double millis = initial.toMillis() * Math.pow(factor, attempts - 1);
        if (!Double.isFinite(millis) || millis >= max.toMillis()) {
            return max;
        }
        return Duration.ofMillis((long) millis);
    }
}
