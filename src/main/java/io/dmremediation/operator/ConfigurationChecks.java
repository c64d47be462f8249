package io.dmremediation.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whether a namespace's downstream Secret is usable (and allows a DM-master address), remembered for one poll
 * cycle: every resource of the namespace that would act checks the same Secret, and 200 resources reading it on
 * every poll made 200 Secret reads per cycle. A check younger than the asking resource's poll interval is reused; a
 * remediation still reads the Secret itself before it stops anything (its credentials check and saved config).
 */
final class ConfigurationChecks {

    private final Clock clock;
    private final Map<Key, Checked> checks = new ConcurrentHashMap<>();

    /** What was checked: the Secret of a namespace, and the address when it is not the namespace's own DMCluster. */
    record Key(String namespace, String secret, String untrustedMaster) {
    }

    private record Checked(Instant at, Optional<String> problem) {
    }

    ConfigurationChecks(Clock clock) {
        this.clock = clock;
    }

    /** The problem the check finds (empty: none), from a check younger than {@code maxAge} or a new one. */
    Optional<String> problem(Key key, Duration maxAge, Supplier<Optional<String>> check) {
        Instant now = clock.instant();
        Checked c = checks.get(key);
        if (c != null && c.at().isAfter(now.minus(maxAge)) && !c.at().isAfter(now)) {
            return c.problem();
        }
        Optional<String> problem = check.get();
        checks.put(key, new Checked(now, problem));
        return problem;
    }
}
