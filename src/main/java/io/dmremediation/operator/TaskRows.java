package io.dmremediation.operator;

import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.domain.Subtask;
import io.dmremediation.policy.TaskMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Status rows ({@link TaskState}) to and from the policy's {@link TaskMemory}. */
final class TaskRows {

    private TaskRows() {
    }

    static TaskMemory memory(TaskState row) {
        if (row == null) {
            return TaskMemory.NEW;
        }
        List<Instant> pauses = new ArrayList<>();
        if (row.recentPauses != null) {
            row.recentPauses.forEach(p -> pauses.add(Instant.parse(p)));
        }
        return new TaskMemory(time(row.firstSeen), row.errorClass == null || row.errorClass.isEmpty() ? null
                : ErrorClass.fromId(row.errorClass), row.attempts == null ? 0 : row.attempts, time(row.nextAttemptAfter),
                Boolean.TRUE.equals(row.escalated), pauses, time(row.healthySince),
                row.attemptsFor == null ? null : Remedy.fromId(row.attemptsFor));
    }

    /** Writes the memory and what DM shows into the row (display fields included). */
    static void fill(TaskState row, TaskMemory m, TaskView view) {
        row.firstSeen = text(m.firstSeen());
        row.errorClass = m.errorClass() == null ? null : m.errorClass().id();
        row.attempts = m.attempts();
        row.nextAttemptAfter = text(m.nextAttemptAfter());
        row.escalated = m.escalated() ? Boolean.TRUE : null;
        row.healthySince = text(m.healthySince());
        row.attemptsFor = m.attemptsFor() == null ? null : m.attemptsFor().id();
        row.recentPauses = m.recentPauses().stream().map(Instant::toString).toList();
        Subtask rep = view.representative();
        if (rep == null) {
            row.stage = "Missing";
            row.unit = null;
            row.source = null;
        } else {
            row.stage = rep.stage().dmName().isEmpty() ? "Unknown" : rep.stage().dmName();
            row.unit = rep.unit().dmName().isEmpty() ? null : rep.unit().dmName();
            row.source = rep.source();
        }
        if (view.finding() != null) {
            row.source = view.finding().source();
            row.message = view.finding().primary() == null ? view.finding().reason()
                    : shorten(view.finding().primary().text());
        } else {
            row.message = null;
        }
    }

    /** A human asked for another try: attempts, backoff and escalation start over. */
    static void clear(TaskState row) {
        row.attempts = 0;
        row.nextAttemptAfter = null;
        row.escalated = null;
        row.recentPauses = List.of();
        row.decision = null;
        row.attemptsFor = null;
    }

    static String shorten(String text) {
        return text == null || text.length() <= 600 ? text : text.substring(0, 597) + "...";
    }

    private static Instant time(String s) {
        return s == null || s.isEmpty() ? null : Instant.parse(s);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
