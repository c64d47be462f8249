package io.dmremediation.operator;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.policy.TaskObservation;
import java.util.ArrayList;
import java.util.List;

/**
 * One guarded task as this poll saw it: its subtasks and the one finding that speaks for it. Findings of
 * different remedies on one task (an overflow on one source, a connection error on another) make the task
 * {@code unknown}: one action cannot be right for both.
 */
record TaskView(String task, List<Subtask> subtasks, Finding finding, boolean humanPaused) {

    static TaskView of(String task, DmSnapshot snapshot, List<Finding> findings) {
        List<Subtask> subtasks = snapshot.subtasksOf(task);
        List<Finding> mine = new ArrayList<>();
        for (Finding f : findings) {
            if (task.equals(f.task())) {
                mine.add(f);
            } else if (f.task() == null && f.errorClass() == ErrorClass.RELAY_BINLOG_OVERFLOW
                    && subtasks.stream().anyMatch(s -> f.source().equals(s.source()))) {
                // a relay problem belongs to every task reading that source's relay
                mine.add(f);
            }
        }
        boolean humanPaused = subtasks.stream().anyMatch(s -> s.canceled() && s.errors().isEmpty()
                && (s.stage() == Stage.PAUSED || s.stage() == Stage.PAUSING));
        return new TaskView(task, subtasks, merge(mine), humanPaused);
    }

    private static Finding merge(List<Finding> findings) {
        if (findings.isEmpty()) {
            return null;
        }
        // the FAQ's order when the relay and the syncer both overflowed on one source: the relay first (the
        // syncer reads the relay), then the checkpoints; FixRelayMeta says so, and the syncer finding stays
        List<Finding> relay = findings.stream().filter(f -> f.errorClass() == ErrorClass.RELAY_BINLOG_OVERFLOW).toList();
        if (relay.size() == 1 && findings.stream().allMatch(f -> f.errorClass() == ErrorClass.RELAY_BINLOG_OVERFLOW
                || f.errorClass() == ErrorClass.SYNCER_BINLOG_OVERFLOW && relay.get(0).source().equals(f.source()))) {
            return relay.get(0);
        }
        Finding first = findings.stream().filter(f -> f.errorClass() == ErrorClass.UNKNOWN).findFirst()
                .orElse(findings.get(0));
        boolean oneRemedy = findings.stream().allMatch(f -> f.remedy() == first.remedy());
        if (first.errorClass() == ErrorClass.UNKNOWN || oneRemedy) {
            return first;
        }
        return new Finding(first.task(), first.source(), first.worker(), first.unit(), ErrorClass.UNKNOWN,
                first.evidence(), "different FAQ errors on different sources of one task ("
                + findings.stream().map(f -> f.source() + ": " + f.errorClass().id()).toList()
                + "); one remedy cannot fit all");
    }

    boolean missing() {
        return subtasks.isEmpty();
    }

    TaskObservation observation() {
        if (finding != null) {
            return TaskObservation.ERRORING;
        }
        boolean healthy = !subtasks.isEmpty() && subtasks.stream().allMatch(s -> s.errors().isEmpty()
                && (s.stage() == Stage.RUNNING || s.stage() == Stage.FINISHED));
        return healthy ? TaskObservation.HEALTHY : TaskObservation.OTHER;
    }

    /** The subtask that speaks for the row: the one with the finding, else the first. */
    Subtask representative() {
        if (finding != null) {
            for (Subtask s : subtasks) {
                if (s.source() != null && s.source().equals(finding.source())) {
                    return s;
                }
            }
        }
        return subtasks.isEmpty() ? null : subtasks.get(0);
    }
}
