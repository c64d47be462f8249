package io.dmremediation.policy;

import io.dmremediation.diagnosis.ErrorClass;
import java.time.Instant;
import java.util.Map;

/**
 * The guarded tasks of one DM cluster as one poll shows them: how many there are, and for each failing one the
 * class it fails with and since when (the first poll that showed it).
 */
public record ClusterCensus(int guarded, Map<String, Failing> failing) {

    public ClusterCensus {
        failing = Map.copyOf(failing);
    }

    /** One failing task. */
    public record Failing(ErrorClass errorClass, Instant since, String source) {
    }

    /** Tasks failing with this class now, whenever they began. */
    public int failingWith(ErrorClass c) {
        return (int) failing.values().stream().filter(f -> f.errorClass() == c).count();
    }
}
