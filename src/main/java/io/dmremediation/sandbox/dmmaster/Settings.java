package io.dmremediation.sandbox.dmmaster;

import java.time.Duration;

/**
 * The simulator's clock knobs. The defaults are DM's own (§5.1: check every 5 s, backoff 1 s … 5 min,
 * rollback after 5 min; §8: checkpoint flush every 30 s); tests shrink them.
 */
record Settings(Duration tick, Duration autoResumeCheck, Duration backoffMin, Duration backoffMax,
                Duration backoffRollback, Duration checkpointFlush, long bytesPerTick) {

    static Settings dmDefaults() {
        return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofSeconds(30), 256L << 20);
    }

    Backoff newBackoff() {
        return new Backoff(backoffMin, backoffMax);
    }
}
