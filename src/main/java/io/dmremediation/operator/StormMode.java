package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.IncidentStatus;
import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Worker;
import io.dmremediation.domain.Durations;
import io.dmremediation.playbook.JobSpecs;
import io.dmremediation.playbook.RemediationSettings;
import io.dmremediation.playbook.RepairJobControl;
import io.dmremediation.playbook.RepairJobs;
import io.dmremediation.policy.ClusterCensus;
import io.dmremediation.policy.Decider;
import io.dmremediation.policy.Decision;
import io.dmremediation.policy.DecisionContext;
import io.dmremediation.policy.Incident;
import io.dmremediation.policy.StormPolicy;
import io.dmremediation.policy.TaskMemory;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storm mode in one reconcile. Right after the poll ({@link #assess}) the cluster's census of guarded tasks tells
 * whether many of them began failing the same way at once: then that is one incident on every resource whose tasks
 * are in it, with one condition ({@code Storm}) and one Event ({@code StormDetected}) each, and one metric; their
 * per-task Events and restarts are held ({@link #decide}). While it holds, the common cause is checked: the
 * downstream credentials check (a Job per namespace's Secret, not per resource) passes again, and DM-master and the
 * workers of the failing tasks' sources are healthy. Then DM's own auto-resume gets its time, and the tasks still
 * paused are restarted in batches ({@link StormBatch}), each a RestartTask remediation of the engine over several
 * tasks, so every safety promise of a single restart holds for each of them.
 */
final class StormMode {

    private static final Logger LOG = LoggerFactory.getLogger(StormMode.class);

    private StormMode() {
    }

    /** What the rest of the cycle needs to know about the incident this resource is part of. */
    record View(Incident incident, StormPolicy policy, ClusterStorm cluster, List<String> inFlight) {
    }

    /** Right after the poll, before the rows are filled: the census, the incident, this resource's part in it. */
    static void assess(CycleState s, DmSnapshot cluster, List<String> tasks) {
        ClusterStorm cs = s.services.storms().of(s.target.key());
        StormPolicy policy = SpecSettings.storm(s.resource.getSpec());
        Set<String> scope = new HashSet<>(tasks);
        boolean all = s.resource.getSpec().tasks == null || s.resource.getSpec().tasks.isEmpty();
        List<String> inFlight = new ArrayList<>();
        if (s.status.active != null && s.status.active.incident != null) {
            inFlight.add(s.uid);
        }
        for (DMRemediation p : s.peers) {
            if (s.uid.equals(p.getMetadata().getUid()) || !sameCluster(s, p)) {
                continue;
            }
            // the most conservative settings of the cluster's resources, as for maxConcurrentRemediations
            policy = policy.mostConservative(s.services.peerViews().of(p).storm());
            if (p.getSpec().tasks == null || p.getSpec().tasks.isEmpty()) {
                all = true;
            } else {
                scope.addAll(p.getSpec().tasks);
            }
            if (p.getStatus() != null && p.getStatus().active != null && p.getStatus().active.incident != null) {
                inFlight.add(p.getMetadata().getUid());
            }
        }
        ClusterCensus census = cs.census(cluster, scope, all, s.now);
        ClusterStorm.Assessment a = cs.assess(census, policy, s.status.incident, inFlight, s.settings.pollInterval(),
                s.now);
        Incident i = a.incident();
        if (a.opened()) {
            s.services.metrics().stormIncident(i.errorClass().id());
            LOG.warn("storm incident={} cluster={} class={}: {} of {} guarded tasks began failing within {}", i.id(),
                    s.target.displayName(), i.errorClass().id(), i.failing(), i.guarded(),
                    Durations.format(policy.window()));
        }
        if (a.endedNow()) {
            LOG.info("storm incident={} cluster={} is over", a.endedId(), s.target.displayName());
        }
        int mine = i == null ? 0 : mine(census, tasks, i);
        boolean affected = i != null && (mine > 0 || s.status.incident != null && i.id().equals(s.status.incident.id));
        if (!affected) {
            over(s, cs);
            s.storm = null;
            return;
        }
        if (s.status.incident != null && !i.id().equals(s.status.incident.id)) {
            over(s, cs);
        }
        cs.affected(s.uid);
        boolean clear = i.phase() == Incident.Phase.HOLDING && commonCauseClear(s, cs, i, policy, cluster, census);
        i = cs.advance(clear, s.now, policy);
        s.storm = new View(i, policy, cs, inFlight);
        record(s, i, policy, mine);
        s.lookAgainWithin(policy.batchInterval());
    }

    /** Whether this finding is the incident's: its per-task Event, metric and restart are held. */
    static boolean covers(CycleState s, Finding f) {
        return s.storm != null && f != null && f.errorClass() == s.storm.incident().errorClass();
    }

    /**
     * The decision for a task in the incident: the Decider's, as for a single fault (escalation, backoff, a person's
     * pause, dry run, spec.paused all count), except that a restart waits for the incident: held until it restarts
     * in batches, then a candidate for the next batch. Returns true for a candidate.
     */
    static boolean decide(CycleState s, TaskView view, Finding f, TaskState row, String missingConfiguration) {
        Incident i = s.storm.incident();
        TaskMemory memory = TaskRows.memory(row);
        Decision d = Decider.decide(f, memory, s.settings, new DecisionContext(view.humanPaused(), false, 0,
                missingConfiguration), s.now);
        if (d instanceof Decision.Escalate e) {
            row.decision = "Escalate: " + e.reason();
            Escalation.escalate(s, view.task(), f, e.reason());
            return false;
        }
        if (d instanceof Decision.Skip k) {
            row.decision = "Skip: " + k.reason();
            return false;
        }
        if (d instanceof Decision.Planned) {
            row.decision = "Planned: dry run: would be restarted in a batch of incident " + i.id();
            return false;
        }
        boolean backoff = memory.nextAttemptAfter() != null && s.now.isBefore(memory.nextAttemptAfter());
        if (i.phase() != Incident.Phase.RECOVERING) {
            row.decision = "Held by incident " + i.id() + " (" + i.phase().shown() + ")";
            return false;
        }
        if (backoff) {
            row.decision = "Wait until " + memory.nextAttemptAfter() + ": backoff after attempt " + memory.attempts();
            Duration until = Duration.between(s.now, memory.nextAttemptAfter());
            s.lookAgainWithin(until.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : until);
            return false;
        }
        // Act, or a Wait for DM's auto-resume that the incident's own wait, counted from the common cause's end,
        // has replaced
        row.decision = "Batch: waits for a batch restart of incident " + i.id();
        return true;
    }

    /** After the steps: a batch restart of this resource that ended frees its place in the batch. */
    static void afterSteps(CycleState s) {
        if (s.status.active == null || s.status.active.incident == null) {
            s.services.storms().of(s.target.key()).finished(s.uid);
        }
    }

    private static int mine(ClusterCensus census, List<String> tasks, Incident i) {
        int n = 0;
        for (String t : tasks) {
            ClusterCensus.Failing f = census.failing().get(t);
            if (f != null && f.errorClass() == i.errorClass()) {
                n++;
            }
        }
        return n;
    }

    /**
     * The common cause answers again: DM-master answered this poll and asked every failing task's source's worker;
     * the downstream credentials check of every namespace's Secret seen in the incident passed; and the workers
     * bound to those sources are not offline (DM-master's list, asked only once the rest passed and at most once
     * per batch interval: while the downstream is away it would only add a request to every cycle).
     */
    private static boolean commonCauseClear(CycleState s, ClusterStorm cs, Incident i, StormPolicy policy,
                                            DmSnapshot cluster, ClusterCensus census) {
        Set<String> sources = new TreeSet<>();
        census.failing().values().stream().filter(f -> f.errorClass() == i.errorClass() && f.source() != null)
                .forEach(f -> sources.add(f.source()));
        boolean masterAsked = cluster.sources().stream()
                .noneMatch(x -> x.queryError() != null && sources.contains(x.source()));
        credentialsCheck(s, cs, i, policy);
        if (!masterAsked || !cs.credentialsAnswer()) {
            return false;
        }
        if (cs.workersDue(s.now, policy.batchInterval())) {
            cs.workers(workersProblem(s, sources));
        }
        return cs.workersProblem().isEmpty();
    }

    private static String workersProblem(CycleState s, Set<String> sources) {
        try {
            List<Worker> workers = s.dm.workers();
            List<String> missing = new ArrayList<>();
            for (String source : sources) {
                boolean bound = workers.stream().anyMatch(w -> source.equals(w.boundSource())
                        && !"offline".equalsIgnoreCase(w.stage()));
                if (!bound) {
                    missing.add(source);
                }
            }
            return missing.isEmpty() ? null : "no healthy DM-worker bound to " + String.join(", ", missing);
        } catch (DmMasterException e) {
            return "DM-master did not list its workers: " + e.getMessage();
        }
    }

    /**
     * The check-downstream Job of this namespace's Secret: one at a time per Secret, whoever's reconcile comes first
     * starts it; after a failure the next try waits a batch interval. The Job is the same read-only check a restart
     * runs before it stops anything.
     */
    private static void credentialsCheck(CycleState s, ClusterStorm cs, Incident i, StormPolicy policy) {
        RemediationSettings settings = s.services.remediationSettings(s.resource);
        String secret = settings.downstreamSecret();
        if (secret == null) {
            return;
        }
        RepairJobControl jobs = s.services.edges().jobs(s.resource);
        ClusterStorm.CheckJob c = cs.check(s.namespace(), secret);
        if (c == null || Boolean.FALSE.equals(c.passed())) {
            ClusterStorm.CheckJob claimed = cs.claimCheck(s.namespace(), secret, s.uid, i.id(), s.now,
                    policy.batchInterval());
            if (claimed != null) {
                try {
                    jobs.createIfAbsent(JobSpecs.downstreamJob(s.resource, claimed.name(), i.id(), settings,
                            "check-downstream", List.of(), false));
                } catch (KubernetesClientException e) {
                    cs.checkEnded(claimed, false, "could not create Job " + claimed.name() + ": " + e.getMessage(),
                            s.now);
                }
            }
            return;
        }
        boolean mine = s.uid.equals(c.owner());
        boolean orphaned = c.createdAt().plus(policy.batchInterval().multipliedBy(3)).isBefore(s.now);
        if (c.passed() != null || !mine && !orphaned) {
            return;
        }
        RepairJobs.JobState state = jobs.state(c.name(), settings.jobDeadline(), s.now);
        switch (state.phase()) {
            case SUCCEEDED -> {
                cs.checkEnded(c, true, null, s.now);
                LOG.info("storm incident={}: the downstream answers again (Job {})", i.id(), c.name());
            }
            case FAILED, MISSING -> {
                if (state.phase() == RepairJobs.JobState.Phase.FAILED) {
                    jobs.delete(c.name());
                }
                String why = state.phase() == RepairJobs.JobState.Phase.MISSING ? "the Job disappeared"
                        : state.reason();
                cs.checkEnded(c, false, why, s.now);
                LOG.info("storm incident={}: the downstream credentials check {} failed: {}", i.id(), c.name(), why);
            }
            case RUNNING -> {
                // looked at again next cycle
            }
        }
    }

    /** status.incident and the Storm condition; the Event once per resource per incident. */
    private static void record(CycleState s, Incident i, StormPolicy policy, int mine) {
        boolean first = s.status.incident == null || !i.id().equals(s.status.incident.id);
        IncidentStatus st = new IncidentStatus();
        st.id = i.id();
        st.errorClass = i.errorClass().id();
        st.cluster = s.target.displayName();
        st.since = i.since().toString();
        st.phase = i.phase().shown();
        st.commonCauseClearedAt = i.commonCauseClearedAt() == null ? null : i.commonCauseClearedAt().toString();
        st.failing = i.failing();
        st.guarded = i.guarded();
        st.tasks = mine;
        st.message = message(i, policy);
        s.status.incident = st;
        String summary = "incident " + i.id() + ": " + i.failing() + " of " + i.guarded() + " guarded tasks on DM "
                + "cluster " + st.cluster + " began failing with " + i.errorClass().id() + " within "
                + Durations.format(policy.window()) + " (" + mine + " of them this resource's); " + st.message;
        Conditions.set(s.status, Conditions.STORM, true, i.phase().shown(), summary, s.generation, s.now);
        if (first) {
            s.event(EventReason.StormDetected, summary + ". One incident: no per-task restarts; once the common "
                    + "cause answers again DM's auto-resume gets " + Durations.format(policy.waitForAutoResume())
                    + ", then the tasks still paused are restarted in batches of at most " + policy.batchSize()
                    + " every " + Durations.format(policy.batchInterval()) + " at the earliest");
        }
    }

    private static String message(Incident i, StormPolicy policy) {
        return switch (i.phase()) {
            case HOLDING -> "per-task restarts are held until the downstream credentials check passes again and "
                    + "DM-master and its workers are healthy";
            case AUTO_RESUME -> "the common cause answers again since " + i.commonCauseClearedAt() + "; DM's "
                    + "auto-resume gets until " + i.commonCauseClearedAt().plus(policy.waitForAutoResume());
            case RECOVERING -> "restarting the tasks still paused in batches of at most " + policy.batchSize()
                    + ", one every " + Durations.format(policy.batchInterval()) + " at the earliest";
        };
    }

    /** The incident this resource recorded is over (or another took its place): said once, then forgotten. */
    private static void over(CycleState s, ClusterStorm cs) {
        IncidentStatus was = s.status.incident;
        if (was == null) {
            return;
        }
        String message = "incident " + was.id + " is over: fewer than the storm threshold of guarded tasks fail "
                + "with " + was.errorClass + ", or none is left to restart; what remains is handled task by task";
        Conditions.set(s.status, Conditions.STORM, false, "Over", message, s.generation, s.now);
        s.event(EventReason.StormOver, message);
        s.status.incident = null;
    }

    private static boolean sameCluster(CycleState s, DMRemediation p) {
        return Objects.equals(s.services.peerViews().of(p).clusterKey(), s.target.key());
    }
}
