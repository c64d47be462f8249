package io.dmremediation.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.diagnosis.ErrorClass;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryUpdateTest {

    static final Instant T0 = Instant.parse("2026-11-27T03:00:00Z");
    final Settings s = Settings.defaults();

    @Test
    void anErrorStartsAnEpisodeOnceAndCountsAPause() {
        TaskMemory m = MemoryUpdate.observe(TaskMemory.NEW, TaskObservation.ERRORING, ErrorClass.INVALID_CONNECTION, s, T0);
        assertThat(m.firstSeen()).isEqualTo(T0);
        assertThat(m.recentPauses()).containsExactly(T0);
        TaskMemory again = MemoryUpdate.observe(m, TaskObservation.ERRORING, ErrorClass.INVALID_CONNECTION, s,
                T0.plusSeconds(10));
        assertThat(again.firstSeen()).isEqualTo(T0);
        assertThat(again.recentPauses()).hasSize(1);
    }

    @Test
    void aRecoveryEndsTheEpisodeAndTheNextPauseCountsAgain() {
        TaskMemory m = MemoryUpdate.observe(TaskMemory.NEW, TaskObservation.ERRORING, ErrorClass.INVALID_CONNECTION, s, T0);
        m = MemoryUpdate.observe(m, TaskObservation.HEALTHY, null, s, T0.plusSeconds(10));
        assertThat(m.firstSeen()).isNull();
        assertThat(m.healthySince()).isEqualTo(T0.plusSeconds(10));
        m = MemoryUpdate.observe(m, TaskObservation.ERRORING, ErrorClass.INVALID_CONNECTION, s, T0.plusSeconds(20));
        assertThat(m.firstSeen()).isEqualTo(T0.plusSeconds(20));
        assertThat(m.recentPauses()).containsExactly(T0, T0.plusSeconds(20));
        assertThat(m.healthySince()).isNull();
    }

    @Test
    void attemptsResetAfterRunningHealthyLongEnough() {
        TaskMemory m = new TaskMemory(null, null, 3, T0.plusSeconds(60), false, List.of(), T0);
        TaskMemory early = MemoryUpdate.observe(m, TaskObservation.HEALTHY, null, s, T0.plus(Duration.ofMinutes(9)));
        assertThat(early.attempts()).isEqualTo(3);
        TaskMemory late = MemoryUpdate.observe(m, TaskObservation.HEALTHY, null, s, T0.plus(Duration.ofMinutes(10)));
        assertThat(late.attempts()).isZero();
        assertThat(late.nextAttemptAfter()).isNull();
    }

    @Test
    void escalationSurvivesHealth() {
        TaskMemory m = new TaskMemory(null, null, 1, null, true, List.of(), T0);
        TaskMemory later = MemoryUpdate.observe(m, TaskObservation.HEALTHY, null, s, T0.plus(Duration.ofHours(2)));
        assertThat(later.escalated()).isTrue();
    }

    @Test
    void pauseListIsBounded() {
        TaskMemory m = TaskMemory.NEW;
        for (int i = 0; i < 50; i++) {
            m = MemoryUpdate.observe(m, TaskObservation.ERRORING, ErrorClass.BAD_CONNECTION, s, T0.plusSeconds(i * 2L));
            m = MemoryUpdate.observe(m, TaskObservation.HEALTHY, null, s, T0.plusSeconds(i * 2L + 1));
        }
        assertThat(m.recentPauses()).hasSize(MemoryUpdate.MAX_PAUSES);
        assertThat(m.recentPauses().get(MemoryUpdate.MAX_PAUSES - 1)).isEqualTo(T0.plusSeconds(98));
    }

    @Test
    void otherStatesInterruptHealth() {
        TaskMemory m = new TaskMemory(null, null, 2, null, false, List.of(), T0);
        TaskMemory other = MemoryUpdate.observe(m, TaskObservation.OTHER, null, s, T0.plusSeconds(5));
        assertThat(other.healthySince()).isNull();
        assertThat(other.attempts()).isEqualTo(2);
    }

    @Test
    void anotherProcedureStartsItsOwnCountButTheSameProcedureKeepsCounting() {
        TaskMemory relay = new TaskMemory(T0, ErrorClass.RELAY_BINLOG_OVERFLOW, 1, T0.plusSeconds(30), false,
                List.of(T0), null);
        TaskMemory syncer = MemoryUpdate.observe(relay, TaskObservation.ERRORING, ErrorClass.SYNCER_BINLOG_OVERFLOW, s,
                T0.plusSeconds(5));
        assertThat(syncer.attempts()).isZero();
        assertThat(syncer.nextAttemptAfter()).isNull();
        TaskMemory invalid = new TaskMemory(T0, ErrorClass.INVALID_CONNECTION, 3, T0.plusSeconds(30), false,
                List.of(T0), null);
        TaskMemory bad = MemoryUpdate.observe(invalid, TaskObservation.ERRORING, ErrorClass.BAD_CONNECTION, s,
                T0.plusSeconds(5));
        assertThat(bad.attempts()).isEqualTo(3);
        assertThat(bad.firstSeen()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void attemptsOfARestartDoNotCountAgainstALaterCheckpointFix() {
        TaskMemory afterRestart = new TaskMemory(null, null, 1, T0.plusSeconds(30), false, List.of(T0), T0,
                io.dmremediation.diagnosis.Remedy.RESTART_TASK);
        TaskMemory overflow = MemoryUpdate.observe(afterRestart, TaskObservation.ERRORING,
                ErrorClass.SYNCER_BINLOG_OVERFLOW, s, T0.plusSeconds(10));
        assertThat(overflow.attempts()).isZero();
        assertThat(overflow.attemptsFor()).isNull();
        TaskMemory sameAgain = MemoryUpdate.observe(afterRestart, TaskObservation.ERRORING,
                ErrorClass.INVALID_CONNECTION, s, T0.plusSeconds(10));
        assertThat(sameAgain.attempts()).isEqualTo(1);
        assertThat(sameAgain.attemptsFor()).isEqualTo(io.dmremediation.diagnosis.Remedy.RESTART_TASK);
    }
}
