package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.playbook.DownstreamCredentials;
import io.dmremediation.policy.Decider;
import io.dmremediation.policy.Decision;
import io.dmremediation.policy.DecisionContext;
import io.dmremediation.policy.TaskMemory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plan: one decision per finding (the pure {@link Decider}), recorded on the task's row; an {@code Act} starts a
 * remediation, written to status before its first step runs.
 */
final class Planner {

    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
    private static final Duration ACTIVE_RECHECK = Duration.ofSeconds(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CycleState s;
    private Optional<String> configurationProblem;

    Planner(CycleState s) {
        this.s = s;
    }

    /** Decides for each finding; returns true when it started a remediation. */
    boolean plan(Map<String, TaskView> views) {
        List<String> stormCandidates = new ArrayList<>();
        for (TaskView view : views.values()) {
            Finding f = view.finding();
            if (f == null) {
                continue;
            }
            TaskState row = s.row(view.task()).orElseThrow();
            if (StormMode.covers(s, f)) {
                // one incident: held, then restarted in batches (StormMode), never one remediation per task
                if (StormMode.decide(s, view, f, row, missingConfiguration(f))) {
                    stormCandidates.add(view.task());
                }
                continue;
            }
            DecisionContext context = new DecisionContext(view.humanPaused(), s.status.active != null,
                    ClusterLimit.inFlightElsewhere(s), missingConfiguration(f));
            Decision d = Decider.decide(f, TaskRows.memory(row), s.settings, context, s.now);
            String previous = row.decision;
            row.decision = describe(d);
            if (!row.decision.equals(previous)) {
                LOG.info("decision task={} source={} class={} {}", view.task(), f.source(), f.errorClass().id(),
                        row.decision);
            }
            if (d instanceof Decision.Wait w) {
                if (previous == null || !previous.startsWith("Wait")) {
                    s.event(EventReason.WaitingForAutoResume, "task " + view.task() + ": " + w.reason() + " (until "
                            + w.until() + ")");
                }
                Duration until = Duration.between(s.now, w.until());
                s.lookAgainWithin(until.compareTo(ACTIVE_RECHECK) < 0 ? ACTIVE_RECHECK : until);
            } else if (d instanceof Decision.Act a) {
                if (s.status.active == null && start(view, f, a)) {
                    return true;
                }
            } else if (d instanceof Decision.Planned p) {
                if (previous == null || !previous.startsWith("Planned")) {
                    s.services.metrics().planned(f.errorClass().id(), p.playbook().id());
                    s.event(EventReason.DryRun, p.reason());
                    s.history(view.task(), f, p.playbook().id(), "Planned", p.reason());
                }
            } else if (d instanceof Decision.Escalate e) {
                Escalation.escalate(s, view.task(), f, e.reason());
            }
            // Skip: the reason is on the row; nothing to do
        }
        return StormBatch.start(s, stormCandidates);
    }

    /**
     * Every playbook stops and starts tasks, and DM hides the password a start needs: the Secret must be usable, and
     * must allow an address that is not the namespace's own DMCluster. Read once per cycle per namespace (see
     * {@link ConfigurationChecks}), not once per finding nor once per resource.
     */
    private String missingConfiguration(Finding f) {
        if (!s.settings.policy(f.errorClass()).acts()) {
            return null;
        }
        if (configurationProblem == null) {
            String secret = s.services.remediationSettings(s.resource).downstreamSecret();
            // once per poll cycle per namespace, not once per resource: every resource of it reads the same Secret
            configurationProblem = s.services.configurationChecks().problem(new ConfigurationChecks.Key(
                    s.namespace(), secret, s.target.trusted() ? null : s.target.masterUrl()), s.settings.pollInterval(),
                    () -> {
                        DownstreamCredentials downstream = s.services.edges().downstream(s.resource);
                        Optional<String> problem = downstream.problem(secret);
                        return problem.isEmpty() && !s.target.trusted()
                                ? downstream.masterNotAllowed(secret, s.target.masterUrl()) : problem;
                    });
        }
        return configurationProblem.orElse(null);
    }

    private boolean start(TaskView view, Finding f, Decision.Act act) {
        if (!s.services.slots().tryAcquire(s.target.key(), s.uid, s.settings.maxConcurrentRemediations(),
                ClusterLimit.activeOnCluster(s))) {
            s.row(view.task()).orElseThrow().decision = "Skip: the per-cluster limit was reached just now";
            return false;
        }
        ActiveRemediation a = new ActiveRemediation();
        a.id = newId();
        a.task = s.services.playbooks().of(act.playbook()).coversSource() ? null : view.task();
        a.trigger = view.task();
        a.source = f.source();
        a.worker = f.worker();
        a.errorClass = f.errorClass().id();
        a.playbook = act.playbook().id();
        a.masterUrl = s.target.masterUrl();
        a.clusterKey = s.target.key();
        a.masterTrusted = s.target.trusted();
        a.attempt = act.attempt();
        a.startedAt = s.now.toString();
        a.stepStartedAt = s.now.toString();
        a.step = s.services.playbooks().of(act.playbook()).steps().first();
        a.message = act.reason();
        if (f.primary() != null) {
            a.evidence = TaskRows.shorten(f.primary().text());
        }
        s.status.active = a;
        for (TaskState row : RemediationEnd.affectedRows(s, a)) {
            TaskMemory m = TaskRows.memory(row);
            row.attempts = m.attempts() + 1;
            row.attemptsFor = a.playbook;
            row.lastAction = a.playbook + " started (attempt " + a.attempt + ")";
        }
        s.status.lastAction = a.playbook + " " + RemediationEnd.subject(a) + ": Started";
        s.status.phase = "Remediating";
        Conditions.set(s.status, Conditions.REMEDIATING, true, a.playbook, act.reason(), s.generation, s.now);
        s.persist();
        s.event(EventReason.RemediationStarted, a.playbook + " for " + act.reason());
        LOG.info("remediation started id={} task={} source={} class={} playbook={} attempt={}", a.id, a.task,
                a.source, a.errorClass, a.playbook, a.attempt);
        return true;
    }

    private static String describe(Decision d) {
        if (d instanceof Decision.Wait w) {
            return "Wait until " + w.until() + ": " + w.reason();
        }
        if (d instanceof Decision.Act a) {
            return "Act: " + a.playbook().id() + ", " + a.reason();
        }
        if (d instanceof Decision.Planned p) {
            return "Planned: " + p.reason();
        }
        if (d instanceof Decision.Escalate e) {
            return "Escalate: " + e.reason();
        }
        return "Skip: " + d.reason();
    }

    static String newId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** The blast-radius limit of one DM cluster, whatever each resource on it says. */
    static final class ClusterLimit {

        private ClusterLimit() {
        }

        /**
         * The lowest {@code maxConcurrentRemediations} of the valid resources on the cluster: a resource cannot
         * raise the limit another one set for the same cluster by naming a higher one, or the cluster another way.
         */
        static int of(CycleState s) {
            int limit = s.settings.maxConcurrentRemediations();
            for (DMRemediation p : s.peers) {
                PeerViews.View v = s.services.peerViews().of(p);
                if (s.target.key().equals(v.clusterKey())) {
                    limit = Math.min(limit, v.maxConcurrentRemediations());
                }
            }
            return limit;
        }

        static int inFlightElsewhere(CycleState s) {
            return s.services.slots().inFlight(s.target.key(), s.uid, activeOnCluster(s));
        }

        static List<String> activeOnCluster(CycleState s) {
            List<String> uids = new ArrayList<>();
            for (DMRemediation p : s.peers) {
                if (p.getStatus() != null && p.getStatus().active != null
                        && s.target.key().equals(p.getStatus().active.clusterKey != null
                        ? p.getStatus().active.clusterKey : onSameCluster(s, p) ? s.target.key() : null)) {
                    uids.add(p.getMetadata().getUid());
                }
            }
            return uids;
        }

        private static boolean onSameCluster(CycleState s, DMRemediation p) {
            return s.target.key().equals(s.services.peerViews().of(p).clusterKey());
        }
    }
}
