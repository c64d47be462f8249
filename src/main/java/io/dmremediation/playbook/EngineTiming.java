package io.dmremediation.playbook;

import java.time.Duration;

/**
 * How long the engine waits on DM: the first and the longest pause between tries of a step that must start stopped
 * tasks (doubling in between), and how long a step may wait for DM to carry out what it asked. Production uses
 * {@link #DEFAULT}; the sandbox world shortens them so its failure paths play out in seconds.
 */
public record EngineTiming(Duration firstRetry, Duration maxRetry, Duration dmReaction) {

    /** 5 s doubling to 2 min (six tries take about five minutes); DM gets 2 min to react. */
    public static final EngineTiming DEFAULT = new EngineTiming(Duration.ofSeconds(5), Duration.ofMinutes(2),
            Duration.ofMinutes(2));

    public Duration retryDelay(int tries) {
        Duration d = firstRetry.multipliedBy(1L << Math.min(Math.max(tries, 1) - 1, 20));
        return d.compareTo(maxRetry) > 0 ? maxRetry : d;
    }
}
