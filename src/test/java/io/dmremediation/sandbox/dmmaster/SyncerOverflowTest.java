package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.operate;
import static io.dmremediation.sandbox.dmmaster.SimSupport.postJson;
import static io.dmremediation.sandbox.dmmaster.SimSupport.startTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The FAQ's syncer-side 4 GB overflow against a real downstream: the stored position is the true offset mod
 * 2^32; resuming never helps; the fix is a valid position (4) in the file, safe mode, and a re-created subtask.
 */
class SyncerOverflowTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BIG = "mysql-bin.000002";
    private static final long OVERFLOWED = ((1L << 32) + 1_234_567L) & 0xFFFFFFFFL;

    private static DmMasterSimulator sim(boolean relay) {
        return Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, relay)).build();
    }

    @Test
    void readingUpstreamFailsWith36069AndTheOverflowedPositionIsStored() throws Exception {
        Downstream.dropSchema("ov_up");
        try (DmMasterSimulator sim = sim(false)) {
            sim.startTask(SimSupport.taskYaml("ovup", false, "ov_up", SOURCE));
            await().atMost(WAIT).until(() -> sim.synced("ovup", SOURCE));
            sim.injectSyncerOverflow("ovup", SOURCE, BIG);

            assertThat(sim.subtaskStage("ovup", SOURCE)).isEqualTo("Paused");
            ProcessError e = sim.subtaskErrors("ovup", SOURCE).get(0);
            assertThat(e.code()).isEqualTo(36069);
            assertThat(e.message()).startsWith("get binlog event error: ERROR 1236 (HY000): ");
            assertThat(e.rawCause()).isEmpty();
            assertThat(Downstream.rows("ov_up", "ovup", SOURCE)).allSatisfy(r -> {
                assertThat(r.binlogName()).isEqualTo(BIG);
                assertThat(r.binlogPos()).isEqualTo(OVERFLOWED);
            });
            // 36069 is resumable: DM keeps auto-resuming, and it keeps failing
            await().atMost(WAIT).until(() -> sim.autoResumeCount("ovup", SOURCE) >= 2);
            assertThat(sim.subtaskStage("ovup", SOURCE)).isEqualTo("Paused");
        }
    }

    @Test
    void readingRelayTheOverflowEndsAs36069AfterTheFallBackToTheUpstream() throws Exception {
        Downstream.dropSchema("ov_relay");
        try (DmMasterSimulator sim = sim(true)) {
            sim.startTask(SimSupport.taskYaml("ovrelay", false, "ov_relay", SOURCE));
            await().atMost(WAIT).until(() -> sim.synced("ovrelay", SOURCE));
            sim.injectSyncerOverflow("ovrelay", SOURCE, BIG);
            // the relay read fails (11038, retried), the retry reads the upstream, which refuses the position: 36069
            // with MySQL's text in Message (streamer_controller.go:240-287@v8.5.4, syncer.go:2211-2224@v8.5.4)
            ProcessError e = sim.subtaskErrors("ovrelay", SOURCE).get(0);
            assertThat(e.code()).isEqualTo(36069);
            assertThat(e.message()).startsWith("get binlog event error: ERROR 1236 (HY000): binlog truncated in the"
                    + " middle of event");
            assertThat(sim.subtaskReadsRelay("ovrelay", SOURCE)).isFalse();
            assertThat(Downstream.global("ov_relay", "ovrelay", SOURCE).binlogName()).isEqualTo("mysql-bin|000001.000002");
            // 36069 is resumable: every auto-resume opens the relay again, falls back and fails again
            await().atMost(WAIT).until(() -> sim.autoResumeCount("ovrelay", SOURCE) >= 2);
            assertThat(sim.subtaskStage("ovrelay", SOURCE)).isEqualTo("Paused");
            assertThat(sim.subtaskErrors("ovrelay", SOURCE).get(0).code()).isEqualTo(36069);
        }
    }

    @Test
    void theRealRelayParseErrorCarriesItsCauseInRawCauseAndIsAutoResumed() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, true).build()) {
            sim.startTask(SimSupport.taskYaml("ovparse", false));
            ProcessError parse = ErrorCatalog.relayParseChecksum("/var/lib/dm-worker/relay/u.000001", BIG, 555);
            sim.injectError("ovparse", SOURCE, parse, false);
            assertThat(parse.rawCause()).isEqualTo("binlog checksum mismatch, data may be corrupted");
            // unit.IsResumableError matches the text on Message only (unit.go:136-141@v8.5.4): DM keeps resuming it
            await().atMost(WAIT).until(() -> sim.autoResumeCount("ovparse", SOURCE) >= 2);
            assertThat(sim.subtaskErrors("ovparse", SOURCE).get(0).code()).isEqualTo(11038);
        }
    }

    @Test
    void neitherResumeNorAnEditWithoutRecreationClearsIt() throws Exception {
        Downstream.dropSchema("ov_edit");
        try (DmMasterSimulator sim = sim(false)) {
            sim.startTask(SimSupport.taskYaml("ovedit", true, "ov_edit", SOURCE));
            sim.injectSyncerOverflow("ovedit", SOURCE, BIG);
            // OpenAPI stop + fix + start is pause/resume of the same subtask: the in-memory position wins
            postJson(sim, "/api/v1/tasks/ovedit/stop", "{}");
            Downstream.setCheckpoint("ov_edit", "ovedit", SOURCE, BIG, 4);
            postJson(sim, "/api/v1/tasks/ovedit/start", "{}");
            assertThat(sim.subtaskStage("ovedit", SOURCE)).isEqualTo("Paused");
            assertThat(sim.subtaskErrors("ovedit", SOURCE).get(0).code()).isEqualTo(36069);
            // ...and its flush on the failed start put the overflowed position back
            assertThat(Downstream.global("ov_edit", "ovedit", SOURCE).binlogPos()).isEqualTo(OVERFLOWED);
            operate(sim, "ovedit", "Resume");
            assertThat(sim.subtaskStage("ovedit", SOURCE)).isEqualTo("Paused");
        }
    }

    @Test
    void aFixedPositionWithoutSafeModeHitsDuplicateKeys() throws Exception {
        Downstream.dropSchema("ov_unsafe");
        try (DmMasterSimulator sim = sim(false)) {
            sim.startTask(SimSupport.taskYaml("ovunsafe", false, "ov_unsafe", SOURCE));
            sim.injectSyncerOverflow("ovunsafe", SOURCE, BIG);
            operate(sim, "ovunsafe", "Delete");
            Downstream.setCheckpoint("ov_unsafe", "ovunsafe", SOURCE, BIG, 4);
            startTask(sim, SimSupport.taskYaml("ovunsafe", false, "ov_unsafe", SOURCE));
            assertThat(sim.subtaskStage("ovunsafe", SOURCE)).isEqualTo("Paused");
            ProcessError e = sim.subtaskErrors("ovunsafe", SOURCE).get(0);
            assertThat(e.rawCause()).startsWith("Error 1062 (23000): Duplicate entry");
            AutoResumeTest.sleep(200);
            assertThat(sim.autoResumeCount("ovunsafe", SOURCE)).isZero();
        }
    }

    @Test
    void theFaqFixReplaysTheBigFileAndMovesPastIt() throws Exception {
        Downstream.dropSchema("ov_fix");
        try (DmMasterSimulator sim = sim(false)) {
            sim.startTask(SimSupport.taskYaml("ovfix", false, "ov_fix", SOURCE));
            sim.injectSyncerOverflow("ovfix", SOURCE, BIG);
            operate(sim, "ovfix", "Delete");
            Downstream.setCheckpoint("ov_fix", "ovfix", SOURCE, BIG, 4);
            assertThat(startTask(sim, SimSupport.taskYaml("ovfix", true, "ov_fix", SOURCE)).json()
                    .path("result").asBoolean()).isTrue();
            assertThat(sim.subtaskStage("ovfix", SOURCE)).isEqualTo("Running");
            assertThat(sim.safeModeActive("ovfix", SOURCE)).isTrue();
            await().atMost(WAIT).until(() -> sim.synced("ovfix", SOURCE));
            assertThat(sim.checkpoint("ovfix", SOURCE)).isEqualTo(new Position("mysql-bin.000003", 8192));
            assertThat(Downstream.global("ov_fix", "ovfix", SOURCE).binlogName()).isEqualTo("mysql-bin.000003");
            assertThat(sim.replaySkippedEvents("ovfix", SOURCE)).isFalse();
        }
    }

    @Test
    void fixingOnlyTheGlobalRowLeavesTableCheckpointsThatSkipEvents() throws Exception {
        Downstream.dropSchema("ov_global");
        try (DmMasterSimulator sim = sim(false)) {
            sim.startTask(SimSupport.taskYaml("ovglobal", true, "ov_global", SOURCE));
            sim.injectSyncerOverflow("ovglobal", SOURCE, BIG);
            operate(sim, "ovglobal", "Delete");
            Downstream.execute("UPDATE `ov_global`.`ovglobal_syncer_checkpoint` SET binlog_pos = 4 WHERE is_global = 1");
            startTask(sim, SimSupport.taskYaml("ovglobal", true, "ov_global", SOURCE));
            assertThat(sim.subtaskStage("ovglobal", SOURCE)).isEqualTo("Running");
            assertThat(sim.replaySkippedEvents("ovglobal", SOURCE)).isTrue();
        }
    }

    @Test
    void aWorkerRestartRecreatesTheSubtaskFromTheFixedCheckpoint() throws Exception {
        Downstream.dropSchema("ov_worker");
        try (DmMasterSimulator sim = sim(false)) {
            sim.startTask(SimSupport.taskYaml("ovworker", true, "ov_worker", SOURCE));
            sim.injectSyncerOverflow("ovworker", SOURCE, BIG);
            sim.stopWorker(WORKER);
            sim.startWorker(WORKER);
            assertThat(sim.subtaskStage("ovworker", SOURCE)).isEqualTo("Paused");
            assertThat(sim.subtaskErrors("ovworker", SOURCE).get(0).code()).isIn(36069, 11106);

            sim.stopWorker(WORKER);
            Downstream.setCheckpoint("ov_worker", "ovworker", SOURCE, BIG, 4);
            sim.startWorker(WORKER);
            assertThat(sim.subtaskStage("ovworker", SOURCE)).isEqualTo("Running");
            await().atMost(WAIT).until(() -> sim.synced("ovworker", SOURCE));
        }
    }
}
