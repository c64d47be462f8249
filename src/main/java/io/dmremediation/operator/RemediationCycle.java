package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.SpecValidator;
import io.dmremediation.api.TaskState;
import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.policy.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one DMRemediation, along the flow: validate, observe ({@link Observer}), run the steps of the
 * remediation in flight ({@link StepRunner}), plan ({@link Planner}), summarise ({@link StatusSummary}), write.
 * Status is written before every playbook step, with optimistic locking, so a step runs only after it is on record
 * and a second operator with a stale view cannot act.
 */
final class RemediationCycle {

    private static final Logger LOG = LoggerFactory.getLogger(RemediationCycle.class);
    private static final Duration LAST_POLL_RESOLUTION = Duration.ofMinutes(1);
    private static final Duration ACTIVE_RECHECK = Duration.ofSeconds(1);
    static final String ABANDON_ANNOTATION = "dmremediation.io/abandon";

    private final CycleState s;

    RemediationCycle(OperatorServices services, DMRemediation resource, Collection<DMRemediation> peers) {
        this.s = new CycleState(services, resource, peers);
    }

    /** Runs the cycle; returns when to look again. */
    Duration run() {
        DMRemediationStatus before = CycleState.copy(s.resource.getStatus());
        List<String> problems = SpecValidator.validate(s.resource.getSpec());
        if (!problems.isEmpty()) {
            return invalid(before, problems);
        }
        Settings own = SpecSettings.settings(s.resource.getSpec());
        s.settings = own;
        s.target = ClusterTarget.of(s.resource);
        s.settings = own.withMaxConcurrentRemediations(Planner.ClusterLimit.of(s));
        s.dm = s.services.connections().of(s.resource, s.target);
        s.status.cluster = s.target.displayName();
        if (before.observedGeneration != null && before.observedGeneration != s.generation) {
            clearEscalations("the spec changed");
        }
        handleRetryAnnotation();

        DmSnapshot snapshot;
        List<String> tasks;
        try {
            List<String> named = s.resource.getSpec().tasks == null ? List.of() : s.resource.getSpec().tasks;
            if (named.isEmpty() && s.dm.api() != DmApi.OPENAPI) {
                throw new TaskListUnavailable();
            }
            snapshot = s.services.snapshots().poll(s.target.key(), s.uid, s.dm, named, own.pollInterval());
            // every task DM-master knows, when none are named: the one poll lists them
            tasks = named.isEmpty() ? new ArrayList<>(snapshot.taskNames()) : named;
        } catch (DmMasterException e) {
            if (Thread.currentThread().isInterrupted()) {
                // the operator is stopping and cut the poll short: that says nothing about DM-master
                LOG.debug("poll of {} interrupted: the operator is stopping", s.dm.baseUrl());
                return own.pollInterval();
            }
            return degraded(before, e);
        }
        if (Conditions.isTrue(before, Conditions.DEGRADED)) {
            s.event(EventReason.DMMasterRecovered, "DM-master at " + s.dm.baseUrl() + " answers again");
        }
        Conditions.set(s.status, Conditions.DEGRADED, false, "DMMasterReachable", "DM-master answers", s.generation,
                s.now);
        s.status.dmApi = s.dm.api().name().toLowerCase(java.util.Locale.ROOT);
        // coarse on purpose: a fresh timestamp on every poll would make every poll a status write
        if (s.status.lastPollTime == null
                || Instant.parse(s.status.lastPollTime).plus(LAST_POLL_RESOLUTION).isBefore(s.now)) {
            s.status.lastPollTime = s.now.toString();
        }

        StormMode.assess(s, snapshot, tasks);
        Map<String, TaskView> views = Observer.observe(s, tasks, snapshot);
        LeftStopped.release(s);
        SavedConfigSweep.retry(s);
        if (s.status.active != null) {
            StepRunner.advance(s);
        }
        StormMode.afterSteps(s);
        if (s.status.active == null && new Planner(s).plan(views)) {
            StepRunner.advance(s);
            StormMode.afterSteps(s);
        }
        if (s.status.active != null) {
            s.lookAgainWithin(ACTIVE_RECHECK);
        }
        StatusSummary.summarise(s, views);
        s.writeIfChanged(before);
        if (s.reschedule == null || s.reschedule.compareTo(own.pollInterval()) >= 0) {
            // the next regular look at DM: on the cluster's poll slot, shared with every resource due then
            return s.services.snapshots().nextPollAt(s.uid, s.target.key(), own.pollInterval());
        }
        s.services.snapshots().lookAgainIn(s.uid, s.reschedule);
        return s.reschedule;
    }

