package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The FAQ's connection errors as each flavour raises and retries them (§4, §5.2): a failed BEGIN is 10006 up to
 * v8.5 and 10007 after; up to v8.5 a bad connection pauses at once (one reset, which fails while the downstream is
 * still away), after v8.5 the reset is retried 10 × 3 s first, and so is an invalid connection on BEGIN.
 */
class ConnectionErrorsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static DmMasterSimulator sim(DmVersion v) {
        return SimSupport.oneSource(v, false).autoResumeCheckInterval(Duration.ofHours(1))
                .connectionRetryInterval(Duration.ofMillis(40)).build();
    }

    @ParameterizedTest
    @EnumSource(value = DmVersion.class, names = {"V5_4", "V6_1", "V8_5"})
    void upToV85ABadConnectionIs10006OnBeginAndPausesAtOnce(DmVersion v) {
        try (DmMasterSimulator sim = sim(v)) {
            sim.startTask(SimSupport.taskYaml("ce-bad", false));
            sim.injectBadConnection("ce-bad", SOURCE, 0);
            assertThat(sim.subtaskStage("ce-bad", SOURCE)).isEqualTo("Paused");
            ProcessError e = sim.subtaskErrors("ce-bad", SOURCE).get(0);
            assertThat(e.code()).isEqualTo(10006);
            assertThat(e.message()).endsWith("execute statement failed: begin");
            assertThat(e.rawCause()).isEqualTo("driver: bad connection");
        }
    }

    @Test
    void afterV85ABadConnectionIs10007AndIsRetriedBeforeThePause() {
        try (DmMasterSimulator sim = sim(DmVersion.V26_3)) {
            sim.startTask(SimSupport.taskYaml("ce-bad9", false));
            sim.injectBadConnection("ce-bad9", SOURCE, 0);
            // retrying the reset in-process: still Running, no error yet
            assertThat(sim.subtaskStage("ce-bad9", SOURCE)).isEqualTo("Running");
            assertThat(sim.subtaskErrors("ce-bad9", SOURCE)).isEmpty();
            await().atMost(WAIT).until(() -> "Paused".equals(sim.subtaskStage("ce-bad9", SOURCE)));
            ProcessError e = sim.subtaskErrors("ce-bad9", SOURCE).get(0);
            assertThat(e.code()).isEqualTo(10007);
            assertThat(e.message()).endsWith("execute statement failed: begin");
        }
    }

    @ParameterizedTest
    @EnumSource(DmVersion.class)
    void anInvalidConnectionOnCommitPausesAtOnceOnEveryVersion(DmVersion v) {
        try (DmMasterSimulator sim = sim(v)) {
            sim.startTask(SimSupport.taskYaml("ce-inv", false));
            sim.injectInvalidConnection("ce-inv", SOURCE, 0);
            assertThat(sim.subtaskStage("ce-inv", SOURCE)).isEqualTo("Paused");
            assertThat(sim.subtaskErrors("ce-inv", SOURCE).get(0).code()).isEqualTo(10006);
        }
    }

    @Test
    void anInvalidConnectionOnBeginIsRetriedOnlyAfterV85() {
        try (DmMasterSimulator old = sim(DmVersion.V8_5); DmMasterSimulator current = sim(DmVersion.V26_3)) {
            old.startTask(SimSupport.taskYaml("ce-ib", false));
            old.injectInvalidConnectionAtBegin("ce-ib", SOURCE, 0);
            assertThat(old.subtaskStage("ce-ib", SOURCE)).isEqualTo("Paused");
            assertThat(old.subtaskErrors("ce-ib", SOURCE).get(0).code()).isEqualTo(10006);

            current.startTask(SimSupport.taskYaml("ce-ib", false));
            current.injectInvalidConnectionAtBegin("ce-ib", SOURCE, 0);
            assertThat(current.subtaskStage("ce-ib", SOURCE)).isEqualTo("Running");
            await().atMost(WAIT).until(() -> "Paused".equals(current.subtaskStage("ce-ib", SOURCE)));
            assertThat(current.subtaskErrors("ce-ib", SOURCE).get(0).code()).isEqualTo(10007);
        }
    }

    @Test
    void afterV85AnInvalidConnectionOnCommitIsRetriedWhenTheTaskRunsInSafeMode() {
        try (DmMasterSimulator sim = sim(DmVersion.V26_3)) {
            sim.startTask(SimSupport.taskYaml("ce-safe", true));
            sim.injectInvalidConnection("ce-safe", SOURCE, 0);
            assertThat(sim.subtaskStage("ce-safe", SOURCE)).isEqualTo("Running");
            await().atMost(WAIT).until(() -> "Paused".equals(sim.subtaskStage("ce-safe", SOURCE)));
        }
    }
}
