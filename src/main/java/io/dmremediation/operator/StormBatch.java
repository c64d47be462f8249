package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.TaskProgress;
import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.policy.Incident;
import io.dmremediation.policy.TaskMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a storm-mode batch of this resource: one RestartTask remediation over several of its tasks, the engine's
 * own, admitted against the cluster's limit ({@code maxConcurrentRemediations}, the lowest of the cluster's resources,
 * through the same slots as any remediation) and the incident's batch ({@code storm.batchSize} tasks, one batch every
 * {@code storm.batchInterval} at the earliest, the next only once the last one ended).
 */
final class StormBatch {

    private static final Logger LOG = LoggerFactory.getLogger(StormBatch.class);

    private StormBatch() {
    }

    /** Reports the candidates and starts a batch remediation of them if admitted; true when it started one. */
    static boolean start(CycleState s, List<String> candidates) {
        StormMode.View v = s.storm;
        if (v == null || v.incident().phase() != Incident.Phase.RECOVERING) {
            return false;
        }
        v.cluster().candidates(s.uid, candidates.size(), s.now);
        if (candidates.isEmpty() || s.status.active != null) {
            return false;
        }
        if (!s.services.slots().tryAcquire(s.target.key(), s.uid, s.settings.maxConcurrentRemediations(),
                Planner.ClusterLimit.activeOnCluster(s))) {
            return false;
        }
        ClusterStorm.Admission admitted = v.cluster().admit(s.uid, candidates.size(), v.policy(), v.inFlight(),
                s.settings.pollInterval(), s.now);
        if (admitted.tasks() == 0) {
            s.services.slots().release(s.target.key(), s.uid);
            return false;
        }
        List<TaskState> rows = new ArrayList<>();
        for (String task : candidates) {
            s.row(task).ifPresent(rows::add);
        }
        // the longest failing first
        rows.sort(Comparator.comparing((TaskState r) -> r.firstSeen == null ? Instant.MAX : Instant.parse(r.firstSeen))
                .thenComparing(r -> r.name));
        List<TaskState> batch = rows.subList(0, Math.min(admitted.tasks(), rows.size()));
        Incident i = v.incident();
        ActiveRemediation a = new ActiveRemediation();
        a.id = Planner.newId();
        a.incident = i.id();
        a.task = null;
        a.trigger = batch.get(0).name;
        a.source = batch.get(0).source;
        a.errorClass = i.errorClass().id();
        a.playbook = Remedy.RESTART_TASK.id();
        a.masterUrl = s.target.masterUrl();
        a.clusterKey = s.target.key();
        a.masterTrusted = s.target.trusted();
        int attempt = 1;
        for (TaskState row : batch) {
            a.tasks.add(new TaskProgress(row.name));
            TaskMemory m = TaskRows.memory(row);
            attempt = Math.max(attempt, m.attempts() + 1);
        }
        a.attempt = attempt;
        a.startedAt = s.now.toString();
        a.stepStartedAt = s.now.toString();
        a.step = s.services.playbooks().of(a.playbook).steps().first();
        String names = String.join(", ", batch.stream().map(r -> r.name).toList());
        a.message = "batch " + admitted.batch() + " of incident " + i.id() + ": " + batch.size() + " task(s): " + names;
        a.evidence = batch.get(0).message;
        s.status.active = a;
        for (TaskState row : batch) {
            TaskMemory m = TaskRows.memory(row);
            row.attempts = m.attempts() + 1;
            row.attemptsFor = a.playbook;
            row.lastAction = a.playbook + " started in batch " + admitted.batch() + " of incident " + i.id()
                    + " (attempt " + row.attempts + ")";
            row.decision = "Act: " + a.playbook + " in batch " + admitted.batch() + " of incident " + i.id();
        }
        s.status.lastAction = a.playbook + " " + RemediationEnd.subject(a) + ": Started";
        s.status.phase = "Remediating";
        Conditions.set(s.status, Conditions.REMEDIATING, true, a.playbook, a.message, s.generation, s.now);
        try {
            s.persist();
        } catch (RuntimeException e) {
            v.cluster().unadmit(s.uid, admitted.tasks());
            s.services.slots().release(s.target.key(), s.uid);
            throw e;
        }
        s.event(EventReason.RemediationStarted, a.playbook + " for " + a.message);
        LOG.info("storm batch started id={} incident={} batch={} tasks={}", a.id, i.id(), admitted.batch(), names);
        return true;
    }
}
