package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.operate;
import static io.dmremediation.sandbox.dmmaster.SimSupport.startTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What DM-master answers to start-task, resume and GetCfg (§1.2). */
class RepliesTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void aResumeReportsASubtaskThatFailsAtOnceAsAFailedSourceWith38032() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false)
                .autoResumeCheckInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("rp-ok", false));
            sim.injectInvalidConnection("rp-ok", SOURCE, Integer.MAX_VALUE);
            JsonNode resume = operate(sim, "rp-ok", "Resume").json();
            // waitOperationOk: result true, the source false with the subtask's errors (server.go:1990-2019@v8.5.4)
            assertThat(resume.path("result").asBoolean()).isTrue();
            JsonNode src = resume.path("sources").path(0);
            assertThat(src.path("result").asBoolean()).isFalse();
            assertThat(src.path("worker").asText()).isEqualTo(WORKER);
            assertThat(src.path("msg").asText())
                    .startsWith("[code=38032:class=dm-master:scope=internal:level=high], Message: some error occurs in"
                            + " dm-worker: ErrCode:10006 ErrClass:\"database\" ErrScope:\"not-set\" ErrLevel:\"high\""
                            + " Message:\"startLocation: [position: (mysql-bin.")
                    .contains("execute statement failed: commit\" RawCause:\"invalid connection\" , Workaround: Please"
                            + " execute `query-status` to check status.");
        }
    }

    @Test
    void startTaskOfATaskWhoseSourceHasNoWorkerSaysSoInPlainText() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.stopWorker(WORKER);
            JsonNode r = startTask(sim, SimSupport.taskYaml("rp-nw", false)).json();
            assertThat(r.path("result").asBoolean()).isTrue();
            // handleOperationResult: a bare string, no terror (server.go:2068-2071@v8.5.4)
            assertThat(r.path("sources").path(0).path("msg").asText()).isEqualTo(SOURCE + " relevant worker-client not found");
        }
    }

    @Test
    void startTaskRunsThePrecheckOnEveryCall() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            String masked = SimSupport.taskYaml("rp-pre", false).replace("\"s3cret-pw\"", "'******'");
            for (int i = 0; i < 2; i++) {
                JsonNode r = startTask(sim, masked).json();
                assertThat(r.path("result").asBoolean()).isFalse();
                assertThat(r.path("checkResult").asText()).contains("code=26005");
            }
            JsonNode ok = startTask(sim, SimSupport.taskYaml("rp-pre", false)).json();
            assertThat(ok.path("result").asBoolean()).isTrue();
            assertThat(ok.path("checkResult").asText()).isEqualTo(Scheduler.CHECK_PASSED);
            assertThat(ok.path("sources").path(0).path("result").asBoolean()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(DmVersion.class)
    void getCfgRegeneratesTheTaskAsEachReleaseMarshalsIt(DmVersion v) throws Exception {
        try (DmMasterSimulator sim = SimSupport.oneSource(v, false).build()) {
            sim.startTask(SimSupport.taskYaml("rp-cfg", true));
            String cfg = get(sim, "/apis/v1alpha1/tasks/rp-cfg?type=1").json().path("cfg").asText();
            JsonNode y = YAML.readTree(cfg);
            JsonNode inst = y.path("mysql-instances").path(0);
            assertThat(inst.path("syncer-config-name").asText()).isEqualTo("sync-01");
            JsonNode sync = y.path("syncers").path("sync-01");
            // defaults filled in (dm/config/task.go): batch, queue-size, flush interval the task did not give
            assertThat(sync.path("worker-count").asInt()).isEqualTo(16);
            assertThat(sync.path("batch").asInt()).isEqualTo(100);
            assertThat(sync.path("checkpoint-flush-interval").asInt()).isEqualTo(30);
            assertThat(sync.path("safe-mode").asBoolean()).isTrue();
            assertThat(y.path("block-allow-list").has("balist-01")).isTrue();
            assertThat(inst.path("mydumper-config-name").asText()).isEqualTo("dump-01");
            assertThat(cfg).contains("  password: '******'\n").doesNotContain("s3cret-pw");
            // the release's own fields (dm/tests/dmctl_basic/conf/get_task.yaml at each tag)
            assertThat(sync.has("safe-mode-duration")).isEqualTo(v == DmVersion.V8_5 || v == DmVersion.V26_3);
            assertThat(inst.has("validator-config-name")).isEqualTo(v == DmVersion.V8_5 || v == DmVersion.V26_3);
            assertThat(inst.has("continuous-validator-config-name")).isEqualTo(v == DmVersion.V6_1);
            assertThat(y.has("tidb")).isEqualTo(v == DmVersion.V5_4);
            // what DM hands out, with the password put back, starts the task again as it was
            operate(sim, "rp-cfg", v == DmVersion.V5_4 ? "Stop" : "Delete");
            JsonNode again = startTask(sim, cfg.replace("'******'", "\"s3cret-pw\"")).json();
            assertThat(again.path("result").asBoolean()).as(again.toString()).isTrue();
            assertThat(sim.taskSafeMode("rp-cfg", SOURCE)).isTrue();
            assertThat(get(sim, "/apis/v1alpha1/tasks/rp-cfg?type=1").json().path("cfg").asText()).isEqualTo(cfg);
        }
    }

    @Test
    void identicalSyncerBlocksShareOneNameAndDifferentOnesGetTheirOwn() throws Exception {
        try (DmMasterSimulator sim = SimSupport.fast().worker(WORKER).worker("basic-dm-worker-1")
                .source(SourceSpec.source("a-src").boundTo(WORKER))
                .source(SourceSpec.source("b-src").boundTo("basic-dm-worker-1"))
                .source(SourceSpec.source("c-src"))
                .worker("basic-dm-worker-2").build()) {
            String task = "name: rp-multi\ntask-mode: incremental\ntarget-database:\n  host: h\n  port: 4000\n"
                    + "  user: u\n  password: p\nmysql-instances:\n"
                    + "  - source-id: c-src\n    meta: {binlog-name: mysql-bin.000001, binlog-pos: 4}\n    syncer: {safe-mode: true}\n"
                    + "  - source-id: a-src\n    meta: {binlog-name: mysql-bin.000001, binlog-pos: 4}\n    syncer-config-name: g\n"
                    + "  - source-id: b-src\n    meta: {binlog-name: mysql-bin.000001, binlog-pos: 4}\n    syncer-config-name: g\n"
                    + "syncers:\n  g: {worker-count: 8}\n";
            assertThat(startTask(sim, task).json().path("result").asBoolean()).isTrue();
            JsonNode y = YAML.readTree(get(sim, "/apis/v1alpha1/tasks/rp-multi?type=1").json().path("cfg").asText());
            // sources sorted by id; a and b share sync-01, c gets sync-02
            assertThat(y.path("mysql-instances").findValuesAsText("source-id")).containsExactly("a-src", "b-src", "c-src");
            assertThat(y.path("mysql-instances").findValuesAsText("syncer-config-name"))
                    .containsExactly("sync-01", "sync-01", "sync-02");
            assertThat(y.path("syncers").path("sync-01").path("worker-count").asInt()).isEqualTo(8);
            assertThat(y.path("syncers").path("sync-02").path("safe-mode").asBoolean()).isTrue();
        }
    }
}
