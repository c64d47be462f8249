package io.dmremediation.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeciderTest {

    static final Instant T0 = Instant.parse("2026-11-27T03:00:00Z");
    final Settings settings = Settings.defaults();

    static Finding finding(ErrorClass c) {
        return new Finding("orders", "mysql-01", "w0", Unit.SYNC, c, List.of(DmError.ofText("x")), "because");
    }

    static TaskMemory seenAt(Instant first, ErrorClass c) {
        return new TaskMemory(first, c, 0, null, false, List.of(first), null);
    }

    @Test
    void waitsForDmAutoResumeOnInvalidConnection() {
        Decision d = Decider.decide(finding(ErrorClass.INVALID_CONNECTION), seenAt(T0, ErrorClass.INVALID_CONNECTION),
                settings, DecisionContext.FREE, T0.plusSeconds(60));
        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(((Decision.Wait) d).until()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
        assertThat(d.reason()).contains("auto-resume");
    }

    @Test
    void actsOnceTheWaitIsOver() {
        Decision d = Decider.decide(finding(ErrorClass.INVALID_CONNECTION), seenAt(T0, ErrorClass.INVALID_CONNECTION),
                settings, DecisionContext.FREE, T0.plus(Duration.ofMinutes(2)));
        assertThat(d).isEqualTo(new Decision.Act(Remedy.RESTART_TASK, 1,
                "invalid-connection on task orders source mysql-01, attempt 1 of 5"));
    }

    @Test
    void badConnectionWaitsOnlyThirtySeconds() {
        TaskMemory m = seenAt(T0, ErrorClass.BAD_CONNECTION);
        assertThat(Decider.decide(finding(ErrorClass.BAD_CONNECTION), m, settings, DecisionContext.FREE,
                T0.plusSeconds(29))).isInstanceOf(Decision.Wait.class);
        assertThat(Decider.decide(finding(ErrorClass.BAD_CONNECTION), m, settings, DecisionContext.FREE,
                T0.plusSeconds(30))).isInstanceOf(Decision.Act.class);
    }

    @Test
    void actsSoonerWhenTheTaskPausedAgainAndAgain() {
        Instant now = T0.plus(Duration.ofMinutes(5));
        TaskMemory m = new TaskMemory(now.minusSeconds(5), ErrorClass.INVALID_CONNECTION, 0, null, false,
                List.of(T0, T0.plus(Duration.ofMinutes(2)), now.minusSeconds(5)), null);
        assertThat(Decider.decide(finding(ErrorClass.INVALID_CONNECTION), m, settings, DecisionContext.FREE, now))
                .isInstanceOf(Decision.Act.class);
    }

    @Test
    void pausesOutsideTheWindowDoNotCount() {
        Instant now = T0.plus(Duration.ofMinutes(30));
        TaskMemory m = new TaskMemory(now.minusSeconds(5), ErrorClass.INVALID_CONNECTION, 0, null, false,
                List.of(T0, T0.plusSeconds(60), now.minusSeconds(5)), null);
        assertThat(Decider.decide(finding(ErrorClass.INVALID_CONNECTION), m, settings, DecisionContext.FREE, now))
                .isInstanceOf(Decision.Wait.class);
    }

    @Test
    void overflowActsAtOnce() {
        Decision d = Decider.decide(finding(ErrorClass.SYNCER_BINLOG_OVERFLOW),
                seenAt(T0, ErrorClass.SYNCER_BINLOG_OVERFLOW), settings, DecisionContext.FREE, T0);
        assertThat(d).isInstanceOf(Decision.Act.class);
        assertThat(((Decision.Act) d).playbook()).isEqualTo(Remedy.FIX_SYNCER_CHECKPOINT);
    }

    @Test
    void unknownIsNeverActedOn() {
        Decision d = Decider.decide(finding(ErrorClass.UNKNOWN), seenAt(T0.minus(Duration.ofDays(1)), ErrorClass.UNKNOWN),
                settings, DecisionContext.FREE, T0);
        assertThat(d).isInstanceOf(Decision.Skip.class);
        assertThat(((Decision.Skip) d).why()).isEqualTo(Decision.Why.NOT_FAQ);
    }

    @Test
    void backoffAfterAnAttempt() {
        TaskMemory m = seenAt(T0, ErrorClass.BAD_CONNECTION).withAttempts(1, T0.plus(Duration.ofMinutes(3)));
        Decision d = Decider.decide(finding(ErrorClass.BAD_CONNECTION), m, settings, DecisionContext.FREE,
                T0.plus(Duration.ofMinutes(1)));
        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(d.reason()).contains("backoff after attempt 1");
        Decision later = Decider.decide(finding(ErrorClass.BAD_CONNECTION), m, settings, DecisionContext.FREE,
                T0.plus(Duration.ofMinutes(3)));
        assertThat(later).isEqualTo(new Decision.Act(Remedy.RESTART_TASK, 2,
                "bad-connection on task orders source mysql-01, attempt 2 of 5"));
    }

    @Test
    void escalatesAtMaxAttemptsAndThenStaysQuiet() {
        TaskMemory m = seenAt(T0, ErrorClass.SYNCER_BINLOG_OVERFLOW).withAttempts(1, null);
        Decision d = Decider.decide(finding(ErrorClass.SYNCER_BINLOG_OVERFLOW), m, settings, DecisionContext.FREE, T0);
        assertThat(d).isInstanceOf(Decision.Escalate.class);
        assertThat(d.reason()).contains("1 of 1");
        Decision after = Decider.decide(finding(ErrorClass.SYNCER_BINLOG_OVERFLOW), m.withEscalated(true), settings,
                DecisionContext.FREE, T0);
        assertThat(after).isInstanceOf(Decision.Skip.class);
        assertThat(((Decision.Skip) after).why()).isEqualTo(Decision.Why.ESCALATED);
        assertThat(Decider.decide(finding(ErrorClass.SYNCER_BINLOG_OVERFLOW), m.withEscalated(true).cleared(), settings,
                DecisionContext.FREE, T0)).isInstanceOf(Decision.Act.class);
    }

    @Test
    void skipsForPausedSpecHumanPauseInFlightAndBlastRadius() {
        TaskMemory m = seenAt(T0, ErrorClass.SYNCER_BINLOG_OVERFLOW);
        Finding f = finding(ErrorClass.SYNCER_BINLOG_OVERFLOW);
        Settings paused = new Settings(settings.policies(), settings.backoff(), settings.healthyResetAfter(), true,
                false, 1, settings.pollInterval(), settings.verifyTimeout());
        assertThat(why(Decider.decide(f, m, paused, DecisionContext.FREE, T0))).isEqualTo(Decision.Why.SPEC_PAUSED);
        assertThat(why(Decider.decide(f, m, settings, new DecisionContext(true, false, 0, null), T0)))
                .isEqualTo(Decision.Why.HUMAN_PAUSED);
        assertThat(why(Decider.decide(f, m, settings, new DecisionContext(false, true, 1, null), T0)))
                .isEqualTo(Decision.Why.IN_FLIGHT);
        assertThat(why(Decider.decide(f, m, settings, new DecisionContext(false, false, 1, null), T0)))
                .isEqualTo(Decision.Why.BLAST_RADIUS);
        assertThat(why(Decider.decide(f, m, settings, new DecisionContext(false, false, 0, "no Secret"), T0)))
                .isEqualTo(Decision.Why.NOT_CONFIGURED);
    }

    @Test
    void dryRunPlansInsteadOfActing() {
        Settings dry = new Settings(settings.policies(), settings.backoff(), settings.healthyResetAfter(), false,
                true, 1, settings.pollInterval(), settings.verifyTimeout());
        Decision d = Decider.decide(finding(ErrorClass.SYNCER_BINLOG_OVERFLOW),
                seenAt(T0, ErrorClass.SYNCER_BINLOG_OVERFLOW), dry, DecisionContext.FREE, T0);
        assertThat(d).isInstanceOf(Decision.Planned.class);
        assertThat(d.reason()).startsWith("dry run: would run FixSyncerCheckpoint");
    }

    @Test
    void policyNoneOnlyReports() {
        var policies = new java.util.EnumMap<>(settings.policies());
        policies.put(ErrorClass.BAD_CONNECTION, new ClassPolicy(Remedy.NONE, Duration.ZERO, 5, 3,
                Duration.ofMinutes(10), false));
        Settings none = new Settings(policies, settings.backoff(), settings.healthyResetAfter(), false, false, 1,
                settings.pollInterval(), settings.verifyTimeout());
        assertThat(why(Decider.decide(finding(ErrorClass.BAD_CONNECTION), seenAt(T0, ErrorClass.BAD_CONNECTION), none,
                DecisionContext.FREE, T0.plus(Duration.ofHours(1))))).isEqualTo(Decision.Why.POLICY_NONE);
    }

    private static Decision.Why why(Decision d) {
        assertThat(d).isInstanceOf(Decision.Skip.class);
        return ((Decision.Skip) d).why();
    }
}
