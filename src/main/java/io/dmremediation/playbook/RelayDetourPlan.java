package io.dmremediation.playbook;

import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which tasks the relay detour touches, and whether it may start at all (pure; dm-facts §6, §7.1-7.3). While the
 * relay of the source is off, every subtask reads the upstream; the relay may come back only when no subtask of the
 * source still needs the file over 4 GiB, because DM restarts the relay at the minimum checkpoint of the source's
 * subtasks ({@code getMinLocInAllSubTasks}) and any pull of that file fails again at 4 GiB. So:
 * <ul>
 *   <li><b>readers</b>: running Sync subtasks; they read the upstream through the file;</li>
 *   <li><b>held</b>: Sync subtasks paused by an error that still need the file (e.g. a syncer overflow); they cannot
 *       read past it, so their tasks are stopped (config saved) for the detour and started again afterwards;</li>
 *   <li>left alone: finished tasks, tasks past the file, units that keep no syncer checkpoint (Dump, Load);</li>
 *   <li>a refusal: a subtask a person paused that still needs the file (the operator never acts on a person's pause:
 *       it would have to stop and start that task), a held task paused by a person on another source (stopping
 *       the task would end that pause too), and subtasks in a passing stage.</li>
 * </ul>
 */
record RelayDetourPlan(List<String> readers, List<String> held, Map<String, String> stages, Optional<String> refusal) {

    static RelayDetourPlan of(String source, String bigFile, List<Subtask> allSubtasksOfTasksOnSource) {
        Set<String> readers = new LinkedHashSet<>();
        Set<String> held = new LinkedHashSet<>();
        Map<String, String> stages = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Subtask st : allSubtasksOfTasksOnSource) {
            if (!source.equals(st.source())) {
                continue;
            }
            stages.put(st.task(), describe(st));
            if (st.unit() != Unit.SYNC || st.stage() == Stage.FINISHED) {
                continue;
            }
            boolean needsFile = needsFile(st, bigFile);
            switch (st.stage()) {
                case RUNNING -> readers.add(st.task());
                case PAUSED -> {
                    if (!needsFile) {
                        continue;
                    }
                    if (st.canceled()) {
                        problems.add("task " + st.task() + " was paused by a person at " + where(st)
                                + " and still needs " + bigFile + "; the operator does not stop and start a task a"
                                + " person paused: resume it or stop it, then FixRelayMeta can run");
                    } else if (st.errors().isEmpty()) {
                        problems.add("task " + st.task() + " is paused without an error at " + where(st)
                                + " and still needs " + bigFile + "; resume it, then FixRelayMeta can run");
                    } else {
                        held.add(st.task());
                    }
                }
                default -> {
                    if (needsFile) {
                        problems.add("task " + st.task() + " is " + st.stage().dmName() + " on " + source
                                + "; FixRelayMeta runs once it settles");
                    }
                }
            }
        }
        for (Subtask st : allSubtasksOfTasksOnSource) {
            if (held.contains(st.task()) && !source.equals(st.source()) && st.stage() == Stage.PAUSED && st.canceled()) {
                problems.add("task " + st.task() + " must be stopped for the relay fix, but a person paused it on source "
                        + st.source() + "; stopping it would end that pause");
            }
        }
        readers.removeAll(held);
        return new RelayDetourPlan(List.copyOf(readers), List.copyOf(held), Map.copyOf(stages),
                problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
    }

    /** The subtask's flushed checkpoint is not in a file after the big one (unknown counts as needing it). */
    static boolean needsFile(Subtask st, String bigFile) {
        BinlogLocation at = st.sync() == null ? null : st.sync().syncerBinlog();
        return at == null || !BinlogFiles.after(at.file(), bigFile);
    }

    /** Past the big file: the flushed checkpoint names a later file. */
    static boolean past(Subtask st, String bigFile) {
        return !needsFile(st, bigFile);
    }

    private static String where(Subtask st) {
        return st.sync() == null || st.sync().syncerBinlog() == null ? "an unknown position"
                : st.sync().syncerBinlog().toString();
    }

    private static String describe(Subtask st) {
        if (st.stage() == Stage.PAUSED) {
            return st.canceled() ? "Paused (by a person)" : st.errors().isEmpty() ? "Paused" : "Paused (error)";
        }
        return st.stage().dmName();
    }
}
