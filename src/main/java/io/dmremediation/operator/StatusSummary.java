package io.dmremediation.operator;

import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.StoppedTask;
import io.dmremediation.api.TaskState;
import io.dmremediation.policy.TaskObservation;
import java.util.List;
import java.util.Map;

/**
 * Summarise: the conditions and the phase from the rows, the remediation in flight and the tasks left stopped. The
 * phase never contradicts the conditions: {@code Healthy} only with {@code Ready=True}.
 */
final class StatusSummary {

    private StatusSummary() {
    }

    static void summarise(CycleState s, Map<String, TaskView> views) {
        DMRemediationStatus st = s.status;
        st.taskCount = views.size();
        st.healthyTasks = (int) views.values().stream().filter(v -> v.observation() == TaskObservation.HEALTHY).count();
        leftStopped(s);
        List<String> escalatedTasks = st.tasks.stream().filter(r -> Boolean.TRUE.equals(r.escalated))
                .map(r -> r.name).toList();
        boolean escalated = !escalatedTasks.isEmpty() || !st.leftStopped.isEmpty();
        Conditions.set(st, Conditions.ESCALATED, escalated, escalated ? "HumanNeeded" : "None",
                escalated ? "escalated: " + String.join(", ", escalatedTasks.isEmpty()
                        ? st.leftStopped.stream().map(t -> t.task).toList() : escalatedTasks)
                        : "no task is escalated", s.generation, s.now);
        Conditions.set(st, Conditions.PAUSED, s.settings.paused(), s.settings.paused() ? "SpecPaused" : "NotPaused",
                s.settings.paused() ? "spec.paused is true: no new remediation starts" : "acting on findings",
                s.generation, s.now);
        if (st.active == null) {
            Conditions.set(st, Conditions.REMEDIATING, false, "Idle",
                    st.lastAction == null ? "no remediation yet" : st.lastAction, s.generation, s.now);
        }
        boolean allHealthy = st.taskCount > 0 && st.healthyTasks.equals(st.taskCount) && st.leftStopped.isEmpty();
        List<String> unhealthy = st.tasks.stream().filter(r -> r.errorClass != null || !healthy(r, views))
                .map(r -> r.name + (r.errorClass != null ? " (" + r.errorClass + ")" : " (" + r.stage + ")")).toList();
        Conditions.set(st, Conditions.READY, allHealthy, allHealthy ? "TasksRunning" : "TasksNotHealthy",
                allHealthy ? "all " + st.taskCount + " guarded task(s) run"
                        : st.healthyTasks + " of " + st.taskCount + " task(s) healthy"
                        + (unhealthy.isEmpty() ? "" : "; " + String.join(", ", unhealthy)), s.generation, s.now);
        boolean erroring = st.tasks.stream().anyMatch(r -> r.errorClass != null);
        if (st.active != null) {
            st.phase = Conditions.isTrue(st, Conditions.DEGRADED) ? "Degraded" : "Remediating";
        } else if (escalated) {
            st.phase = "Escalated";
        } else if (s.settings.paused()) {
            st.phase = "Paused";
        } else if (erroring) {
            st.phase = "Waiting";
        } else if (!allHealthy) {
            // a task missing from DM-master, paused by a person or not running: nothing the FAQ fixes
            st.phase = "NotReady";
        } else {
            st.phase = "Healthy";
        }
        st.observedGeneration = s.generation;
    }

    private static boolean healthy(TaskState r, Map<String, TaskView> views) {
        TaskView v = views.get(r.name);
        return v != null && v.observation() == TaskObservation.HEALTHY;
    }

    /** {@code TaskLeftStopped}: True while a task the operator stopped waits for a person. */
    static void leftStopped(CycleState s) {
        List<StoppedTask> left = s.status.leftStopped;
        Conditions.set(s.status, Conditions.TASK_LEFT_STOPPED, !left.isEmpty(),
                left.isEmpty() ? "None" : "StartByHand",
                left.isEmpty() ? "no task is left stopped by the operator"
                        : String.join("; ", left.stream().map(t -> "task " + t.task + " is stopped; its config is in "
                        + "Secret " + t.configSecret + " (key " + t.configKey + ")").toList())
                        + ": start each with dmctl start-task from that config", s.generation, s.now);
    }
}
