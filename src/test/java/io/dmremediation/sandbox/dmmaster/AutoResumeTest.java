package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.operate;
import static io.dmremediation.sandbox.dmmaster.SimSupport.startTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DM's auto-resume (§5.1) against the connection faults of the FAQ and their look-alikes. */
class AutoResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void transientInvalidConnectionIsClearedByTheFirstAutoResume() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-once", false));
            sim.injectInvalidConnection("ar-once", SOURCE, 0);
            // the first auto-resume has no backoff: the checker may have resumed it already, never before it paused
            String stage = sim.subtaskStage("ar-once", SOURCE);
            assertThat(stage).isIn("Paused", "Running");
            if ("Running".equals(stage)) {
                assertThat(sim.autoResumeCount("ar-once", SOURCE)).isEqualTo(1);
            }
            await().atMost(WAIT).until(() -> "Running".equals(sim.subtaskStage("ar-once", SOURCE)));
            assertThat(sim.autoResumeCount("ar-once", SOURCE)).isEqualTo(1);
            assertThat(sim.subtaskErrors("ar-once", SOURCE)).isEmpty();
            assertThat(sim.startCount("ar-once")).isEqualTo(1);
        }
    }

    @Test
    void recurringInvalidConnectionFailsAgainAsManyTimesAsAsked() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-twice", false));
            sim.injectInvalidConnection("ar-twice", SOURCE, 2);
            await().atMost(WAIT).until(() -> "Running".equals(sim.subtaskStage("ar-twice", SOURCE)));
            assertThat(sim.autoResumeCount("ar-twice", SOURCE)).isEqualTo(3);
        }
    }

    @Test
    void persistentBadConnectionSurvivesEveryResumeAndClearsOnlyByStopAndStart() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-forever", false));
            sim.injectBadConnection("ar-forever", SOURCE, Integer.MAX_VALUE);
            await().atMost(WAIT).until(() -> sim.autoResumeCount("ar-forever", SOURCE) >= 3);
            assertThat(sim.subtaskStage("ar-forever", SOURCE)).isEqualTo("Paused");
            assertThat(sim.subtaskErrors("ar-forever", SOURCE).get(0).rawCause()).isEqualTo("driver: bad connection");

            operate(sim, "ar-forever", "Resume");
            assertThat(sim.subtaskStage("ar-forever", SOURCE)).isEqualTo("Paused");

            operate(sim, "ar-forever", "Delete");
            assertThat(startTask(sim, SimSupport.taskYaml("ar-forever", false)).json().path("result").asBoolean()).isTrue();
            assertThat(sim.subtaskStage("ar-forever", SOURCE)).isEqualTo("Running");
            assertThat(sim.autoResumeCount("ar-forever", SOURCE)).isZero();
        }
    }

    @Test
    void workerRestartAlsoRecreatesTheSubtaskWithFreshConnections() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-restart", false));
            sim.injectInvalidConnection("ar-restart", SOURCE, Integer.MAX_VALUE);
            sim.restartWorker(SimSupport.WORKER);
            assertThat(sim.subtaskStage("ar-restart", SOURCE)).isEqualTo("Running");
        }
    }

    @Test
    void duplicateEntryIsNotResumable() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-dup", false));
            sim.injectError("ar-dup", SOURCE, ErrorCatalog.duplicateEntry(new Position("mysql-bin.000001", 4),
                    "`shop`.`orders`"), true);
            sleep(200);
            assertThat(sim.subtaskStage("ar-dup", SOURCE)).isEqualTo("Paused");
            assertThat(sim.autoResumeCount("ar-dup", SOURCE)).isZero();
            // a human resume is still possible, and this fault clears on resume
            operate(sim, "ar-dup", "Resume");
            assertThat(sim.subtaskStage("ar-dup", SOURCE)).isEqualTo("Running");
        }
    }

    @Test
    void purgedBinlogLookAlikeIsJudgedOnRawCauseOnly() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-purged", false));
            // 36069 is Generated: the upstream text sits in Message, so DM still auto-resumes it (§4, §5.1)
            sim.injectError("ar-purged", SOURCE, ErrorCatalog.syncerGetEvent(ErrorCatalog.mysqlPurged()), false);
            await().atMost(WAIT).until(() -> sim.autoResumeCount("ar-purged", SOURCE) >= 2);
            assertThat(sim.subtaskStage("ar-purged", SOURCE)).isEqualTo("Paused");
        }
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-purged2", false));
            sim.injectError("ar-purged2", SOURCE, ProcessError.of(30015, "relay-unit", "upstream", "high",
                    "TCPReader get relay event with error", ErrorCatalog.mysqlPurged()), false);
            sleep(200);
            assertThat(sim.autoResumeCount("ar-purged2", SOURCE)).isZero();
        }
    }

    @Test
    void aTaskPausedByAHumanIsNeverAutoResumed() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("ar-human", false));
            sim.pauseByHuman("ar-human");
            sleep(200);
            assertThat(sim.subtaskStage("ar-human", SOURCE)).isEqualTo("Paused");
            assertThat(sim.subtaskCanceled("ar-human", SOURCE)).isTrue();
            assertThat(sim.subtaskErrors("ar-human", SOURCE)).isEmpty();
            assertThat(sim.autoResumeCount("ar-human", SOURCE)).isZero();
            assertThatThrownBy(() -> sim.pauseByHuman("nope")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void backoffSlowsAutoResumesDown() {
        // backoff 50 ms doubling to 400 ms: after the first resume the next ones wait 100, 200 and 400 ms, so
        // the fourth comes at least 700 ms after the fault; the checker runs every 10 ms, so without backoff
        // four resumes would take some 40 ms. A lower bound on elapsed time cannot fail on a slow machine.
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false)
                .autoResumeBackoff(Duration.ofMillis(50), Duration.ofMillis(400)).build()) {
            sim.startTask(SimSupport.taskYaml("ar-backoff", false));
            long t0 = System.nanoTime();
            sim.injectInvalidConnection("ar-backoff", SOURCE, Integer.MAX_VALUE);
            await().atMost(Duration.ofSeconds(30)).until(() -> sim.autoResumeCount("ar-backoff", SOURCE) >= 4);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