    /**
     * The resource is being deleted: a remediation in flight is brought to a safe end (no new stop; what it stopped
     * is started again, a fix already made is carried through), and tasks left stopped hold the finalizer until DM
     * holds them again or a person annotates {@value #ABANDON_ANNOTATION}. Returns true when the finalizer may go.
     */
    boolean windDown() {
        DMRemediationStatus before = CycleState.copy(s.resource.getStatus());
        ActiveRemediation a = s.status.active;
        if (a == null && s.status.leftStopped.isEmpty() && s.status.staleConfigSecrets.isEmpty()) {
            return true;
        }
        Map<String, String> annotations = s.resource.getMetadata().getAnnotations();
        if (annotations != null && "true".equals(annotations.get(ABANDON_ANNOTATION))) {
            return abandon(a);
        }
        boolean valid = SpecValidator.validate(s.resource.getSpec()).isEmpty();
        s.settings = valid ? SpecSettings.settings(s.resource.getSpec()) : Settings.defaults();
        s.target = valid ? ClusterTarget.of(s.resource)
                : a != null ? ClusterTarget.recorded(a.masterUrl, a.clusterKey, s.namespace()) : null;
        s.dm = s.target == null ? null : s.services.connections().get(s.target.masterUrl());
        if (a != null) {
            if (!Boolean.TRUE.equals(a.windingDown)) {
                a.windingDown = true;
                s.persist();
                s.event(EventReason.WindingDown, "deleted with " + a.playbook + " " + RemediationEnd.subject(a)
                        + " at step " + a.step + ": no new stop; what it stopped is started again before the "
                        + "finalizer goes");
            }
            StepRunner.advance(s);
        }
        LeftStopped.release(s);
        SavedConfigSweep.retry(s);
        StatusSummary.leftStopped(s);
        if (s.status.active != null) {
            s.status.phase = "Remediating";
        } else if (!s.status.leftStopped.isEmpty()) {
            s.status.phase = "Escalated";
        }
        s.writeIfChanged(before);
        return s.status.active == null && s.status.leftStopped.isEmpty() && s.status.staleConfigSecrets.isEmpty();
    }

    /** A person let go: lift the saved-config Secrets' finalizers so they go with the resource, and say so. */
    private boolean abandon(ActiveRemediation a) {
        List<String> stopped = new ArrayList<>();
        s.status.leftStopped.forEach(t -> stopped.add(t.task + " (Secret " + t.configSecret + ")"));
        var vault = s.services.edges().vault(s.resource);
        s.status.leftStopped.forEach(t -> vault.release(ConfigVault.remediationIdOf(t.configSecret)));
        if (a != null) {
            vault.release(a.id);
            stopped.add("the remediation in flight " + a.playbook + " at step " + a.step);
        }
        LOG.warn("{}/{} abandoned by annotation {}: letting go of {}", s.namespace(), s.name(), ABANDON_ANNOTATION,
                String.join(", ", stopped));
        return true;
    }

    private Duration invalid(DMRemediationStatus before, List<String> problems) {
        String message = String.join("; ", problems);
        s.status.phase = "Invalid";
        Conditions.set(s.status, Conditions.READY, false, "InvalidSpec", message, s.generation, s.now);
        if (!Objects.equals(before.observedGeneration, s.generation) || !"Invalid".equals(before.phase)) {
            s.event(EventReason.InvalidSpec, message);
            LOG.warn("invalid spec {}/{}: {}", s.namespace(), s.name(), message);
        }
        ActiveRemediation a = s.status.active;
        if (a != null) {
            // the spec can no longer say what to do; the remediation in flight still must not leave a task stopped
            s.settings = Settings.defaults();
            s.target = ClusterTarget.recorded(a.masterUrl, a.clusterKey, s.namespace());
            s.dm = s.services.connections().get(a.masterUrl);
            if (!Boolean.TRUE.equals(a.windingDown)) {
                a.windingDown = true;
                s.persist();
            }
            StepRunner.advance(s);
        }
        StatusSummary.leftStopped(s);
        if (s.status.active != null) {
            s.status.active.message = "the spec is invalid: winding down (no new stop; stopped tasks are started "
                    + "again): " + s.status.active.message;
        }
        s.status.observedGeneration = s.generation;
        s.writeIfChanged(before);
        return s.status.active != null ? ACTIVE_RECHECK : Duration.ofSeconds(30);
    }

