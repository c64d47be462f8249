package io.dmremediation.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.SpecValidator;
import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Subtask;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.DownstreamSecret;
import io.dmremediation.playbook.Playbook;
import io.dmremediation.playbook.PlaybookContext;
import io.dmremediation.playbook.StepResult;
import io.dmremediation.policy.Decider;
import io.dmremediation.policy.Decision;
import io.dmremediation.policy.DecisionContext;
import io.dmremediation.policy.MemoryUpdate;
import io.dmremediation.policy.Settings;
import io.dmremediation.policy.TaskMemory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one DMRemediation: observe (poll DM-master), diagnose, decide, act (advance or start a
 * playbook), record (status, Events, metrics). Status is written before every playbook step, with optimistic
 * locking, so a step runs only after it is on record and a second operator with a stale view cannot act.
 */
final class RemediationCycle {

    private static final Logger LOG = LoggerFactory.getLogger(RemediationCycle.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STEPS_PER_CYCLE = 25;
    private static final Duration ACTIVE_RECHECK = Duration.ofSeconds(1);
    private static final Duration LAST_POLL_RESOLUTION = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OperatorServices services;
    private final DMRemediation original;
    private final Collection<DMRemediation> peers;
    private final Instant now;
    private DMRemediation resource;
    private DMRemediationStatus status;
    private Settings settings;
    private ClusterTarget target;
    private DmMaster dm;
    private Duration reschedule;
    private Optional<String> secretProblem;

    RemediationCycle(OperatorServices services, DMRemediation resource, Collection<DMRemediation> peers) {
        this.services = services;
        this.original = resource;
        this.resource = resource;
        this.peers = peers;
        this.now = services.clock().instant();
    }

    /** Runs the cycle; returns when to look again. */
    Duration run() {
        DMRemediationStatus before = copy(resource.getStatus());
        status = copy(resource.getStatus());
        long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
        List<String> problems = SpecValidator.validate(resource.getSpec());
        if (!problems.isEmpty()) {
            return invalid(before, generation, problems);
        }
        settings = SpecSettings.settings(resource.getSpec());
        target = ClusterTarget.of(resource);
        dm = services.connections().of(resource, target);
        reschedule = settings.pollInterval();
        status.cluster = target.displayName();
        if (before.observedGeneration != null && before.observedGeneration != generation) {
            clearEscalations("the spec changed");
        }
        handleRetryAnnotation();

        DmSnapshot snapshot;
        List<String> tasks;
        try {
            List<String> named = resource.getSpec().tasks == null ? List.of() : resource.getSpec().tasks;
            if (named.isEmpty() && dm.api() != DmApi.OPENAPI) {
                throw new TaskListUnavailable();
            }
            snapshot = services.snapshots().poll(target.key(), uid(), dm, named, settings.pollInterval());
            // every task DM-master knows, when none are named: the one poll lists them
            tasks = named.isEmpty() ? new ArrayList<>(snapshot.taskNames()) : named;
        } catch (DmMasterException e) {
            if (Thread.currentThread().isInterrupted()) {
                // the operator is stopping and cut the poll short: that says nothing about DM-master
                LOG.debug("poll of {} interrupted: the operator is stopping", dm.baseUrl());
                return reschedule;
            }
            return degraded(before, generation, e);
        }
        if (Conditions.isTrue(before, Conditions.DEGRADED)) {
            services.events().record(resource, EventReason.DMMasterRecovered, "DM-master at " + dm.baseUrl()
                    + " answers again");
        }
        Conditions.set(status, Conditions.DEGRADED, false, "DMMasterReachable", "DM-master answers", generation, now);
        status.dmApi = dm.api().name().toLowerCase(java.util.Locale.ROOT);
        // coarse on purpose: a fresh timestamp on every poll would make every poll a status write
        if (status.lastPollTime == null
                || Instant.parse(status.lastPollTime).plus(LAST_POLL_RESOLUTION).isBefore(now)) {
            status.lastPollTime = now.toString();
        }

        Map<String, TaskView> views = observe(tasks, snapshot);
        if (status.active != null) {
            advance();
        }
        if (status.active == null) {
            decide(views);
        }
        summarize(views, generation);
        write(before);
        if (reschedule.equals(settings.pollInterval())) {
            // the next regular look at DM: on the cluster's poll slot, shared with every resource due then
            return services.snapshots().nextPollAt(uid(), target.key(), reschedule);
        }
        services.snapshots().lookAgainIn(uid(), reschedule);
        return reschedule;
    }

    // ---------------------------------------------------------------- observe

    private Map<String, TaskView> observe(List<String> tasks, DmSnapshot cluster) {
        DmSnapshot snapshot = guarded(cluster, tasks);
        List<Finding> findings = Diagnosis.diagnose(snapshot);
        Map<String, TaskState> rows = new LinkedHashMap<>();
        status.tasks.forEach(r -> rows.put(r.name, r));
        Map<String, TaskView> views = new LinkedHashMap<>();
        List<TaskState> newRows = new ArrayList<>();
        for (String task : tasks) {
            TaskView view = TaskView.of(task, snapshot, findings);
            views.put(task, view);
            TaskState row = rows.getOrDefault(task, new TaskState());
            row.name = task;
            TaskMemory before = TaskRows.memory(row);
            ErrorClass c = view.finding() == null ? null : view.finding().errorClass();
            TaskMemory after = MemoryUpdate.observe(before, view.observation(), c, settings, now);
            if (after.firstSeen() != null && !after.firstSeen().equals(before.firstSeen())) {
                Finding f = view.finding();
                services.metrics().detected(c.id());
                services.events().record(resource, EventReason.ErrorDetected, c.id() + " on task " + task
                        + " source " + f.source() + ": " + TaskRows.shorten(f.primary() == null ? f.reason()
                        : f.primary().text()));
                LOG.info("detected task={} source={} class={} reason={}", task, f.source(), c.id(), f.reason());
            }
            TaskRows.fill(row, after, view);
            if (view.finding() == null) {
                row.decision = null;
            }
            newRows.add(row);
        }
        status.tasks = newRows;
        return views;
    }

    /**
     * The cluster's snapshot cut down to the guarded tasks' subtasks (relays, sources and workers stay whole): one
     * poll serves every resource on the cluster, and diagnosing all of its tasks in every resource's reconcile made
     * the work per poll cycle grow with the square of the number of resources.
     */
    static DmSnapshot guarded(DmSnapshot cluster, Collection<String> tasks) {
        Set<String> names = new HashSet<>(tasks);
        List<Subtask> mine = new ArrayList<>();
        for (Subtask s : cluster.subtasks()) {
            if (names.contains(s.task())) {
                mine.add(s);
            }
        }
        return mine.size() == cluster.subtasks().size() ? cluster
                : new DmSnapshot(mine, cluster.relays(), cluster.sources(), cluster.workers());
    }

    // ---------------------------------------------------------------- decide

    private void decide(Map<String, TaskView> views) {
        for (TaskView view : views.values()) {
            Finding f = view.finding();
            if (f == null) {
                continue;
            }
            TaskState row = row(view.task());
            TaskMemory memory = TaskRows.memory(row);
            DecisionContext context = new DecisionContext(view.humanPaused(), status.active != null,
                    inFlightElsewhere(), missingConfiguration(f));
            Decision d = Decider.decide(f, memory, settings, context, now);
            String previous = row.decision;
            row.decision = describe(d);
            if (!row.decision.equals(previous)) {
                LOG.info("decision task={} source={} class={} {}", view.task(), f.source(), f.errorClass().id(),
                        row.decision);
            }
            if (d instanceof Decision.Wait w) {
                if (previous == null || !previous.startsWith("Wait")) {
                    services.events().record(resource, EventReason.WaitingForAutoResume, "task " + view.task()
                            + ": " + w.reason() + " (until " + w.until() + ")");
                }
                Duration until = Duration.between(now, w.until());
                if (until.compareTo(reschedule) < 0) {
                    reschedule = until.compareTo(ACTIVE_RECHECK) < 0 ? ACTIVE_RECHECK : until;
                }
            } else if (d instanceof Decision.Act a) {
                if (status.active == null && start(view, f, a)) {
                    advance();
                }
            } else if (d instanceof Decision.Planned p) {
                boolean announced = previous != null && previous.startsWith("Planned");
                if (!announced) {
                    services.metrics().planned(f.errorClass().id(), p.playbook().id());
                    services.events().record(resource, EventReason.DryRun, p.reason());
                    history(view.task(), f, p.playbook().id(), "Planned", p.reason());
                }
            } else if (d instanceof Decision.Escalate e) {
                escalate(view.task(), f, e.reason());
            }
            // Skip: the reason is on the row; nothing to do
        }
    }

    /** Every playbook stops and starts tasks, and DM hides the password a start needs: the Secret must be usable. */
    private String missingConfiguration(Finding f) {
        if (!settings.policy(f.errorClass()).acts()) {
            return null;
        }
        if (secretProblem == null) {
            // once per cycle, not once per erroring task: when a downstream outage pauses every task, reading the
            // Secret for each of them made a poll cycle cost one API read per task
            secretProblem = new DownstreamSecret(services.client(), resource.getMetadata().getNamespace())
                    .problem(services.remediationSettings(resource).downstreamSecret());
        }
        return secretProblem.orElse(null);
    }

    private int inFlightElsewhere() {
        return services.slots().inFlight(target.key(), uid(), activeOnCluster());
    }

    private List<String> activeOnCluster() {
        List<String> uids = new ArrayList<>();
        for (DMRemediation p : peers) {
            if (p.getStatus() != null && p.getStatus().active != null && p.getSpec() != null
                    && SpecValidator.validate(p.getSpec()).isEmpty()
                    && ClusterTarget.of(p).key().equals(target.key())) {
                uids.add(p.getMetadata().getUid());
            }
        }
        return uids;
    }

    private boolean start(TaskView view, Finding f, Decision.Act act) {
        if (!services.slots().tryAcquire(target.key(), uid(), settings.maxConcurrentRemediations(), activeOnCluster())) {
            row(view.task()).decision = "Skip: the per-cluster limit was reached just now";
            return false;
        }
        ActiveRemediation a = new ActiveRemediation();
        a.id = newId();
        a.task = act.playbook() == Remedy.FIX_RELAY_META ? null : view.task();
        a.source = f.source();
        a.worker = f.worker();
        a.errorClass = f.errorClass().id();
        a.playbook = act.playbook().id();
        a.attempt = act.attempt();
        a.startedAt = now.toString();
        a.stepStartedAt = now.toString();
        a.step = services.playbooks().of(act.playbook()).firstStep();
        a.message = act.reason();
        if (f.primary() != null) {
            a.facts.put("evidence", TaskRows.shorten(f.primary().text()));
        }
        a.facts.put("trigger", view.task());
        status.active = a;
        for (TaskState row : affectedRows(a)) {
            TaskMemory m = TaskRows.memory(row);
            row.attempts = m.attempts() + 1;
            row.attemptsFor = a.playbook;
            row.lastAction = a.playbook + " started (attempt " + a.attempt + ")";
        }
        status.lastAction = a.playbook + " " + subject(a) + ": Started";
        status.phase = "Remediating";
        Conditions.set(status, Conditions.REMEDIATING, true, a.playbook, act.reason(), resource.getMetadata().getGeneration(), now);
        persist();
        services.events().record(resource, EventReason.RemediationStarted, a.playbook + " for " + act.reason());
        LOG.info("remediation started id={} task={} source={} class={} playbook={} attempt={}", a.id, a.task,
                a.source, a.errorClass, a.playbook, a.attempt);
        return true;
    }

    private void escalate(String task, Finding f, String reason) {
        TaskState row = row(task);
        if (Boolean.TRUE.equals(row.escalated)) {
            return;
        }
        row.escalated = true;
        row.lastAction = "Escalated";
        services.metrics().escalated(f.errorClass().id());
        String message = "task " + task + ": " + reason + "; no more actions until a human annotates "
                + DMRemediation.RETRY_ANNOTATION + "=" + task + " or changes the spec";
        services.events().record(resource, EventReason.Escalated, message);
        history(task, f, "Escalate", "Escalated", reason);
        LOG.warn("escalated task={} source={} class={} reason={}", task, f.source(), f.errorClass().id(), reason);
    }

    // ---------------------------------------------------------------- act

    private void advance() {
        PlaybookContext ctx = playbookContext();
        for (int i = 0; i < MAX_STEPS_PER_CYCLE && status.active != null; i++) {
            ActiveRemediation a = status.active;
            Playbook playbook = services.playbooks().of(a.playbook);
            StepResult result;
            String step = a.step;
            try {
                result = playbook.run(a, ctx);
            } catch (DmMasterException e) {
                // the step is on record; it runs again when DM-master answers
                a.message = "waiting for DM-master: " + e.getMessage();
                Conditions.set(status, Conditions.DEGRADED, true, "DMMasterUnreachable", e.getMessage(),
                        resource.getMetadata().getGeneration(), now);
                reschedule = shorter(reschedule, Duration.ofSeconds(5));
                return;
            } catch (io.dmremediation.playbook.TaskYaml.TaskConfigException | IllegalStateException e) {
                result = StepResult.finish(StepResult.Outcome.FAILED, e.getMessage());
            } catch (RuntimeException e) {
                if (e instanceof io.fabric8.kubernetes.client.KubernetesClientException) {
                    throw e;
                }
                result = StepResult.finish(StepResult.Outcome.FAILED, e.getMessage());
            }
            if (result instanceof StepResult.Next || result instanceof StepResult.Persist) {
                services.gate().afterStep(a, step);
            }
            if (result instanceof StepResult.Next n) {
                LOG.info("remediation step id={} task={} source={} {} -> {}: {}", a.id, a.task, a.source, a.step,
                        n.step(), n.note());
                a.step = n.step();
                a.stepStartedAt = services.clock().instant().toString();
                a.message = n.note();
                services.snapshots().invalidate(target.key());
                persist();
            } else if (result instanceof StepResult.Persist p) {
                a.message = p.note();
                persist();
            } else if (result instanceof StepResult.Wait w) {
                a.message = w.note();
                reschedule = shorter(reschedule, w.recheckAfter());
                return;
            } else if (result instanceof StepResult.Finish f) {
                finish(a, f, ctx);
                return;
            }
        }
        reschedule = shorter(reschedule, ACTIVE_RECHECK);
    }

    private void finish(ActiveRemediation a, StepResult.Finish f, PlaybookContext ctx) {
        String outcome = switch (f.outcome()) {
            case SUCCEEDED -> "Succeeded";
            case FAILED -> "Failed";
            case ABORTED -> "Aborted";
        };
        Duration took = Duration.between(Instant.parse(a.startedAt), services.clock().instant());
        services.metrics().remediation(a.errorClass, a.playbook, outcome, took);
        ErrorClass c = ErrorClass.fromId(a.errorClass);
        int maxAttempts = settings.policy(c).maxAttempts();
        for (TaskState row : affectedRows(a)) {
            TaskMemory m = TaskRows.memory(row);
            int attempts = f.outcome() == StepResult.Outcome.ABORTED ? Math.max(0, m.attempts() - 1) : m.attempts();
            row.attempts = attempts;
            row.nextAttemptAfter = f.outcome() == StepResult.Outcome.ABORTED ? row.nextAttemptAfter
                    : services.clock().instant().plus(settings.backoff().delayAfter(attempts)).toString();
            row.lastAction = a.playbook + ": " + outcome;
        }
        status.active = null;
        status.lastAction = a.playbook + " " + subject(a) + ": " + outcome;
        history(a.task == null ? Facts.trigger(a) : a.task, a, outcome, f.detail());
        EventReason reason = switch (f.outcome()) {
            case SUCCEEDED -> EventReason.RemediationSucceeded;
            case FAILED -> EventReason.RemediationFailed;
            case ABORTED -> EventReason.RemediationAborted;
        };
        services.events().record(resource, reason, a.playbook + " " + subject(a) + ": " + f.detail());
        LOG.info("remediation finished id={} task={} source={} class={} playbook={} outcome={} detail={}", a.id, a.task,
                a.source, a.errorClass, a.playbook, outcome, f.detail());
        if (f.outcome() == StepResult.Outcome.FAILED) {
            for (TaskState row : affectedRows(a)) {
                if (row.attempts != null && row.attempts >= maxAttempts) {
                    Finding pseudo = new Finding(row.name, a.source, a.worker, null, c, List.of(), f.detail());
                    escalate(row.name, pseudo, a.playbook + " failed on attempt " + row.attempts + " of "
                            + maxAttempts + ": " + f.detail());
                }
            }
        }
        try {
            ctx.vault().release(a);
        } catch (RuntimeException e) {
            LOG.warn("could not delete the saved-config Secret {}: {}", ConfigVault.secretName(a.id), e.getMessage());
        }
        services.slots().release(target.key(), uid());
        Conditions.set(status, Conditions.REMEDIATING, false, "Idle", status.lastAction,
                resource.getMetadata().getGeneration(), now);
        persist();
    }

    private PlaybookContext playbookContext() {
        return services.playbookContext(resource, target, dm, settings);
    }

    /** The rows a remediation counts against: its task, or for a relay fix every guarded task on the source. */
    private List<TaskState> affectedRows(ActiveRemediation a) {
        if (a.task != null) {
            return status.tasks.stream().filter(r -> a.task.equals(r.name)).toList();
        }
        return status.tasks.stream().filter(r -> a.source.equals(r.source)
                || a.errorClass.equals(r.errorClass) && Objects.equals(Facts.trigger(a), r.name)).toList();
    }

    // ---------------------------------------------------------------- record

    private void summarize(Map<String, TaskView> views, long generation) {
        status.taskCount = views.size();
        status.healthyTasks = (int) views.values().stream()
                .filter(v -> v.observation() == io.dmremediation.policy.TaskObservation.HEALTHY).count();
        boolean escalated = status.tasks.stream().anyMatch(r -> Boolean.TRUE.equals(r.escalated));
        List<String> escalatedTasks = status.tasks.stream().filter(r -> Boolean.TRUE.equals(r.escalated))
                .map(r -> r.name).toList();
        Conditions.set(status, Conditions.ESCALATED, escalated, escalated ? "MaxAttemptsReached" : "None",
                escalated ? "escalated: " + String.join(", ", escalatedTasks) : "no task is escalated", generation, now);
        Conditions.set(status, Conditions.PAUSED, settings.paused(), settings.paused() ? "SpecPaused" : "NotPaused",
                settings.paused() ? "spec.paused is true: no new remediation starts" : "acting on findings",
                generation, now);
        if (status.active == null) {
            Conditions.set(status, Conditions.REMEDIATING, false, "Idle",
                    status.lastAction == null ? "no remediation yet" : status.lastAction, generation, now);
        }
        boolean allHealthy = status.taskCount > 0 && status.healthyTasks.equals(status.taskCount);
        List<String> unhealthy = status.tasks.stream().filter(r -> r.errorClass != null || "Missing".equals(r.stage))
                .map(r -> r.name + (r.errorClass != null ? " (" + r.errorClass + ")" : " (" + r.stage + ")")).toList();
        Conditions.set(status, Conditions.READY, allHealthy, allHealthy ? "TasksRunning" : "TasksNotHealthy",
                allHealthy ? "all " + status.taskCount + " guarded task(s) run"
                        : status.healthyTasks + " of " + status.taskCount + " task(s) healthy"
                        + (unhealthy.isEmpty() ? "" : "; " + String.join(", ", unhealthy)), generation, now);
        boolean erroring = status.tasks.stream().anyMatch(r -> r.errorClass != null);
        if (status.active != null) {
            status.phase = Conditions.isTrue(status, Conditions.DEGRADED) ? "Degraded" : "Remediating";
        } else if (escalated) {
            status.phase = "Escalated";
        } else if (settings.paused()) {
            status.phase = "Paused";
        } else if (erroring) {
            status.phase = "Waiting";
        } else {
            status.phase = "Healthy";
        }
        status.observedGeneration = generation;
    }

    private Duration invalid(DMRemediationStatus before, long generation, List<String> problems) {
        String message = String.join("; ", problems);
        status.phase = "Invalid";
        Conditions.set(status, Conditions.READY, false, "InvalidSpec", message, generation, now);
        if (!Objects.equals(before.observedGeneration, generation) || !"Invalid".equals(before.phase)) {
            services.events().record(resource, EventReason.InvalidSpec, message);
            LOG.warn("invalid spec {}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                    message);
        }
        if (status.active != null) {
            status.active.message = "held: the spec is invalid; fix it and the remediation continues";
        }
        status.observedGeneration = generation;
        write(before);
        return Duration.ofSeconds(30);
    }

    private Duration degraded(DMRemediationStatus before, long generation, DmMasterException e) {
        String reason = switch (e.kind()) {
            case UNREACHABLE, TIMEOUT -> "DMMasterUnreachable";
            case BAD_REPLY -> "DMMasterBadReply";
            case HTTP_STATUS, ERROR_REPLY -> "DMMasterError";
            case UNSUPPORTED -> "DMMasterUnsupported";
        };
        String message = e.getMessage();
        Conditions.set(status, Conditions.DEGRADED, true, reason, message, generation, now);
        Conditions.set(status, Conditions.READY, false, reason, message, generation, now);
        status.phase = "Degraded";
        if (!Conditions.isTrue(before, Conditions.DEGRADED)
                || !Objects.equals(Conditions.get(before, Conditions.DEGRADED).map(c -> c.getMessage()).orElse(null), message)) {
            services.events().record(resource, EventReason.DMMasterUnreachable, message);
            LOG.warn("DM-master problem for {}/{}: {}", resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName(), message);
        }
        if (status.active != null) {
            status.active.message = "waiting for DM-master: " + message;
        }
        status.observedGeneration = generation;
        write(before);
        services.snapshots().lookAgainIn(uid(), settings.pollInterval());
        return settings.pollInterval();
    }

    private void clearEscalations(String why) {
        for (TaskState row : status.tasks) {
            if (Boolean.TRUE.equals(row.escalated) || (row.attempts != null && row.attempts > 0)) {
                boolean wasEscalated = Boolean.TRUE.equals(row.escalated);
                TaskRows.clear(row);
                if (wasEscalated) {
                    services.events().record(resource, EventReason.RetryRequested, "task " + row.name
                            + ": escalation cleared because " + why);
                    history(row.name, null, "Retry", "Cleared", why);
                }
            }
        }
    }

    private void handleRetryAnnotation() {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(DMRemediation.RETRY_ANNOTATION);
        if (value == null) {
            return;
        }
        for (TaskState row : status.tasks) {
            if ("*".equals(value.trim()) || row.name.equals(value.trim())) {
                TaskRows.clear(row);
                services.events().record(resource, EventReason.RetryRequested, "task " + row.name
                        + ": attempts and escalation cleared by annotation " + DMRemediation.RETRY_ANNOTATION);
                history(row.name, null, "Retry", "Cleared", "annotation " + DMRemediation.RETRY_ANNOTATION + "=" + value);
            }
        }
        // one-shot: take the annotation away so it does not clear again on every poll
        resource = services.statusWriter().removeAnnotation(resource, DMRemediation.RETRY_ANNOTATION);
    }

    private void history(String task, Finding f, String action, String outcome, String detail) {
        HistoryEntry e = new HistoryEntry(now.toString(), task, f == null ? null : f.source(),
                f == null ? null : f.errorClass().id(), action, outcome, TaskRows.shorten(detail));
        addHistory(e);
    }

    private void history(String task, ActiveRemediation a, String outcome, String detail) {
        addHistory(new HistoryEntry(services.clock().instant().toString(), task, a.source, a.errorClass, a.playbook,
                outcome, TaskRows.shorten(detail)));
    }

    private void addHistory(HistoryEntry e) {
        status.history.add(0, e);
        while (status.history.size() > DMRemediationStatus.HISTORY_LIMIT) {
            status.history.remove(status.history.size() - 1);
        }
    }

    private void persist() {
        resource = services.statusWriter().write(resource, status);
    }

    private void write(DMRemediationStatus before) {
        if (!JSON.valueToTree(before).equals(JSON.valueToTree(status))) {
            persist();
        }
    }

    // ---------------------------------------------------------------- helpers

    private TaskState row(String task) {
        return status.tasks.stream().filter(r -> r.name.equals(task)).findFirst().orElseThrow();
    }

    private String uid() {
        return original.getMetadata().getUid();
    }

    private static String subject(ActiveRemediation a) {
        return a.task != null ? a.task : "relay of " + a.source;
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

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static DMRemediationStatus copy(DMRemediationStatus s) {
        if (s == null) {
            return new DMRemediationStatus();
        }
        DMRemediationStatus c = JSON.convertValue(s, DMRemediationStatus.class);
        if (c.conditions == null) {
            c.conditions = new ArrayList<>();
        }
        if (c.tasks == null) {
            c.tasks = new ArrayList<>();
        }
        if (c.history == null) {
            c.history = new ArrayList<>();
        }
        return c;
    }

    private static String newId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** spec.tasks is empty and DM-master cannot list its tasks. */
    static final class TaskListUnavailable extends DmMasterException {
        TaskListUnavailable() {
            super(Kind.UNSUPPORTED, "spec.tasks is empty and this DM-master has no OpenAPI (openapi = true) to list its "
                    + "tasks; name the tasks to guard in spec.tasks", null);
        }
    }

    /** Facts the cycle itself reads. */
    static final class Facts {
        private Facts() {
        }

        static String trigger(ActiveRemediation a) {
            return a.facts == null ? null : a.facts.get("trigger");
        }
    }
}
