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

/** The relay dir on disk (§7) and the FAQ's relay-side 4 GB overflow. */
class RelayOverflowTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BIG = "mysql-bin.000002";

    @TempDir
    Path tmp;

    private DmMasterSimulator sim() {
        return SimSupport.fast().version(DmVersion.V8_5).worker(WORKER)
                .source(SourceSpec.source(SOURCE).boundTo(WORKER).enableRelay(true).relayDir(tmp.resolve("relay"))
                        .serverUuid("53ea0ed1-9bf8-11e6-8bea-64006a897c73")
                        .binlogFile("mysql-bin.000001", 4096)
                        .binlogFile("mysql-bin.000002", 1 << 20)
                        .binlogFile("mysql-bin.000003", 8192))
                .build();
    }

    @Test
    void theRelayDirHasDmsLayout() throws Exception {
        try (DmMasterSimulator sim = sim()) {
            await().atMost(WAIT).until(() -> new Position("mysql-bin.000003", 8192).equals(sim.relayPosition(SOURCE)));
            Path root = tmp.resolve("relay");
            String sub = "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001";
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
    void relayOverflowShowsUnderRelayStatusAndStopsTheSubtasks() throws Exception {
        try (DmMasterSimulator sim = sim()) {
            sim.startTask(SimSupport.taskYaml("rl-ov", false));
            await().atMost(WAIT).until(() -> sim.synced("rl-ov", SOURCE));
            sim.injectRelayOverflow(SOURCE, BIG);

            JsonNode src = status(sim, "rl-ov").path("sources").path(0);
            JsonNode relay = src.path("sourceStatus").path("relayStatus");
            assertThat(relay.path("stage").asText()).isEqualTo("Paused");
            JsonNode err = relay.path("result").path("errors").path(0);
            assertThat(err.path("ErrCode").asInt()).isEqualTo(30029);
            assertThat(err.path("ErrClass").asText()).isEqualTo("relay-unit");
            assertThat(err.path("Message").asText()).startsWith("event from ").contains(" diff from passed-in event ");
            assertThat(src.path("sourceStatus").path("result").isNull()).isTrue();
            // the subtask itself has no error: it just does not move
            JsonNode st = SimSupport.subtask(status(sim, "rl-ov"));
            assertThat(st.path("stage").asText()).isEqualTo("Running");
            assertThat(st.path("result").isNull()).isTrue();
            Position held = sim.checkpoint("rl-ov", SOURCE);
            assertThat(held).isEqualTo(new Position(BIG, 4));
            AutoResumeTest.sleep(150);
            assertThat(sim.checkpoint("rl-ov", SOURCE)).isEqualTo(held);
            assertThat(sim.synced("rl-ov", SOURCE)).isFalse();

            // relay.meta holds the overflowed position
            long overflowed = ((1L << 32) + 7_654_321L) & 0xFFFFFFFFL;
            assertThat(Files.readString(sim.relayMetaFile(SOURCE))).contains("binlog-name = \"" + BIG + "\"")
                    .contains("binlog-pos = " + overflowed + "\n");

            // OpenAPI only shows the stage, never the relay error (§2.3)
            JsonNode oa = get(sim, "/api/v1/sources/" + SOURCE + "/status").json().path("data").path(0);
            assertThat(oa.path("relay_status").path("stage").asText()).isEqualTo("Paused");
            assertThat(oa.has("error_msg")).isFalse();
            assertThat(get(sim, "/api/v1/tasks/rl-ov/status").json().path("data").path(0).has("error_msg")).isFalse();
        }
    }

    @Test
    void autoResumeAndAPlainRestartDoNotClearItAFixedRelayMetaDoes() throws Exception {
        try (DmMasterSimulator sim = sim()) {
            sim.startTask(SimSupport.taskYaml("rl-fix", false));
            await().atMost(WAIT).until(() -> sim.synced("rl-fix", SOURCE));
            sim.injectRelayOverflow(SOURCE, BIG);
            await().atMost(WAIT).until(() -> sim.relayAutoResumeCount(SOURCE) >= 2);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Paused");

            sim.restartWorker(WORKER);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Paused");
            assertThat(sim.relayErrors(SOURCE).get(0).code()).isEqualTo(30029);

            // the FAQ: stop the worker, binlog-pos = 4 in relay.meta, start it again
            sim.stopWorker(WORKER);
            sim.editRelayMeta(SOURCE, BIG, 4);
            sim.startWorker(WORKER);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            await().atMost(WAIT).until(() -> sim.synced("rl-fix", SOURCE));
            assertThat(Files.readString(sim.relayMetaFile(SOURCE))).contains("binlog-name = \"mysql-bin.000003\"");
        }
    }

    @Test
    void disableEditEnableAlsoStartsAFreshRelayFromTheMeta() throws Exception {
        try (DmMasterSimulator sim = sim()) {
            sim.startTask(SimSupport.taskYaml("rl-en", false));
            sim.injectRelayOverflow(SOURCE, BIG);
            assertThat(postJson(sim, "/api/v1/sources/" + SOURCE + "/relay/disable", "{}").status()).isEqualTo(200);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Stopped");
            JsonNode relay = status(sim, "rl-en").path("sources").path(0).path("sourceStatus").path("relayStatus");
            assertThat(relay.path("stage").asText()).isEqualTo("Stopped");
            assertThat(relay.path("result").isNull()).isTrue();

            Files.writeString(sim.relayMetaFile(SOURCE),
                    "binlog-name = \"" + BIG + "\"\nbinlog-pos = 4\nbinlog-gtid = \"\"\n");
            assertThat(postJson(sim, "/api/v1/sources/" + SOURCE + "/relay/enable", "{}").status()).isEqualTo(200);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            await().atMost(WAIT).until(() -> sim.synced("rl-en", SOURCE));
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
