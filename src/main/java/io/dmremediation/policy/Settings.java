package io.dmremediation.policy;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Remedy;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** The resource's spec with every default applied: what decisions are made from. */
public record Settings(Map<ErrorClass, ClassPolicy> policies, BackoffPolicy backoff, Duration healthyResetAfter,
                       boolean paused, boolean dryRun, int maxConcurrentRemediations, Duration pollInterval,
                       Duration verifyTimeout) {

    public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);

    public Settings {
        policies = Map.copyOf(policies);
    }

    /** These settings with another blast-radius limit (the cluster's, which may be lower than this resource's). */
    public Settings withMaxConcurrentRemediations(int limit) {
        return new Settings(policies, backoff, healthyResetAfter, paused, dryRun, limit, pollInterval, verifyTimeout);
    }

    public ClassPolicy policy(ErrorClass errorClass) {
        ClassPolicy p = policies.get(errorClass);
        return p != null ? p : defaultPolicies().get(errorClass);
    }

    /**
     * The FAQ's procedures with DM's own auto-resume in mind: DM retries connection errors itself (1 s doubling
     * to 5 min), so the operator waits before restarting; it does not retry the overflow, so the fixes run at once,
     * and only once before a human is asked.
     */
    public static Map<ErrorClass, ClassPolicy> defaultPolicies() {
        Map<ErrorClass, ClassPolicy> m = new EnumMap<>(ErrorClass.class);
        m.put(ErrorClass.INVALID_CONNECTION, new ClassPolicy(Remedy.RESTART_TASK, Duration.ofMinutes(2), 5, 3,
                Duration.ofMinutes(10), false));
        m.put(ErrorClass.BAD_CONNECTION, new ClassPolicy(Remedy.RESTART_TASK, Duration.ofSeconds(30), 5, 3,
                Duration.ofMinutes(10), false));
        m.put(ErrorClass.RELAY_BINLOG_OVERFLOW, new ClassPolicy(Remedy.FIX_RELAY_META, Duration.ZERO, 1, 0,
                Duration.ZERO, false));
        m.put(ErrorClass.SYNCER_BINLOG_OVERFLOW, new ClassPolicy(Remedy.FIX_SYNCER_CHECKPOINT, Duration.ZERO, 1, 0,
                Duration.ZERO, true));
        m.put(ErrorClass.UNKNOWN, new ClassPolicy(Remedy.NONE, Duration.ZERO, 1, 0, Duration.ZERO, false));
        return m;
    }

    public static Settings defaults() {
        return new Settings(defaultPolicies(), new BackoffPolicy(Duration.ofSeconds(30), 2, Duration.ofMinutes(30)),
                Duration.ofMinutes(10), false, false, 1, DEFAULT_POLL, Duration.ofMinutes(5));
    }
}
