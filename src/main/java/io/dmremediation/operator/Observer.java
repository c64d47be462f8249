package io.dmremediation.operator;

import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Subtask;
import io.dmremediation.policy.MemoryUpdate;
import io.dmremediation.policy.TaskMemory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Observe: the guarded tasks as this poll shows them, diagnosed, into the status rows. Reads only; acts on nothing. */
final class Observer {

    private static final Logger LOG = LoggerFactory.getLogger(Observer.class);

    private Observer() {
    }

    static Map<String, TaskView> observe(CycleState s, List<String> tasks, DmSnapshot cluster) {
        DmSnapshot snapshot = guarded(cluster, tasks);
        List<Finding> findings = Diagnosis.diagnose(snapshot);
        Map<String, TaskState> rows = new LinkedHashMap<>();
        s.status.tasks.forEach(r -> rows.put(r.name, r));
        Map<String, TaskView> views = new LinkedHashMap<>();
        List<TaskState> newRows = new ArrayList<>();
        for (String task : tasks) {
            TaskView view = TaskView.of(task, snapshot, findings);
            views.put(task, view);
            TaskState row = rows.getOrDefault(task, new TaskState());
            row.name = task;
            TaskMemory before = TaskRows.memory(row);
            ErrorClass c = view.finding() == null ? null : view.finding().errorClass();
            TaskMemory after = MemoryUpdate.observe(before, view.observation(), c, s.settings, s.now);
            // a task in a storm-mode incident: the incident's one Event and metric speak for it
            if (after.firstSeen() != null && !after.firstSeen().equals(before.firstSeen())
                    && !StormMode.covers(s, view.finding())) {
                Finding f = view.finding();
                s.services.metrics().detected(c.id());
                s.event(EventReason.ErrorDetected, c.id() + " on task " + task + " source " + f.source() + ": "
                        + TaskRows.shorten(f.primary() == null ? f.reason() : f.primary().text()));
                LOG.info("detected task={} source={} class={} reason={}", task, f.source(), c.id(), f.reason());
            }
            TaskRows.fill(row, after, view);
            if (view.finding() == null) {
                row.decision = null;
            }
            newRows.add(row);
        }
        s.status.tasks = newRows;
        LeftStopped.mirror(s);
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
        for (Subtask st : cluster.subtasks()) {
            if (names.contains(st.task())) {
                mine.add(st);
            }
        }
        return mine.size() == cluster.subtasks().size() ? cluster
                : new DmSnapshot(mine, cluster.relays(), cluster.sources(), cluster.workers());
    }
}
