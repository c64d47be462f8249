package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.operate;
import static io.dmremediation.sandbox.dmmaster.SimSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A DM-worker process going down and coming back, as DM-master reports it. */
class WorkerLifecycleTest {

    private static final String UNREACHABLE = "[code=38029:class=dm-master:scope=internal:level=high], Message: "
            + SOURCE + " relevant worker-client not found, Workaround: Please use list-member command to see if the"
            + " some workers are offline.";

    @Test
    void aStoppedWorkerShowsAsDmMastersErrorInBothApis() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("wk-down", false));
            sim.stopWorker(WORKER);
            assertThat(sim.workerUp(WORKER)).isFalse();
            assertThat(sim.workerStage(WORKER)).isEqualTo("offline");
            assertThat(sim.boundWorker(SOURCE)).isNull();

            JsonNode gw = status(sim, "wk-down");
            assertThat(gw.path("result").asBoolean()).isTrue();
            JsonNode src = gw.path("sources").path(0);
            assertThat(src.path("result").asBoolean()).isFalse();
            assertThat(src.path("msg").asText()).isEqualTo(UNREACHABLE);
            assertThat(src.path("sourceStatus").path("source").asText()).isEqualTo(SOURCE);
            assertThat(src.path("sourceStatus").path("worker").asText()).isEmpty();
            assertThat(src.path("subTaskStatus").isArray()).isTrue();
            assertThat(src.path("subTaskStatus")).isEmpty();

            JsonNode oa = get(sim, "/api/v1/tasks/wk-down/status").json().path("data").path(0);
            assertThat(oa.path("error_msg").asText()).isEqualTo(UNREACHABLE);
            assertThat(oa.path("stage").asText()).isEmpty();
            assertThat(oa.path("unit").asText()).isEmpty();
            assertThat(oa.has("sync_status")).isFalse();

            assertThat(get(sim, "/api/v1/cluster/workers").json().path("data").path(0).path("bound_stage").asText())
                    .isEqualTo("offline");
            assertThat(get(sim, "/apis/v1alpha1/members?worker=true").json().path("members").path(0)
                    .path("worker").path("workers").path(0).path("stage").asText()).isEqualTo("offline");
            assertThat(get(sim, "/api/v1/sources/" + SOURCE + "/status").json().path("data").path(0)
                    .path("worker_name").asText()).isEmpty();

            // DM-master still takes the operation; the worker's part is reported as failed
            JsonNode pause = operate(sim, "wk-down", "Pause").json();
            assertThat(pause.path("result").asBoolean()).isTrue();
            assertThat(pause.path("sources").path(0).path("result").asBoolean()).isFalse();

            sim.startWorker(WORKER);
            assertThat(sim.workerStage(WORKER)).isEqualTo("bound");
            // the expected stage set while it was down applies when the subtask comes back
            assertThat(sim.subtaskStage("wk-down", SOURCE)).isEqualTo("Paused");
            operate(sim, "wk-down", "Resume");
            assertThat(SimSupport.subtask(status(sim, "wk-down")).path("stage").asText()).isEqualTo("Running");
        }
    }

    @Test
    void v54OpenApiStatusFailsWholeWhenAWorkerIsDown() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V5_4, false).build()) {
            sim.startTask(SimSupport.taskYaml("wk-v5", false));
            sim.stopWorker(WORKER);
            SimSupport.Reply r = get(sim, "/api/v1/tasks/wk-v5/status");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error_code").asInt()).isEqualTo(49001);
            assertThat(r.json().path("error_msg").asText()).contains("can not find subtask status task name: wk-v5.");
        }
    }

    @Test
    void anOpenApiStoppedTaskComesBackStoppedAfterARestart() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).tickInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("wk-stopped", false));
            SimSupport.postJson(sim, "/api/v1/tasks/wk-stopped/stop", "{}");
            sim.stopWorker(WORKER);
            sim.editStoredCheckpoint("wk-stopped", SOURCE, "mysql-bin.000002", 4);
            sim.startWorker(WORKER);
            // StartSubTask with expected stage Stopped still initialises the units, loading the edit (§6)
            assertThat(sim.subtaskStage("wk-stopped", SOURCE)).isEqualTo("Stopped");
            assertThat(sim.checkpoint("wk-stopped", SOURCE)).isEqualTo(new Position("mysql-bin.000002", 4));
            SimSupport.postJson(sim, "/api/v1/tasks/wk-stopped/start", "{}");
            assertThat(sim.subtaskStage("wk-stopped", SOURCE)).isEqualTo("Running");
        }
    }

    @Test
    void aTaskStartedWhileItsWorkerIsDownRunsWhenTheWorkerComesBack() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.stopWorker(WORKER);
            JsonNode r = SimSupport.startTask(sim, SimSupport.taskYaml("wk-late", false)).json();
            assertThat(r.path("result").asBoolean()).isTrue();
            assertThat(r.path("sources").path(0).path("result").asBoolean()).isFalse();
            assertThat(sim.subtaskStage("wk-late", SOURCE)).isNull();
            sim.startWorker(WORKER);
            assertThat(sim.subtaskStage("wk-late", SOURCE)).isEqualTo("Running");
        }
    }
}
