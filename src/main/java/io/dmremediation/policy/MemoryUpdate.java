package io.dmremediation.policy;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Remedy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Folds one poll's observation of a task into its memory. Pure. */
public final class MemoryUpdate {

    /** Never keep more pause times than this, whatever the threshold: status stays small. */
    static final int MAX_PAUSES = 20;

    private MemoryUpdate() {
    }

    /**
     * @param errorClass the finding's class when {@code observation} is ERRORING, else ignored
     */
    public static TaskMemory observe(TaskMemory m, TaskObservation observation, ErrorClass errorClass,
                                     Settings settings, Instant now) {
        return switch (observation) {
            case HEALTHY -> healthy(m, settings, now);
            case ERRORING -> erroring(m, errorClass, now);
            case OTHER -> new TaskMemory(m.firstSeen(), m.errorClass(), m.attempts(), m.nextAttemptAfter(),
                    m.escalated(), m.recentPauses(), null, m.attemptsFor());
        };
    }

    private static TaskMemory healthy(TaskMemory m, Settings settings, Instant now) {
        Instant since = m.healthySince() != null ? m.healthySince() : now;
        int attempts = m.attempts();
        Instant next = m.nextAttemptAfter();
        // Strimzi's rule: a task that has run healthy for a while starts counting attempts from zero again
        if (attempts > 0 && !since.plus(settings.healthyResetAfter()).isAfter(now)) {
            attempts = 0;
            next = null;
        }
        return new TaskMemory(null, null, attempts, next, m.escalated(), m.recentPauses(), since,
                attempts == 0 ? null : m.attemptsFor());
    }

    private static TaskMemory erroring(TaskMemory m, ErrorClass errorClass, Instant now) {
        boolean newEpisode = m.firstSeen() == null || m.errorClass() != errorClass;
        if (!newEpisode) {
            return new TaskMemory(m.firstSeen(), m.errorClass(), m.attempts(), m.nextAttemptAfter(), m.escalated(),
                    m.recentPauses(), null, m.attemptsFor());
        }
        List<Instant> pauses = new ArrayList<>(m.recentPauses());
        pauses.add(now);
        while (pauses.size() > MAX_PAUSES) {
            pauses.remove(0);
        }
        // a problem that needs another procedure (the syncer fix after the relay fix, or after a restart) starts its
        // own count; one that flips between classes with the same procedure keeps counting, so it still escalates
        Remedy counted = m.attemptsFor() != null ? m.attemptsFor()
                : m.errorClass() != null ? m.errorClass().faqRemedy() : null;
        boolean otherProcedure = counted != null && counted != errorClass.faqRemedy();
        int attempts = otherProcedure ? 0 : m.attempts();
        Instant next = otherProcedure ? null : m.nextAttemptAfter();
        return new TaskMemory(now, errorClass, attempts, next, m.escalated(), pauses, null,
                otherProcedure ? null : m.attemptsFor());
    }
}
