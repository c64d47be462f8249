package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.TaskState;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Collection;
import java.util.Map;
import java.util.HashMap;

/**
 * What the state gauges say, counted from the DMRemediation statuses alone (pure, no I/O). Reading the statuses
 * rather than hooking the reconcile code keeps the numbers right whatever that code does, and the same for every
 * replica that has the resources in its cache.
 *
 * @param tasks        tasks by (namespace, resource, cluster, phase, error class)
 * @param escalated    escalated tasks by (namespace, resource, cluster)
 * @param leftStopped  tasks the operator stopped and could not start again, by (namespace, resource, cluster)
 * @param inFlight     remediations in flight by (namespace, resource, cluster, playbook)
 * @param reachable    per (namespace, cluster): 1 when DM-master answered the last poll of some resource on it, else 0
 * @param resources    resources by (namespace, phase)
 */
public record StatusCounts(Map<TaskKey, Integer> tasks, Map<ResourceKey, Integer> escalated,
                           Map<ResourceKey, Integer> leftStopped, Map<FlightKey, Integer> inFlight,
                           Map<ClusterKey, Integer> reachable, Map<PhaseKey, Integer> resources) {

    /** The Degraded reason of a resource whose DM-master did not answer (RemediationCycle.degraded). */
    static final String UNREACHABLE_REASON = "DMMasterUnreachable";

    public record ResourceKey(String namespace, String resource, String cluster) {
    }

    public record TaskKey(ResourceKey resource, String phase, String errorClass) {
    }

    public record FlightKey(ResourceKey resource, String playbook) {
    }

    public record ClusterKey(String namespace, String cluster) {
    }

    public record PhaseKey(String namespace, String phase) {
    }

    public static StatusCounts of(Collection<DMRemediation> resources) {
        Map<TaskKey, Integer> tasks = new HashMap<>();
        Map<ResourceKey, Integer> escalated = new HashMap<>();
        Map<ResourceKey, Integer> leftStopped = new HashMap<>();
        Map<FlightKey, Integer> inFlight = new HashMap<>();
        Map<ClusterKey, Integer> reachable = new HashMap<>();
        Map<PhaseKey, Integer> phases = new HashMap<>();
        for (DMRemediation r : resources) {
            String ns = r.getMetadata().getNamespace();
            DMRemediationStatus s = r.getStatus();
            String phase = s == null || s.phase == null ? "Unknown" : s.phase;
            phases.merge(new PhaseKey(ns, phase), 1, Integer::sum);
            if (s == null || s.cluster == null) {
                continue; // never polled: nothing to say about its tasks or its DM-master
            }
            ResourceKey key = new ResourceKey(ns, r.getMetadata().getName(), s.cluster);
            escalated.putIfAbsent(key, 0);
            leftStopped.putIfAbsent(key, 0);
            String activeTask = s.active == null ? null : s.active.task;
            for (TaskState t : s.tasks) {
                String errorClass = t.errorClass == null || t.errorClass.isEmpty() ? "none" : t.errorClass;
                tasks.merge(new TaskKey(key, taskPhase(t, activeTask), errorClass), 1, Integer::sum);
                if (Boolean.TRUE.equals(t.escalated)) {
                    escalated.merge(key, 1, Integer::sum);
                }
            }
            // status.leftStopped, not the rows: a relay fix may stop tasks the resource does not guard
            if (s.leftStopped != null && !s.leftStopped.isEmpty()) {
                leftStopped.merge(key, s.leftStopped.size(), Integer::sum);
            }
            if (s.active != null) {
                inFlight.merge(new FlightKey(key, s.active.playbook == null ? "unknown" : s.active.playbook), 1,
                        Integer::sum);
            }
            if (!"Invalid".equals(s.phase)) {
                // one resource that reaches DM-master is enough to say the cluster's DM-master answers
                reachable.merge(new ClusterKey(ns, s.cluster), unreachable(s) ? 0 : 1, Math::max);
            }
        }
        return new StatusCounts(tasks, escalated, leftStopped, inFlight, reachable, phases);
    }

    /**
     * One word per task: LeftStopped and Escalated (a human must act), Remediating (a playbook runs on it), Missing
     * (DM-master does not know it), Waiting (an error is seen; the operator waits or decides), Healthy.
     */
    static String taskPhase(TaskState t, String activeTask) {
        if (Boolean.TRUE.equals(t.leftStopped)) {
            return "LeftStopped";
        }
        if (Boolean.TRUE.equals(t.escalated)) {
            return "Escalated";
        }
        if (t.name != null && t.name.equals(activeTask)) {
            return "Remediating";
        }
        if ("Missing".equals(t.stage)) {
            return "Missing";
        }
        if (t.errorClass != null && !t.errorClass.isEmpty()) {
            return "Waiting";
        }
        return "Healthy";
    }

    private static boolean unreachable(DMRemediationStatus s) {
        for (Condition c : s.conditions) {
            if (Conditions.DEGRADED.equals(c.getType()) && "True".equals(c.getStatus())
                    && UNREACHABLE_REASON.equals(c.getReason())) {
                return true;
            }
        }
        return false;
    }
}
