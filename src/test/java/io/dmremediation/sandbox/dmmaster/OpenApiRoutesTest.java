package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.postJson;
import static io.dmremediation.sandbox.dmmaster.SimSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAPI /api/v1 (§2): v6+ routes and semantics, the v5.x ones, and OpenAPI switched off. */
class OpenApiRoutesTest {

    @Test
    void openApiOffIsNotFound() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).openApi(false).build()) {
            SimSupport.Reply r = get(sim, "/api/v1/tasks");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).startsWith("404 page not found");
            assertThat(get(sim, "/api/v1/dm.json").status()).isEqualTo(404);
            assertThat(get(sim, "/apis/v1alpha1/members").status()).isEqualTo(200);
        }
        // DM-master's own default is openapi = false
        try (DmMasterSimulator sim = DmMasterSimulator.builder().build()) {
            assertThat(sim.openApiEnabled()).isFalse();
            assertThat(get(sim, "/api/v1/cluster/masters").status()).isEqualTo(404);
        }
    }

    @Test
    void specListsTheVersionsPaths() {
        try (DmMasterSimulator v8 = SimSupport.oneSource(DmVersion.V8_5, false).build();
             DmMasterSimulator v5 = SimSupport.oneSource(DmVersion.V5_4, false).build()) {
            JsonNode p8 = get(v8, "/api/v1/dm.json").json().path("paths");
            assertThat(p8.has("/api/v1/tasks/{task-name}/start")).isTrue();
            assertThat(p8.has("/api/v1/sources/{source-name}/relay/enable")).isTrue();
            assertThat(p8.path("/api/v1/tasks/{task-name}").has("put")).isTrue();
            assertThat(p8.has("/api/v1/tasks/{task-name}/pause")).isFalse();
            JsonNode p5 = get(v5, "/api/v1/dm.json").json().path("paths");
            assertThat(p5.has("/api/v1/tasks/{task-name}/pause")).isTrue();
            assertThat(p5.has("/api/v1/sources/{source-name}/start-relay")).isTrue();
            assertThat(p5.has("/api/v1/tasks/{task-name}/start")).isFalse();
            assertThat(post(v5, "/api/v1/tasks/x/start", "{}").status()).isEqualTo(404);
        }
    }

    @Test
    void statusHasDmsKeysAndTerrorLinesOnV85() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-status", false));
            sim.injectInvalidConnection("oa-status", SOURCE, Integer.MAX_VALUE);
            JsonNode body = get(sim, "/api/v1/tasks/oa-status/status").json();
            assertThat(body.path("total").asInt()).isEqualTo(1);
            JsonNode st = body.path("data").path(0);
            assertThat(keys(st)).containsExactly("error_msg", "name", "source_name", "stage", "sync_status", "unit",
                    "unresolved_ddl_lock_id", "worker_name");
            assertThat(st.path("stage").asText()).isEqualTo("Paused");
            assertThat(st.path("unit").asText()).isEqualTo("Sync");
            assertThat(st.path("worker_name").asText()).isEqualTo(WORKER);
            assertThat(st.path("error_msg").asText())
                    .startsWith("[code=10006:class=database:scope=not-set:level=high], Message: startLocation: ")
                    .endsWith("execute statement failed: commit, RawCause: invalid connection.\n");
            JsonNode sync = st.path("sync_status");
            assertThat(sync.path("total_events").isNumber()).isTrue();
            assertThat(sync.path("blocking_ddls").isNull()).isTrue();
            assertThat(sync.path("binlog_type").asText()).isEqualTo("remote");
        }
    }

    @Test
    void v61ErrorMsgIsMessageOnlyAndV54HasNone() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V6_1, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-61", false));
            sim.injectBadConnection("oa-61", SOURCE, Integer.MAX_VALUE);
            String msg = get(sim, "/api/v1/tasks/oa-61/status").json().path("data").path(0).path("error_msg").asText();
            assertThat(msg).startsWith("startLocation: ").endsWith("execute statement failed: begin\n")
                    .doesNotContain("code=").doesNotContain("RawCause");
        }
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V5_4, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-54", false));
            sim.injectBadConnection("oa-54", SOURCE, Integer.MAX_VALUE);
            JsonNode st = get(sim, "/api/v1/tasks/oa-54/status").json().path("data").path(0);
            assertThat(st.path("stage").asText()).isEqualTo("Paused");
            assertThat(st.has("error_msg")).isFalse();
        }
    }

    /** v6.0-v6.5.1 panic in the spec route without a TiUP topology (seen on real DM v6.5.0): 500, no body. */
    @Test
    void v61SpecRoutePanicsButItsTaskRoutesAnswer() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V6_1, false).build()) {
            SimSupport.Reply spec = get(sim, "/api/v1/dm.json");
            assertThat(spec.status()).isEqualTo(500);
            assertThat(spec.body()).isEmpty();
            SimSupport.Reply task = get(sim, "/api/v1/tasks/no-such-task");
            assertThat(task.status()).isEqualTo(400);
            assertThat(task.json().path("error_code").asInt()).isEqualTo(46018);
        }
    }

    @Test
    void unknownTaskIs46018() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            SimSupport.Reply r = get(sim, "/api/v1/tasks/ghost/status");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error_code").asInt()).isEqualTo(46018);
            assertThat(r.json().path("error_msg").asText()).isEqualTo("[code=46018:class=scheduler:scope=internal:"
                    + "level=medium], Message: task with name ghost not exist, Workaround: Please use `query-status`"
                    + " command to see tasks.");
            assertThat(get(sim, "/api/v1/tasks/ghost").json().path("error_code").asInt()).isEqualTo(46018);
            // start/stop of an unknown task find no sources and do nothing: 200
            assertThat(post(sim, "/api/v1/tasks/ghost/start", "{}").status()).isEqualTo(200);
            assertThat(post(sim, "/api/v1/tasks/ghost/stop", "{}").status()).isEqualTo(200);
        }
    }

    @Test
    void stopPausesTheSameSubtaskAndStartResumesItWithoutReloadingTheCheckpoint() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).tickInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("oa-stop", false));
            assertThat(post(sim, "/api/v1/tasks/oa-stop/stop", "{}").status()).isEqualTo(200);
            JsonNode st = get(sim, "/api/v1/tasks/oa-stop/status").json().path("data").path(0);
            assertThat(st.path("stage").asText()).isEqualTo("Paused");
            assertThat(st.has("error_msg")).isFalse();
            JsonNode gw = SimSupport.subtask(SimSupport.status(sim, "oa-stop"));
            assertThat(gw.path("result").path("isCanceled").asBoolean()).isTrue();
            assertThat(sim.taskExists("oa-stop")).isTrue();

            sim.editStoredCheckpoint("oa-stop", SOURCE, "mysql-bin.000003", 4);
            assertThat(post(sim, "/api/v1/tasks/oa-stop/start", "{}").status()).isEqualTo(200);
            assertThat(sim.subtaskStage("oa-stop", SOURCE)).isEqualTo("Running");
            assertThat(sim.checkpoint("oa-stop", SOURCE)).isEqualTo(new Position("mysql-bin.000001", 4));
            assertThat(sim.resumeCount("oa-stop", SOURCE)).isEqualTo(1);
            assertThat(sim.startCount("oa-stop")).isEqualTo(1);
        }
    }

    @Test
    void ginBindingRejectsAnEmptyJsonBodyButIgnoresANonJsonOne() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-bind", false));
            SimSupport.Reply empty = send(sim, "POST", "/api/v1/tasks/oa-bind/stop", "", "application/json");
            assertThat(empty.status()).isEqualTo(400);
            assertThat(empty.json().path("error_msg").asText()).isEqualTo("EOF");
            assertThat(empty.json().path("error_code").asInt()).isZero();
            assertThat(sim.subtaskStage("oa-bind", SOURCE)).isEqualTo("Running");

            SimSupport.Reply noType = send(sim, "POST", "/api/v1/tasks/oa-bind/stop", null, null);
            assertThat(noType.status()).isEqualTo(200);
            assertThat(noType.body()).isEmpty();
            assertThat(sim.subtaskStage("oa-bind", SOURCE)).isEqualTo("Paused");
        }
    }

    @Test
    void incrementalTaskWithoutMetaNeedsStartTimeToStart() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            String noMeta = SimSupport.taskYaml("oa-meta", false).replace(
                    "    meta:\n      binlog-name: mysql-bin.000001\n      binlog-pos: 4\n", "");
            sim.startTask(noMeta);
            post(sim, "/api/v1/tasks/oa-meta/stop", "{}");
            SimSupport.Reply r = post(sim, "/api/v1/tasks/oa-meta/start", "{}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error_code").asInt()).isEqualTo(20022);
            assertThat(r.json().path("error_msg").asText()).contains("mysql-instance(%!d(string=" + SOURCE + "))");
            assertThat(post(sim, "/api/v1/tasks/oa-meta/start", "{\"start_time\": \"2026-01-01 00:00:00\"}").status())
                    .isEqualTo(200);
            assertThat(sim.subtaskStage("oa-meta", SOURCE)).isEqualTo("Running");
        }
    }

    @Test
    void listAndGetTasks() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-list", false));
            JsonNode list = get(sim, "/api/v1/tasks").json();
            assertThat(list.path("total").asInt()).isEqualTo(1);
            JsonNode task = list.path("data").path(0);
            assertThat(task.path("name").asText()).isEqualTo("oa-list");
            assertThat(task.path("task_mode").asText()).isEqualTo("incremental");
            assertThat(task.path("meta_schema").asText()).isEqualTo("dm_meta");
            assertThat(task.path("target_config").path("password").asText()).isEqualTo("******");
            assertThat(task.path("source_config").path("source_conf").path(0).path("source_name").asText()).isEqualTo(SOURCE);
            assertThat(task.has("status_list")).isFalse();
            JsonNode withStatus = get(sim, "/api/v1/tasks?with_status=true").json().path("data").path(0);
            assertThat(withStatus.path("status_list").path(0).path("stage").asText()).isEqualTo("Running");

            assertThat(get(sim, "/api/v1/tasks?stage=Running").json().path("total").asInt()).isEqualTo(1);
            assertThat(get(sim, "/api/v1/tasks?stage=Stopped").json().path("total").asInt()).isZero();
            assertThat(get(sim, "/api/v1/tasks?stage=Paused").status()).isEqualTo(400);

            JsonNode one = get(sim, "/api/v1/tasks/oa-list?with_status=true").json();
            assertThat(one.path("name").asText()).isEqualTo("oa-list");
            assertThat(one.path("status_list")).hasSize(1);
        }
    }

    @Test
    void updateIsRefusedWhileRunningAndTurnsSafeModeOff() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-upd", true));
            String task = get(sim, "/api/v1/tasks/oa-upd").body();
            String body = "{\"task\": " + task + "}";
            SimSupport.Reply running = SimSupport.putJson(sim, "/api/v1/tasks/oa-upd", body);
            assertThat(running.status()).isEqualTo(400);
            assertThat(running.json().path("error_code").asInt()).isEqualTo(46035);

            post(sim, "/api/v1/tasks/oa-upd/stop", "{}");
            SimSupport.Reply ok = SimSupport.putJson(sim, "/api/v1/tasks/oa-upd", body);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.json().path("check_result").asText()).isEqualTo("pre-check is passed. ");
            // OpenAPI's Task has no safe-mode on v6–v8.5: the rebuilt config runs without it (§8)
            assertThat(sim.taskSafeMode("oa-upd", SOURCE)).isFalse();
            assertThat(sim.taskConfig("oa-upd")).contains("s3cret-pw");
            assertThat(sim.safeModeActive("oa-upd", SOURCE)).isTrue();
            post(sim, "/api/v1/tasks/oa-upd/start", "{}");
            assertThat(sim.safeModeActive("oa-upd", SOURCE)).isFalse();
        }
    }

    @Test
    void v6DeleteNeedsAStoppedTask() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-del", false));
            SimSupport.Reply running = send(sim, "DELETE", "/api/v1/tasks/oa-del", null, null);
            assertThat(running.status()).isEqualTo(400);
            assertThat(running.json().path("error_code").asInt()).isEqualTo(49001);
            post(sim, "/api/v1/tasks/oa-del/stop", "{}");
            assertThat(send(sim, "DELETE", "/api/v1/tasks/oa-del", null, null).status()).isEqualTo(204);
            assertThat(sim.taskExists("oa-del")).isFalse();
        }
    }

    @Test
    void v54PauseResumeAndDeleteAsStopTask() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V5_4, false).build()) {
            sim.startTask(SimSupport.taskYaml("oa-v5", false));
            assertThat(post(sim, "/api/v1/tasks/oa-v5/pause", "[\"" + SOURCE + "\"]").status()).isEqualTo(200);
            assertThat(sim.subtaskStage("oa-v5", SOURCE)).isEqualTo("Paused");
            assertThat(send(sim, "POST", "/api/v1/tasks/oa-v5/resume", null, null).status()).isEqualTo(200);
            assertThat(sim.subtaskStage("oa-v5", SOURCE)).isEqualTo("Running");
            assertThat(send(sim, "DELETE", "/api/v1/tasks/oa-v5", null, null).status()).isEqualTo(204);
            assertThat(sim.taskExists("oa-v5")).isFalse();
            assertThat(sim.stopCount("oa-v5")).isEqualTo(1);
            assertThat(send(sim, "DELETE", "/api/v1/tasks/oa-v5", null, null).json().path("error_code").asInt())
                    .isEqualTo(46018);
            assertThat(get(sim, "/api/v1/tasks/oa-v5").status()).isEqualTo(404);
        }
    }

    @Test
    void sourcesAndRelay() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            JsonNode list = get(sim, "/api/v1/sources?with_status=true").json();
            JsonNode src = list.path("data").path(0);
            assertThat(src.path("source_name").asText()).isEqualTo(SOURCE);
            assertThat(src.path("relay_config").path("enable_relay").asBoolean()).isFalse();
            assertThat(src.path("status_list").path(0).path("worker_name").asText()).isEqualTo(WORKER);
            assertThat(get(sim, "/api/v1/sources/" + SOURCE).json().path("relay_config").path("relay_dir").asText())
                    .isEqualTo(sim.relayDir(SOURCE).toString());
            assertThat(get(sim, "/api/v1/sources/nope").status()).isEqualTo(404);
            assertThat(get(sim, "/api/v1/sources/nope/status").json().path("error_code").asInt()).isEqualTo(46008);

            JsonNode st = get(sim, "/api/v1/sources/" + SOURCE + "/status").json().path("data").path(0);
            assertThat(st.has("relay_status")).isFalse();
            assertThat(post(sim, "/api/v1/sources/" + SOURCE + "/relay/enable", "{}").status()).isEqualTo(200);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            JsonNode rs = get(sim, "/api/v1/sources/" + SOURCE + "/status").json().path("data").path(0).path("relay_status");
            assertThat(rs.path("stage").asText()).isEqualTo("Running");
            assertThat(rs.path("relay_dir").asText()).endsWith(".000001");
            // {} names the bound worker: a named relay worker now (§7.1)
            assertThat(sim.relayWorkers(SOURCE)).containsExactly(WORKER);
            assertThat(post(sim, "/api/v1/sources/" + SOURCE + "/relay/disable", "{}").status()).isEqualTo(200);
            // after a disable the worker reports no relay at all: relay_status is left out (§2.3)
            assertThat(sim.relayStage(SOURCE)).isNull();
            assertThat(get(sim, "/api/v1/sources/" + SOURCE + "/status").json().path("data").path(0)
                    .has("relay_status")).isFalse();
            assertThat(post(sim, "/api/v1/sources/nope/relay/enable", "{}").json().path("error_code").asInt())
                    .isEqualTo(46008);
        }
    }

    @Test
    void v54RelayNeedsWorkerNames() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V5_4, false).build()) {
            assertThat(post(sim, "/api/v1/sources/" + SOURCE + "/start-relay", "{}").status()).isEqualTo(400);
            assertThat(post(sim, "/api/v1/sources/" + SOURCE + "/start-relay",
                    "{\"worker_name_list\": [\"" + WORKER + "\"]}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(2)).until(() -> "Running".equals(sim.relayStage(SOURCE)));
            post(sim, "/api/v1/sources/" + SOURCE + "/pause-relay", "{}");
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Paused");
            post(sim, "/api/v1/sources/" + SOURCE + "/resume-relay", "{}");
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            post(sim, "/api/v1/sources/" + SOURCE + "/stop-relay", "{\"worker_name_list\": [\"" + WORKER + "\"]}");
            assertThat(sim.relayStage(SOURCE)).isNull();
        }
    }

    @Test
    void clusterWorkersAndMasters() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            JsonNode w = get(sim, "/api/v1/cluster/workers").json();
            assertThat(w.path("total").asInt()).isEqualTo(1);
            assertThat(keys(w.path("data").path(0))).containsExactly("addr", "bound_source_name", "bound_stage", "name");
            assertThat(w.path("data").path(0).path("bound_stage").asText()).isEqualTo("bound");
            JsonNode m = get(sim, "/api/v1/cluster/masters").json().path("data").path(0);
            assertThat(m.path("leader").asBoolean()).isTrue();
            assertThat(m.path("name").asText()).isEqualTo("basic-dm-master-0");
            assertThat(get(sim, "/api/v1/nope").status()).isEqualTo(404);
        }
    }

    static SimSupport.Reply post(DmMasterSimulator sim, String path, String json) {
        return postJson(sim, path, json);
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }
}
