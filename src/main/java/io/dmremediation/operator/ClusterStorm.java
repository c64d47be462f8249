package io.dmremediation.operator;

import io.dmremediation.api.IncidentStatus;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.policy.ClusterCensus;
import io.dmremediation.policy.Incident;
import io.dmremediation.policy.StormDetector;
import io.dmremediation.policy.StormPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Storm mode's memory of one DM cluster in this operator process: the census of its guarded tasks (taken once per
 * poll, which every resource on the cluster shares), the incident while one lasts, the common-cause checks, and the
 * batches of its recovery. What must survive a restart is in each affected resource's status ({@code
 * status.incident}, {@code status.active}); this is rebuilt from there. Every method is synchronized: the resources
 * of one cluster are reconciled on several threads.
 */
final class ClusterStorm {

    private DmSnapshot censusOf;
    private ClusterCensus census = new ClusterCensus(0, Map.of());
    private final Map<String, ClusterCensus.Failing> failing = new HashMap<>();
    private Incident incident;
    private final Set<String> ended = new HashSet<>();
    private Instant workersCheckedAt;
    private String workersProblem = "not checked yet";
    private final Map<String, CheckJob> checks = new LinkedHashMap<>();
    private Batch batch;
    private int batches;
    private final Map<String, Report> candidates = new HashMap<>();
    /** Resources whose tasks are in the incident: it is over only when none of them has a task left to restart. */
    private final Set<String> affected = new HashSet<>();

    /** One credentials check Job of a namespace's Secret during an incident. */
    record CheckJob(String namespace, String secret, String name, int attempt, String owner, Instant createdAt,
                    Boolean passed, Instant endedAt, String why) {
    }

    private record Report(int candidates, Instant at) {
    }

    /** The batch being restarted: who is in it, how many tasks, since when; closed to newcomers once it is. */
    private static final class Batch {
        final int number;
        final Instant openedAt;
        int tasks;
        boolean closed;
        final Map<String, Instant> members = new HashMap<>();

        Batch(int number, Instant openedAt) {
            this.number = number;
            this.openedAt = openedAt;
        }
    }

    /** What {@link #admit} granted: how many tasks, in which batch. */
    record Admission(int tasks, int batch) {
    }

    /**
     * The census of the guarded tasks as this poll shows them, taken once per poll: {@code scope} is every task a
     * resource on the cluster guards ({@code all}: some resource guards every task DM-master knows).
     */
    synchronized ClusterCensus census(DmSnapshot snapshot, Set<String> scope, boolean all, Instant now) {
        if (snapshot == censusOf) {
            return census;
        }
        Set<String> tasks = new HashSet<>(scope);
        if (all) {
            tasks.addAll(snapshot.taskNames());
        }
        Map<String, ErrorClass> classes = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        Set<String> mixed = new HashSet<>();
        for (Finding f : Diagnosis.diagnose(Observer.guarded(snapshot, tasks))) {
            if (f.task() == null || !tasks.contains(f.task())) {
                continue;
            }
            ErrorClass before = classes.putIfAbsent(f.task(), f.errorClass());
            sources.putIfAbsent(f.task(), f.source());
            if (before != null && before != f.errorClass()) {
                mixed.add(f.task());
            }
        }
        mixed.forEach(classes::remove);
        failing.keySet().retainAll(classes.keySet());
        classes.forEach((task, c) -> {
            ClusterCensus.Failing known = failing.get(task);
            if (known == null || known.errorClass() != c) {
                failing.put(task, new ClusterCensus.Failing(c, now, sources.get(task)));
            }
        });
        censusOf = snapshot;
        census = new ClusterCensus(tasks.size(), failing);
        return census;
    }

    /** What came out of {@link #assess}: the incident (or none), and whether this call opened it. */
    record Assessment(Incident incident, boolean opened, boolean endedNow, String endedId) {
    }

