package io.dmremediation.policy;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Remedy;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * When many guarded tasks of one DM cluster fail the same way at once, the cause is common (a downstream restart, a
 * rolling upgrade of TiDB): one incident, not a restart per task. Pure.
 */
public final class StormDetector {

    private StormDetector() {
    }

    /** What set an incident off: the class, the tasks that newly failed with it in the window, all guarded tasks. */
    public record Trigger(ErrorClass errorClass, int failing, int guarded) {
    }

    /**
     * The class that more than {@code thresholdPercent} of the guarded tasks, and at least {@code minTasks}, began
     * failing with within the window; only classes whose FAQ remedy is a restart (a restart of many tasks at once
     * is the only batch there is; an overflow is one source's and has its own fix).
     */
    public static Optional<Trigger> detect(ClusterCensus census, StormPolicy policy, Instant now) {
        Map<ErrorClass, Integer> recent = new EnumMap<>(ErrorClass.class);
        Instant from = now.minus(policy.window());
        census.failing().values().forEach(f -> {
            if (f.errorClass().faqRemedy() == Remedy.RESTART_TASK && !f.since().isBefore(from)) {
                recent.merge(f.errorClass(), 1, Integer::sum);
            }
        });
        Trigger best = null;
        for (Map.Entry<ErrorClass, Integer> e : recent.entrySet()) {
            int n = e.getValue();
            boolean storm = n >= policy.minTasks() && (long) n * 100 > (long) policy.thresholdPercent() * census.guarded();
            if (storm && (best == null || n > best.failing())) {
                best = new Trigger(e.getKey(), n, census.guarded());
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The incident is over once fewer than {@code minTasks} guarded tasks still fail with its class: what is left are
     * single faults, each handled on its own again.
     */
    public static boolean subsided(ClusterCensus census, ErrorClass c, StormPolicy policy) {
        return census.failingWith(c) < policy.minTasks();
    }
}
