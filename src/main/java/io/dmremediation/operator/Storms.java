package io.dmremediation.operator;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Storm mode's memory in this operator process, one {@link ClusterStorm} per DM cluster key. */
final class Storms {

    private final Clock clock;
    private final Map<String, ClusterStorm> clusters = new ConcurrentHashMap<>();

    Storms(Clock clock) {
        this.clock = clock;
    }

    ClusterStorm of(String clusterKey) {
        return clusters.computeIfAbsent(clusterKey, k -> new ClusterStorm());
    }

    Clock clock() {
        return clock;
    }
}