    /**
     * Opens, continues or ends the cluster's incident from the census: a status written before a restart seeds it
     * again (unless this process saw it end). Before its batches it ends once the failing tasks are fewer than
     * {@code minTasks}; restarting in batches, once no affected resource has a task left to restart and no batch runs.
     */
    synchronized Assessment assess(ClusterCensus c, StormPolicy policy, IncidentStatus seed, Collection<String> stormInFlight,
                                   Duration pollInterval, Instant now) {
        boolean opened = false;
        if (incident == null && seed != null && seed.id != null && !ended.contains(seed.id)) {
            incident = fromStatus(seed);
        }
        if (incident == null) {
            Optional<StormDetector.Trigger> t = StormDetector.detect(c, policy, now);
            if (t.isEmpty()) {
                return new Assessment(null, false, false, null);
            }
            incident = Incident.open(t.get(), now);
            opened = true;
            resetRound();
        }
        boolean idle = !inFlight(stormInFlight, now, pollInterval);
        // before the batches, DM's auto-resume may bring all but a few back: those are single faults again; once
        // restarting in batches, the incident goes on until no resource has a task left for a batch
        boolean recovering = incident.phase() == Incident.Phase.RECOVERING;
        boolean over = recovering ? nothingToRestart(now, pollInterval)
                : StormDetector.subsided(c, incident.errorClass(), policy);
        if (!opened && idle && over) {
            String id = incident.id();
            ended.add(id);
            incident = null;
            resetRound();
            return new Assessment(null, false, true, id);
        }
        return new Assessment(incident, opened, false, null);
    }

    private void resetRound() {
        checks.clear();
        candidates.clear();
        affected.clear();
        workersCheckedAt = null;
        workersProblem = "not checked yet";
        batch = null;
    }

    synchronized Optional<Incident> incident() {
        return Optional.ofNullable(incident);
    }

    synchronized boolean wasEnded(String id) {
        return ended.contains(id);
    }

    /** Moves the incident on (the common cause answered again; the auto-resume wait is over). */
    synchronized Incident advance(boolean commonCauseClear, Instant now, StormPolicy policy) {
        if (incident != null) {
            incident = incident.advance(commonCauseClear, now, policy);
        }
        return incident;
    }

    private static Incident fromStatus(IncidentStatus st) {
        ErrorClass c = ErrorClass.fromId(st.errorClass);
        return new Incident(st.id, c, Instant.parse(st.since), st.failing == null ? 0 : st.failing,
                st.guarded == null ? 0 : st.guarded, Incident.Phase.fromShown(st.phase),
                st.commonCauseClearedAt == null ? null : Instant.parse(st.commonCauseClearedAt));
    }

    // ---- the common cause ---------------------------------------------------------------------------------

    /** Whether the workers should be looked at again (at most once per {@code every}). */
    synchronized boolean workersDue(Instant now, Duration every) {
        if (workersCheckedAt != null && workersCheckedAt.plus(every).isAfter(now)) {
            return false;
        }
        workersCheckedAt = now;
        return true;
    }

    synchronized void workers(String problem) {
        workersProblem = problem;
    }

    synchronized Optional<String> workersProblem() {
        return Optional.ofNullable(workersProblem);
    }

    /** The check of this namespace's Secret: the one in flight or ended, or null before the first. */
    synchronized CheckJob check(String namespace, String secret) {
        return checks.get(namespace + "/" + secret);
    }

    /**
     * Claims the next check of this Secret for {@code owner} when none runs and the last one failed at least
     * {@code every} ago (or there was none): returns it, to be created; null when it is not this caller's to start.
     */
    synchronized CheckJob claimCheck(String namespace, String secret, String owner, String incidentId, Instant now,
                                     Duration every) {
        String key = namespace + "/" + secret;
        CheckJob c = checks.get(key);
        if (c != null && (c.passed() == null || Boolean.TRUE.equals(c.passed())
                || c.endedAt().plus(every).isAfter(now))) {
            return null;
        }
        int attempt = c == null ? 1 : c.attempt() + 1;
        CheckJob next = new CheckJob(namespace, secret, checkJobName(incidentId, namespace, secret, attempt), attempt,
                owner, now, null, null, null);
        checks.put(key, next);
        return next;
    }