    private Duration degraded(DMRemediationStatus before, DmMasterException e) {
        String reason = switch (e.kind()) {
            case UNREACHABLE, TIMEOUT -> "DMMasterUnreachable";
            case BAD_REPLY -> "DMMasterBadReply";
            case HTTP_STATUS, ERROR_REPLY -> "DMMasterError";
            case UNSUPPORTED -> "DMMasterUnsupported";
        };
        String message = e.getMessage();
        Conditions.set(s.status, Conditions.DEGRADED, true, reason, message, s.generation, s.now);
        Conditions.set(s.status, Conditions.READY, false, reason, message, s.generation, s.now);
        s.status.phase = "Degraded";
        if (!Conditions.isTrue(before, Conditions.DEGRADED)
                || !Objects.equals(Conditions.get(before, Conditions.DEGRADED).map(c -> c.getMessage()).orElse(null),
                message)) {
            s.event(EventReason.DMMasterUnreachable, message);
            LOG.warn("DM-master problem for {}/{}: {}", s.namespace(), s.name(), message);
        }
        if (s.status.active != null) {
            // a stopped task must not wait unannounced for a DM-master: the engine counts and bounds the wait
            StepRunner.advance(s);
            if (s.status.active != null) {
                s.status.active.message = "waiting for DM-master: " + message;
            }
        }
        StatusSummary.leftStopped(s);
        s.status.observedGeneration = s.generation;
        s.writeIfChanged(before);
        Duration next = s.reschedule != null && s.reschedule.compareTo(s.settings.pollInterval()) < 0 ? s.reschedule
                : s.settings.pollInterval();
        s.services.snapshots().lookAgainIn(s.uid, next);
        return next;
    }

    private void clearEscalations(String why) {
        for (TaskState row : s.status.tasks) {
            if (Boolean.TRUE.equals(row.escalated) || (row.attempts != null && row.attempts > 0)) {
                boolean wasEscalated = Boolean.TRUE.equals(row.escalated);
                TaskRows.clear(row);
                if (wasEscalated) {
                    s.event(EventReason.RetryRequested, "task " + row.name + ": escalation cleared because " + why);
                    s.history(row.name, (io.dmremediation.diagnosis.Finding) null, "Retry", "Cleared", why);
                }
            }
        }
    }

    private void handleRetryAnnotation() {
        Map<String, String> annotations = s.resource.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(DMRemediation.RETRY_ANNOTATION);
        if (value == null) {
            return;
        }
        for (TaskState row : s.status.tasks) {
            if ("*".equals(value.trim()) || row.name.equals(value.trim())) {
                TaskRows.clear(row);
                s.event(EventReason.RetryRequested, "task " + row.name + ": attempts and escalation cleared by "
                        + "annotation " + DMRemediation.RETRY_ANNOTATION);
                s.history(row.name, (io.dmremediation.diagnosis.Finding) null, "Retry", "Cleared",
                        "annotation " + DMRemediation.RETRY_ANNOTATION + "=" + value);
            }
        }
        // one-shot: take the annotation away so it does not clear again on every poll
        s.resource = s.services.statusWriter().removeAnnotation(s.resource, DMRemediation.RETRY_ANNOTATION);
    }

    /** spec.tasks is empty and DM-master cannot list its tasks. */
    static final class TaskListUnavailable extends DmMasterException {
        TaskListUnavailable() {
            super(Kind.UNSUPPORTED, "spec.tasks is empty and this DM-master has no OpenAPI (openapi = true) to list its "
                    + "tasks; name the tasks to guard in spec.tasks", null);
        }
    }
}
