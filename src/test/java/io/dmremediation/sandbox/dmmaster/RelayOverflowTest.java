package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.postJson;
import static io.dmremediation.sandbox.dmmaster.SimSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay dir on disk (§7), when DM reads and rewrites relay.meta (§7.2), and the relay writer past 4 GiB with the
 * procedures people try on it (§7.3).
 */
class RelayOverflowTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A file the upstream writes after the three small ones; the fault makes it big. */
    private static final String BIG = "mysql-bin.000004";
    private static final String NEXT = "mysql-bin.000005";
    private static final String UUID = "53ea0ed1-9bf8-11e6-8bea-64006a897c73";
    private static final long LAST_TXN = RelayProcess.LAST_TXN_BELOW_4G;
    private static final long CROSSING_WRAPPED = RelayProcess.CROSSING_EVENT_END & 0xFFFFFFFFL;

    @TempDir
    Path tmp;

    private DmMasterSimulator sim() {
        return sim(Duration.ofMillis(10), Duration.ofMillis(5));
    }

    /** No auto-resume, the clock runs. */
    private DmMasterSimulator sim(Duration autoResumeCheck) {
        return sim(autoResumeCheck, Duration.ofMillis(5));
    }

    /** Clock and auto-resume stopped: the test moves time with {@link DmMasterSimulator#tickNow()}. */
    private DmMasterSimulator stoppedClock() {
        return sim(Duration.ofHours(1), Duration.ofHours(1));
    }

    private DmMasterSimulator sim(Duration autoResumeCheck, Duration tick) {
        return sim(DmVersion.V8_5, autoResumeCheck, tick);
    }

    private DmMasterSimulator sim(DmVersion version, Duration autoResumeCheck, Duration tick) {
        return SimSupport.fast().version(version).autoResumeCheckInterval(autoResumeCheck).tickInterval(tick)
                .worker(WORKER)
                .source(SourceSpec.source(SOURCE).boundTo(WORKER).enableRelay(true).relayBinlogName("mysql-bin.000001")
                        .relayDir(tmp.resolve("relay"))
                        .serverUuid(UUID)
                        .binlogFile("mysql-bin.000001", 4096)
                        .binlogFile("mysql-bin.000002", 1 << 20)
                        .binlogFile("mysql-bin.000003", 8192))
                .build();
    }

    private String meta(DmMasterSimulator sim) throws Exception {
        return Files.readString(sim.relayMetaFile(SOURCE));
    }

    @Test
    void theRelayDirHasDmsLayout() throws Exception {
        try (DmMasterSimulator sim = sim()) {
            await().atMost(WAIT).until(() -> new Position("mysql-bin.000003", 8192).equals(sim.relayPosition(SOURCE)));
            Path root = tmp.resolve("relay");
            String sub = UUID + ".000001";
            assertThat(Files.readString(root.resolve("server-uuid.index"))).isEqualTo(sub + "\n");
            assertThat(sim.relayMetaFile(SOURCE)).isEqualTo(root.resolve(sub).resolve("relay.meta"));
            assertThat(Files.readAllLines(root.resolve(sub).resolve("relay.meta"), StandardCharsets.UTF_8))
                    .containsExactly("binlog-name = \"mysql-bin.000003\"", "binlog-pos = 8192", "binlog-gtid = \"\"");
            for (String f : List.of("mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003")) {
                byte[] head = Files.readAllBytes(root.resolve(sub).resolve(f));
                assertThat(head).containsExactly(0xfe, 'b', 'i', 'n');
            }
        }
    }

    @Test
    void theWriterStopsAt4GibWith30029UnderTheRelayStatus() throws Exception {
        try (DmMasterSimulator sim = sim(Duration.ofHours(1))) {
            sim.startTask(SimSupport.taskYaml("rl-ov", false));
            sim.injectRelayOverflow(SOURCE, BIG);

            JsonNode src = status(sim, "rl-ov").path("sources").path(0);
            JsonNode relay = src.path("sourceStatus").path("relayStatus");
            assertThat(relay.path("stage").asText()).isEqualTo("Paused");
            JsonNode err = relay.path("result").path("errors").path(0);
            assertThat(err.path("ErrCode").asInt()).isEqualTo(30029);
            assertThat(err.path("ErrClass").asText()).isEqualTo("relay-unit");
            // the event's start computed on uint32 header fields wraps below the file offset (§7.3)
            assertThat(err.path("Message").asText()).startsWith("handle a potential duplicate event &{")
                    .contains(": event from " + CROSSING_WRAPPED + " in " + tmp.resolve("relay") + "/" + UUID + ".000001/" + BIG
                            + " diff from passed-in event &{");
            assertThat(src.path("sourceStatus").path("result").isNull()).isTrue();
            // relay.meta holds the writer's position as DM keeps it: uint32, wrapped
            assertThat(meta(sim)).contains("binlog-name = \"" + BIG + "\"").contains("binlog-pos = " + CROSSING_WRAPPED + "\n");

            // subtasks read the relay up to its last complete transaction before 4 GiB, then wait without an error
            await().atMost(WAIT).until(() -> new Position(BIG, LAST_TXN).equals(sim.checkpoint("rl-ov", SOURCE)));
            JsonNode st = SimSupport.subtask(status(sim, "rl-ov"));
            assertThat(st.path("stage").asText()).isEqualTo("Running");
            assertThat(st.path("result").isNull()).isTrue();
            assertThat(st.path("sync").path("binlogType").asText()).isEqualTo("local");

            // OpenAPI only shows the stage, never the relay error (§2.3)
            JsonNode oa = get(sim, "/api/v1/sources/" + SOURCE + "/status").json().path("data").path(0);
            assertThat(oa.path("relay_status").path("stage").asText()).isEqualTo("Paused");
            assertThat(oa.has("error_msg")).isFalse();
            assertThat(get(sim, "/api/v1/tasks/rl-ov/status").json().path("data").path(0).has("error_msg")).isFalse();
        }
    }

    @Test
    void everyAutoResumeRecoversTheFileAndFailsAgainAtTheSamePoint() throws Exception {
        try (DmMasterSimulator sim = sim()) {
            sim.startTask(SimSupport.taskYaml("rl-loop", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            await().atMost(WAIT).until(() -> sim.relayAutoResumeCount(SOURCE) >= 3);
            // each resume runs Relay.process, which recovers the file to its last complete transaction and pulls
            // from there: the same event fails the same check (§7.2, §7.3)
            assertThat(sim.relayStartCount(SOURCE)).isGreaterThanOrEqualTo(3);
            await().atMost(WAIT).until(() -> "Paused".equals(sim.relayStage(SOURCE))
                    && !sim.relayErrors(SOURCE).isEmpty() && sim.relayErrors(SOURCE).get(0).code() == 30029
                    && new Position(BIG, RelayProcess.CROSSING_EVENT_END).equals(sim.relayPosition(SOURCE)));
            assertThat(sim.synced("rl-loop", SOURCE)).isFalse();
        }
    }

    @Test
    void theFaqEditToPositionFourIsUndoneByRecoveryWhileTheFileIsThere() throws Exception {
        try (DmMasterSimulator sim = stoppedClock()) {
            sim.startTask(SimSupport.taskYaml("rl-faq", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            // the FAQ: stop the worker, binlog-pos = 4 in the same file, start the worker
            sim.stopWorker(WORKER);
            sim.editRelayMeta(SOURCE, BIG, 4);
            sim.startWorker(WORKER);
            // recovery parsed the file from 0 and moved to its last complete transaction (relay.go:365-421@v8.5.4):
            // the edit is gone from relay.meta, and the pull goes on from there, not from 4
            assertThat(sim.relayCopySize(SOURCE, BIG)).isEqualTo(LAST_TXN);
            assertThat(meta(sim)).contains("binlog-pos = " + LAST_TXN + "\n");
            assertThat(sim.relayPosition(SOURCE)).isEqualTo(new Position(BIG, LAST_TXN));
            sim.tickNow();
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Paused");
            assertThat(sim.relayErrors(SOURCE).get(0).code()).isEqualTo(30029);
            assertThat(sim.relayPosition(SOURCE)).isEqualTo(new Position(BIG, RelayProcess.CROSSING_EVENT_END));
        }
    }

    @Test
    void withTheFileDeletedTheRePullFromFourFailsAgainPast4Gib() throws Exception {
        try (DmMasterSimulator sim = stoppedClock()) {
            sim.startTask(SimSupport.taskYaml("rl-del", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            sim.stopWorker(WORKER);
            Files.delete(sim.relayMetaFile(SOURCE).resolveSibling(BIG));
            sim.editRelayMeta(SOURCE, BIG, 4);
            sim.startWorker(WORKER);
            // no file to recover: the pull starts at 4 and writes the whole file again (relay.go:443-449@v8.5.4)
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            assertThat(sim.relayPosition(SOURCE)).isEqualTo(new Position(BIG, 4));
            for (int i = 0; i < 20 && "Running".equals(sim.relayStage(SOURCE)); i++) {
                sim.tickNow();
            }
            assertThat(sim.relayErrors(SOURCE).get(0).code()).isEqualTo(30029);
            assertThat(sim.relayPosition(SOURCE)).isEqualTo(new Position(BIG, RelayProcess.CROSSING_EVENT_END));
        }
    }

    @Test
    void theDocsProcedureNextFileAtFourWithTheUpstreamFileCopiedInLetsItContinue() throws Exception {
        try (DmMasterSimulator sim = sim(Duration.ofHours(1))) {
            sim.startTask(SimSupport.taskYaml("rl-docs", false));
            await().atMost(WAIT).until(() -> new Position("mysql-bin.000003", 8192).equals(sim.checkpoint("rl-docs", SOURCE)));
            sim.injectRelayOverflow(SOURCE, BIG);
            // pingcap/docs:dm/dm-error-handling.md: stop the DM-worker, copy the upstream file over 4 GB into the
            // relay dir, relay.meta to the next file at 4, start the DM-worker
            sim.stopWorker(WORKER);
            sim.copyUpstreamFileIntoRelayDir(SOURCE, BIG);
            sim.editRelayMeta(SOURCE, NEXT, 4);
            sim.startWorker(WORKER);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            await().atMost(WAIT).until(() -> sim.synced("rl-docs", SOURCE));
            assertThat(sim.relayErrors(SOURCE)).isEmpty();
            assertThat(sim.subtaskReadsRelay("rl-docs", SOURCE)).isTrue();
        }
    }

    @Test
    void anEditWhileTheRelayUnitRunsIsOverwrittenFromMemory() throws Exception {
        try (DmMasterSimulator sim = sim()) {
            await().atMost(WAIT).until(() -> new Position("mysql-bin.000003", 8192).equals(sim.relayPosition(SOURCE)));
            sim.editRelayMeta(SOURCE, "mysql-bin.000002", 4);
            sim.growBinlog(SOURCE, 4096);
            // the unit flushes its own position (relay.go:860-873@v8.5.4): the edit is gone
            await().atMost(WAIT).until(() -> meta(sim).contains("binlog-pos = 12288\n"));
            assertThat(meta(sim)).contains("binlog-name = \"mysql-bin.000003\"");
        }
    }

    @Test
    void aRelayEnableReadsTheMetaWithoutAWorkerRestart() throws Exception {
        try (DmMasterSimulator sim = stoppedClock()) {
            sim.startTask(SimSupport.taskYaml("rl-en", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            // the no-name stop (source in enable-relay mode): the unit closes and flushes; an edit now sticks
            assertThat(postJson(sim, "/api/v1/sources/" + SOURCE + "/relay/disable", "{\"worker_name_list\": []}")
                    .status()).isEqualTo(200);
            assertThat(sim.relayStage(SOURCE)).isNull();
            sim.copyUpstreamFileIntoRelayDir(SOURCE, BIG);
            sim.editRelayMeta(SOURCE, NEXT, 4);
            assertThat(postJson(sim, "/api/v1/sources/" + SOURCE + "/relay/enable", "{\"worker_name_list\": []}")
                    .status()).isEqualTo(200);
            // a new relay unit read relay.meta when it started (source_worker.go:293-390@v8.5.4)
            assertThat(sim.relayPosition(SOURCE)).isEqualTo(new Position(NEXT, 4));
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            assertThat(sim.workerUp(WORKER)).isTrue();
            for (int i = 0; i < 40 && !sim.masterPosition(SOURCE).equals(sim.checkpoint("rl-en", SOURCE)); i++) {
                sim.tickNow();
            }
            assertThat(sim.checkpoint("rl-en", SOURCE)).as("replicated through the copied file")
                    .isEqualTo(sim.masterPosition(SOURCE));
            assertThat(sim.subtaskErrors("rl-en", SOURCE)).isEmpty();
        }
    }

    @Test
    void aMetaOlderThanTheSubtasksNeedIsPurgedAndResetAtEnable() throws Exception {
        try (DmMasterSimulator sim = sim(Duration.ofHours(1))) {
            sim.startTask(SimSupport.taskYaml("rl-old", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            postJson(sim, "/api/v1/sources/" + SOURCE + "/relay/disable", "{\"worker_name_list\": []}");
            // without relay the subtask reads the upstream, through the big file and past it
            assertThat(sim.subtaskReadsRelay("rl-old", SOURCE)).isFalse();
            await().atMost(WAIT).until(() -> sim.synced("rl-old", SOURCE));
            AutoResumeTest.sleep(100);
            assertThat(sim.flushedCheckpoint("rl-old", SOURCE).file()).isEqualTo(NEXT);
            postJson(sim, "/api/v1/sources/" + SOURCE + "/relay/enable", "{\"worker_name_list\": []}");
            // relay.meta names the big file, the subtasks need the next: the relay dir is purged and the meta reset
            // at (needed file, 4) (isRelayMetaOutdated, relay.go:240-281@v8.5.4)
            assertThat(sim.relayCopySize(SOURCE, BIG)).isEqualTo(-1);
            assertThat(sim.relayCopySize(SOURCE, "mysql-bin.000001")).isEqualTo(-1);
            assertThat(sim.relayErrors(SOURCE)).isEmpty();
            assertThat(sim.relayPosition(SOURCE).file()).isEqualTo(NEXT);
            assertThat(sim.subtaskReadsRelay("rl-old", SOURCE)).isTrue();
            sim.growBinlog(SOURCE, 4096);
            await().atMost(WAIT).until(() -> sim.synced("rl-old", SOURCE));
        }
    }

    @Test
    void aRelayDirOfAnotherUpstreamIsPurgedAtTheFirstStartAfterAnEnable() throws Exception {
        Path root = tmp.resolve("relay");
        Files.createDirectories(root.resolve("aaaaaaaa-0000-0000-0000-000000000000.000001"));
        Files.writeString(root.resolve("server-uuid.index"), "aaaaaaaa-0000-0000-0000-000000000000.000001\n");
        Files.writeString(root.resolve("aaaaaaaa-0000-0000-0000-000000000000.000001").resolve("relay.meta"),
                "binlog-name = \"mysql-bin.000009\"\nbinlog-pos = 77\nbinlog-gtid = \"\"\n");
        try (DmMasterSimulator sim = sim()) {
            // isNewServer (relay/util.go:30-44@v8.5.4) → reSetupMeta with UUIDSuffix set by the enable: purged
            assertThat(Files.exists(root.resolve("aaaaaaaa-0000-0000-0000-000000000000.000001"))).isFalse();
            assertThat(Files.readString(root.resolve("server-uuid.index"))).isEqualTo(UUID + ".000001\n");
            await().atMost(WAIT).until(() -> new Position("mysql-bin.000003", 8192).equals(sim.relayPosition(SOURCE)));
        }
    }

    @Test
    void recoveryOfACopyPastFourGibCutsItAtTheWrappedOffsetAndTheReaderCannotStartInIt() throws Exception {
        try (DmMasterSimulator sim = stoppedClock()) {
            sim.startTask(SimSupport.taskYaml("rl-wrap", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            for (int i = 0; i < 40 && !new Position(BIG, LAST_TXN).equals(sim.checkpoint("rl-wrap", SOURCE)); i++) {
                sim.tickNow();
            }
            // a person copies the whole upstream file in, but leaves relay.meta on the big file itself
            sim.stopWorker(WORKER);
            sim.copyUpstreamFileIntoRelayDir(SOURCE, BIG);
            sim.editRelayMeta(SOURCE, BIG, 4);
            sim.startWorker(WORKER);
            // recovery reads the uint32 LogPos of the file's last transaction: past 4 GiB it wraps, and the copy is
            // cut there (relay.go:443-493@v8.5.4, inference from DM's code, dm-facts §7.2)
            long wrapped = UpstreamBinlog.BIG_FILE_SIZE & 0xFFFFFFFFL;
            assertThat(sim.relayCopySize(SOURCE, BIG)).isEqualTo(wrapped);
            // the pull from there asks the upstream for a position inside an event: 30015 with MySQL's 1236
            assertThat(sim.relayErrors(SOURCE).get(0).code()).isEqualTo(30015);
            assertThat(sim.relayErrors(SOURCE).get(0).rawCause()).contains("binlog truncated in the middle of event");
            // the subtask, re-created at its checkpoint (flushed at close, below 4 GiB but past the cut), cannot open
            // its relay reader there: 11106 (checkRelayPos, local_reader.go:107-124@v8.5.4)
            sim.tickNow();
            assertThat(sim.subtaskStage("rl-wrap", SOURCE)).isEqualTo("Paused");
            assertThat(sim.subtaskErrors("rl-wrap", SOURCE).get(0).code()).isEqualTo(11106);
        }
    }

    @Test
    void aRelayFileCutBackUnderARunningReaderIs11034AndTheReaderGoesOnFromTheUpstream() throws Exception {
        try (DmMasterSimulator sim = sim(DmVersion.V5_4, Duration.ofHours(1), Duration.ofHours(1))) {
            sim.startTask(SimSupport.taskYaml("rl-cut", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            for (int i = 0; i < 40 && !new Position(BIG, LAST_TXN).equals(sim.checkpoint("rl-cut", SOURCE)); i++) {
                sim.tickNow();
            }
            assertThat(sim.subtaskReadsRelay("rl-cut", SOURCE)).isTrue();
            // the whole upstream file copied in while the relay is paused by its error, then resume-relay (v5.4):
            // the relay's recovery cuts the copy at the wrapped offset, under the running reader
            sim.copyUpstreamFileIntoRelayDir(SOURCE, BIG);
            postJson(sim, "/api/v1/sources/" + SOURCE + "/resume-relay", "{}");
            assertThat(sim.relayCopySize(SOURCE, BIG)).isEqualTo(UpstreamBinlog.BIG_FILE_SIZE & 0xFFFFFFFFL);
            // the reader finds the file smaller than its position: 11034 (local_reader.go:673,698@v8.5.4), a read
            // error the syncer retries by reading the upstream (streamer_controller.go:240-287@v8.5.4), which
            // serves the position: no error shows, the subtask goes on from the upstream
            sim.tickNow();
            assertThat(sim.subtaskReadsRelay("rl-cut", SOURCE)).isFalse();
            assertThat(sim.subtaskErrors("rl-cut", SOURCE)).isEmpty();
            for (int i = 0; i < 40 && !sim.masterPosition(SOURCE).equals(sim.checkpoint("rl-cut", SOURCE)); i++) {
                sim.tickNow();
            }
            assertThat(sim.checkpoint("rl-cut", SOURCE)).isEqualTo(sim.masterPosition(SOURCE));
        }
    }

    @Test
    void aRelayReaderStartingPastTheRelayFileFailsWith11106() {
        try (DmMasterSimulator sim = stoppedClock()) {
            sim.startTask(SimSupport.taskYaml("rl-big", false));
            for (int i = 0; i < 10; i++) {
                sim.tickNow();
            }
            sim.stopWorker(WORKER);
            // a stored checkpoint beyond what the relay holds of the file
            sim.editStoredCheckpoint("rl-big", SOURCE, "mysql-bin.000002", (1 << 20) + 100);
            sim.startWorker(WORKER);
            // checkRelayPos fails when the stream opens, returned directly (local_reader.go:107-124@v8.5.4)
            assertThat(sim.subtaskStage("rl-big", SOURCE)).isEqualTo("Paused");
            ProcessError e = sim.subtaskErrors("rl-big", SOURCE).get(0);
            assertThat(e.code()).isEqualTo(11106);
            assertThat(e.message()).isEqualTo("the given relay log pos (mysql-bin.000002, 1048676) of meta config is too"
                    + " big, please check it again");
        }
    }

    @Test
    void relayOverflowNeedsARunningRelay() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            assertThatThrownBy(() -> sim.injectRelayOverflow(SOURCE, BIG)).isInstanceOf(IllegalStateException.class);
            assertThat(sim.relayStage(SOURCE)).isNull();
        }
    }
}
