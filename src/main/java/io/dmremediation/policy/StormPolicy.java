package io.dmremediation.policy;

import java.time.Duration;

/**
 * Storm mode's settings for one DM cluster: when many guarded tasks failing at once are one incident, and how its
 * recovery is paced. Every resource on a cluster may set them; the cluster runs on the most conservative of them
 * ({@link #mostConservative}), as it runs on the lowest {@code maxConcurrentRemediations}.
 *
 * @param thresholdPercent  more than this share of the cluster's guarded tasks failing with one class ...
 * @param minTasks          ... and at least this many ...
 * @param window            ... that began failing within this window: one incident
 * @param waitForAutoResume how long DM's own auto-resume gets once the common cause answers again
 * @param batchSize         tasks restarted at once on the cluster
 * @param batchInterval     from one batch's start to the next one's at the earliest; also how often the common
 *                          cause is checked while the incident holds
 */
public record StormPolicy(int thresholdPercent, int minTasks, Duration window, Duration waitForAutoResume,
                          int batchSize, Duration batchInterval) {

    public static final StormPolicy DEFAULTS = new StormPolicy(30, 10, Duration.ofMinutes(2), Duration.ofMinutes(1),
            50, Duration.ofSeconds(10));

    /**
     * The settings that hold back more: the lower share and count (storm mode sooner), the longer window and wait,
     * the smaller batch and the longer interval between batches.
     */
    public StormPolicy mostConservative(StormPolicy o) {
        return new StormPolicy(Math.min(thresholdPercent, o.thresholdPercent), Math.min(minTasks, o.minTasks),
                max(window, o.window), max(waitForAutoResume, o.waitForAutoResume),
                Math.min(batchSize, o.batchSize), max(batchInterval, o.batchInterval));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
