package io.dmremediation.sandbox.dmmaster;

import java.time.Duration;

/**
 * The simulator's clock knobs. The defaults are DM's own (§5.1: check every 5 s, backoff 1 s … 5 min,
 * rollback after 5 min; §8: checkpoint flush every 30 s; §7.4: keepalive TTLs; §5.2: retry interval); tests shrink
 * them.
 */
record Settings(Duration tick, Duration autoResumeCheck, Duration backoffMin, Duration backoffMax,
                Duration backoffRollback, Duration checkpointFlush, long bytesPerTick, Duration keepaliveTtl,
                Duration relayKeepaliveTtl, Duration connectionRetryInterval) {

    /**
     * DM's own: keepalive TTL 60 s, 1800 s while a named relay runs ({@code pingcap/tiflow:dm/worker/config.go@v8.5.4:
     * 40-41}); the in-process connection retry interval 3 s ({@code retryTimeout}, {@code dm/syncer/dbconn/db.go:39}).
     */
    static Settings dmDefaults() {
        return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofSeconds(30), 256L << 20,
                Duration.ofSeconds(60), Duration.ofSeconds(1800), Duration.ofSeconds(3));
    }

    Backoff newBackoff() {
        return new Backoff(backoffMin, backoffMax);
    }
}
