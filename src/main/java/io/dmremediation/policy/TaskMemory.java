package io.dmremediation.policy;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Remedy;
import java.time.Instant;
import java.util.List;

/**
 * What the operator remembers about one task between polls (it lives in the resource's status, so a new
 * operator remembers it too). {@code firstSeen}/{@code errorClass} describe the current error episode and are null
 * while the task is healthy; {@code recentPauses} are the starts of error episodes, oldest first;
 * {@code attemptsFor} is the procedure the attempts were counted for.
 */
public record TaskMemory(Instant firstSeen, ErrorClass errorClass, int attempts, Instant nextAttemptAfter,
                         boolean escalated, List<Instant> recentPauses, Instant healthySince, Remedy attemptsFor) {

    public static final TaskMemory NEW = new TaskMemory(null, null, 0, null, false, List.of(), null, null);

    /** Without a record of which procedure the attempts were for. */
    public TaskMemory(Instant firstSeen, ErrorClass errorClass, int attempts, Instant nextAttemptAfter,
                      boolean escalated, List<Instant> recentPauses, Instant healthySince) {
        this(firstSeen, errorClass, attempts, nextAttemptAfter, escalated, recentPauses, healthySince, null);
    }

    public TaskMemory {
        recentPauses = recentPauses == null ? List.of() : List.copyOf(recentPauses);
    }

    public TaskMemory withAttempts(int newAttempts, Instant newNextAttemptAfter) {
        return new TaskMemory(firstSeen, errorClass, newAttempts, newNextAttemptAfter, escalated, recentPauses,
                healthySince, attemptsFor);
    }

    public TaskMemory withEscalated(boolean newEscalated) {
        return new TaskMemory(firstSeen, errorClass, attempts, nextAttemptAfter, newEscalated, recentPauses,
                healthySince, attemptsFor);
    }

    /** A human asked for another try: the count and the escalation start over. */
    public TaskMemory cleared() {
        return new TaskMemory(firstSeen, errorClass, 0, null, false, List.of(), healthySince, null);
    }
}