    synchronized void checkEnded(CheckJob c, boolean passed, String why, Instant now) {
        checks.put(c.namespace() + "/" + c.secret(), new CheckJob(c.namespace(), c.secret(), c.name(), c.attempt(),
                c.owner(), c.createdAt(), passed, now, why));
    }

    /** Every Secret checked so far passed, and at least one was: the downstream answers again. */
    synchronized boolean credentialsAnswer() {
        return !checks.isEmpty() && checks.values().stream().allMatch(c -> Boolean.TRUE.equals(c.passed()));
    }

    synchronized List<CheckJob> checks() {
        return List.copyOf(checks.values());
    }

    /** Deterministic and short (a Job name is at most 63 characters): the incident, the Secret, the try. */
    static String checkJobName(String incidentId, String namespace, String secret, int attempt) {
        String h = Integer.toHexString((incidentId + "/" + namespace + "/" + secret).hashCode());
        return "dmr-storm-check-" + h + "-" + attempt;
    }

    // ---- batches ------------------------------------------------------------------------------------------

    /** A resource whose tasks are in the incident. */
    synchronized void affected(String uid) {
        affected.add(uid);
    }

    /** A resource reports how many of its tasks wait for a batch (0: none). */
    synchronized void candidates(String uid, int n, Instant now) {
        candidates.put(uid, new Report(n, now));
    }

    private boolean nothingToRestart(Instant now, Duration pollInterval) {
        Instant fresh = now.minus(pollInterval.multipliedBy(2));
        boolean waited = incident.commonCauseClearedAt() != null
                && incident.commonCauseClearedAt().isBefore(now.minus(pollInterval.multipliedBy(2)));
        if (!waited || affected.isEmpty()) {
            return false;
        }
        for (String uid : affected) {
            Report r = candidates.get(uid);
            if (r == null || !r.at().isAfter(fresh) || r.candidates() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Up to {@code wanted} of a resource's tasks into the current batch. A batch opens when none runs and
     * {@code batchInterval} passed since the last one opened; it takes newcomers until it holds {@code batchSize}
     * tasks, one of its restarts ended, or {@code batchInterval} passed.
     */
    synchronized Admission admit(String uid, int wanted, StormPolicy policy, Collection<String> stormInFlight,
                                 Duration pollInterval, Instant now) {
        if (wanted <= 0) {
            return new Admission(0, 0);
        }
        boolean running = inFlight(stormInFlight, now, pollInterval);
        if (batch == null || batch.closed || !batch.openedAt.plus(policy.batchInterval()).isAfter(now)) {
            if (batch != null) {
                batch.closed = true;
            }
            if (running || batch != null && batch.openedAt.plus(policy.batchInterval()).isAfter(now)) {
                return new Admission(0, 0);
            }
            batch = new Batch(++batches, now);
        }
        if (batch.members.containsKey(uid) || batch.tasks >= policy.batchSize()) {
            batch.closed = batch.tasks >= policy.batchSize();
            return new Admission(0, 0);
        }
        int granted = Math.min(wanted, policy.batchSize() - batch.tasks);
        batch.tasks += granted;
        batch.members.put(uid, now);
        return new Admission(granted, batch.number);
    }

    /** A resource's admission was not used (no slot, the write failed). */
    synchronized void unadmit(String uid, int tasks) {
        if (batch != null && batch.members.remove(uid) != null) {
            batch.tasks -= tasks;
        }
    }

    /** A batch restart of this resource ended: its batch takes no newcomers. */
    synchronized void finished(String uid) {
        if (batch != null && batch.members.remove(uid) != null) {
            batch.closed = true;
        }
    }

    /**
     * Batch restarts in flight: those the statuses show, and admissions of this process not shown there yet (kept for
     * two poll intervals at most: a reconcile that failed after its admission must not hold the batches back).
     */
    private boolean inFlight(Collection<String> stormInFlight, Instant now, Duration pollInterval) {
        if (!stormInFlight.isEmpty()) {
            return true;
        }
        if (batch == null) {
            return false;
        }
        batch.members.values().removeIf(at -> at.plus(pollInterval.multipliedBy(2)).isBefore(now));
        return !batch.members.isEmpty();
    }

    synchronized int batchesSoFar() {
        return batches;
    }
}
