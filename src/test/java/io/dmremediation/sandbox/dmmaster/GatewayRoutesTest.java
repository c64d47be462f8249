package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.operate;
import static io.dmremediation.sandbox.dmmaster.SimSupport.putJson;
import static io.dmremediation.sandbox.dmmaster.SimSupport.startTask;
import static io.dmremediation.sandbox.dmmaster.SimSupport.status;
import static io.dmremediation.sandbox.dmmaster.SimSupport.subtask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The legacy gateway /apis/v1alpha1 (§1.1): every route, and where v5.x and v6+ differ. */
class GatewayRoutesTest {

    @Test
    void startTaskCreatesTheTaskAndASecondStartFailsWith46014() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            JsonNode first = startTask(sim, SimSupport.taskYaml("gw-start", false)).json();
            assertThat(first.path("result").asBoolean()).isTrue();
            assertThat(first.path("msg").asText()).isEmpty();
            assertThat(first.path("checkResult").asText()).isEqualTo("pre-check is passed. ");
            assertThat(first.path("sources").path(0).path("source").asText()).isEqualTo(SOURCE);
            assertThat(first.path("sources").path(0).path("worker").asText()).isEqualTo(WORKER);
            assertThat(sim.taskExists("gw-start")).isTrue();
            assertThat(sim.startCount("gw-start")).isEqualTo(1);
            assertThat(sim.subtaskStage("gw-start", SOURCE)).isEqualTo("Running");

            JsonNode again = startTask(sim, SimSupport.taskYaml("gw-start", false)).json();
            assertThat(again.path("result").asBoolean()).isFalse();
            assertThat(again.path("msg").asText()).isEqualTo("[code=46014:class=scheduler:scope=internal:level=medium],"
                    + " Message: subtasks with name gw-start for sources [mysql-replica-01] already exist,"
                    + " Workaround: Please use `query-status` command to see tasks.");
            assertThat(again.path("sources").isArray()).isTrue();
            assertThat(again.path("sources")).isEmpty();
            assertThat(sim.startCount("gw-start")).isEqualTo(1);
        }
    }

    @Test
    void startTaskRejectsBadTaskFilesLikeDm() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            JsonNode noName = startTask(sim, "task-mode: incremental\n").json();
            assertThat(noName.path("result").asBoolean()).isFalse();
            assertThat(noName.path("msg").asText()).startsWith("[code=20019:class=dm-master:scope=internal:level=medium], "
                    + "Message: must specify a unique task name");

            // real DM: the instance's ordinal in front (task.go's Annotatef), the class dm-master (start-task's)
            JsonNode noSource = startTask(sim, SimSupport.taskYaml("gw-bad", false, "dm_meta", "\"\"")).json();
            assertThat(noSource.path("msg").asText()).startsWith("[code=20005:class=dm-master:scope=internal:"
                    + "level=medium], Message: mysql-instance: 0th: empty source-id not valid");
            assertThat(List.of(0, 1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111).stream().map(ErrorCatalog::goOrdinal))
                    .containsExactly("0th", "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd",
                            "101st", "111th");

            JsonNode unknownSource = startTask(sim, SimSupport.taskYaml("gw-bad", false, "dm_meta", "nope")).json();
            assertThat(unknownSource.path("msg").asText())
                    .contains("code=20031:class=dm-master").contains("source nope in deployment configuration not found");

            // the password GetCfg hands out is not the password: the precheck, run on every start-task, fails, and
            // from v6.0 its text is in checkResult, msg empty (server.go:520-523@v8.5.4)
            String obfuscated = SimSupport.taskYaml("gw-bad", false).replace("\"s3cret-pw\"", "'******'");
            JsonNode denied = startTask(sim, obfuscated).json();
            assertThat(denied.path("result").asBoolean()).isFalse();
            assertThat(denied.path("msg").asText()).isEmpty();
            assertThat(denied.path("checkResult").asText()).startsWith("[code=26005:class=dm-master:")
                    .contains("fail to check synchronization configuration").contains("Access denied");
            assertThat(denied.path("sources")).isEmpty();
            assertThat(sim.taskExists("gw-bad")).isFalse();
        }
    }

    @Test
    void v54PutsAFailedPrecheckInMsg() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V5_4, false).build()) {
            String obfuscated = SimSupport.taskYaml("gw-bad5", false).replace("\"s3cret-pw\"", "'******'");
            JsonNode denied = startTask(sim, obfuscated).json();
            assertThat(denied.path("result").asBoolean()).isFalse();
            assertThat(denied.path("msg").asText()).contains("code=26005").contains("Access denied");
            assertThat(denied.path("checkResult").asText()).isEmpty();
        }
    }

    @Test
    void statusOfAnUnknownTaskOrSourceIsDmsError() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            JsonNode none = status(sim, "missing");
            assertThat(none.path("result").asBoolean()).isFalse();
            assertThat(none.path("msg").asText()).isEqualTo("task missing has no source or not exist");
            assertThat(none.path("sources").isArray()).isTrue();

            sim.startTask(SimSupport.taskYaml("gw-filter", false));
            JsonNode filtered = get(sim, "/apis/v1alpha1/status/gw-filter?sources=" + SOURCE).json();
            assertThat(filtered.path("result").asBoolean()).isTrue();
            assertThat(filtered.path("sources")).hasSize(1);
            JsonNode bad = get(sim, "/apis/v1alpha1/status/gw-filter?sources=x&sources=y").json();
            assertThat(bad.path("result").asBoolean()).isFalse();
            assertThat(bad.path("msg").asText()).isEqualTo("sources [x y] haven't been added");
        }
    }

    @Test
    void pauseIsCanceledWithoutErrorsAndResumeKeepsTheSameSubtask() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("gw-pause", false));
            JsonNode paused = operate(sim, "gw-pause", "Pause").json();
            assertThat(paused.path("op").asText()).isEqualTo("Pause");
            assertThat(paused.path("result").asBoolean()).isTrue();
            JsonNode st = subtask(status(sim, "gw-pause"));
            assertThat(st.path("stage").asText()).isEqualTo("Paused");
            assertThat(st.path("result").path("isCanceled").asBoolean()).isTrue();
            assertThat(st.path("result").path("errors")).isEmpty();

            JsonNode resumed = putJson(sim, "/apis/v1alpha1/tasks/gw-pause", "{\"op\": 3}").json();
            assertThat(resumed.path("op").asText()).isEqualTo("Resume");
            assertThat(sim.subtaskStage("gw-pause", SOURCE)).isEqualTo("Running");
            assertThat(sim.resumeCount("gw-pause", SOURCE)).isEqualTo(1);
            assertThat(sim.startCount("gw-pause")).isEqualTo(1);
        }
    }

    @Test
    void v6DeleteRemovesTheTaskAndRejectsStop() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("gw-del", false));
            JsonNode stop = operate(sim, "gw-del", "Stop").json();
            assertThat(stop.path("result").asBoolean()).isFalse();
            assertThat(stop.path("msg").asText())
                    .isEqualTo("[code=38041:class=dm-master:scope=internal:level=medium], Message: invalid op Stop on task");
            assertThat(sim.taskExists("gw-del")).isTrue();

            JsonNode del = operate(sim, "gw-del", "Delete").json();
            assertThat(del.path("op").asText()).isEqualTo("Delete");
            assertThat(del.path("result").asBoolean()).isTrue();
            assertThat(sim.taskExists("gw-del")).isFalse();
            assertThat(sim.stopCount("gw-del")).isEqualTo(1);

            JsonNode gone = operate(sim, "gw-del", "Delete").json();
            assertThat(gone.path("msg").asText())
                    .isEqualTo("task gw-del has no source or not exist, please check the task name and status");
        }
    }

    @Test
    void v5RejectsDeleteLikeAnUnknownEnumAndStopsWithStop() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V5_4, false).build()) {
            sim.startTask(SimSupport.taskYaml("gw-v5", false));
            SimSupport.Reply del = operate(sim, "gw-v5", "Delete");
            assertThat(del.status()).isEqualTo(400);
            JsonNode err = del.json();
            assertThat(err.path("code").asInt()).isEqualTo(3);
            assertThat(err.path("message").asText()).isEqualTo("unknown value \"Delete\" for enum pb.TaskOp");
            assertThat(err.has("error")).isFalse();
            assertThat(err.path("details").isArray()).isTrue();
            assertThat(sim.taskExists("gw-v5")).isTrue();

            JsonNode stop = operate(sim, "gw-v5", "Stop").json();
            assertThat(stop.path("result").asBoolean()).isTrue();
            assertThat(stop.path("op").asText()).isEqualTo("Stop");
            assertThat(sim.taskExists("gw-v5")).isFalse();
        }
    }

    @Test
    void stopAndStartReloadsTheCheckpointWhilePauseResumeDoesNot() {
        // a clock that does not move: the checkpoint stays where the subtask loaded it
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false)
                .tickInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("gw-reload", false));
            assertThat(sim.checkpoint("gw-reload", SOURCE)).isEqualTo(new Position("mysql-bin.000001", 4));
            operate(sim, "gw-reload", "Pause");
            sim.editStoredCheckpoint("gw-reload", SOURCE, "mysql-bin.000002", 4);
            operate(sim, "gw-reload", "Resume");
            assertThat(sim.checkpoint("gw-reload", SOURCE)).isEqualTo(new Position("mysql-bin.000001", 4));

            // the edit is only safe once the unit stopped flushing: pause (which flushes), edit, stop, start
            operate(sim, "gw-reload", "Pause");
            sim.editStoredCheckpoint("gw-reload", SOURCE, "mysql-bin.000002", 4);
            operate(sim, "gw-reload", "Delete");
            startTask(sim, SimSupport.taskYaml("gw-reload", false));
            assertThat(sim.checkpoint("gw-reload", SOURCE)).isEqualTo(new Position("mysql-bin.000002", 4));
            assertThat(sim.startCount("gw-reload")).isEqualTo(2);
        }
    }

    @Test
    void getCfgReturnsTheTaskWithItsPasswordObfuscatedAndTheSourceConfig() throws Exception {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, true).build()) {
            sim.startTask(SimSupport.taskYaml("gw-cfg", true));
            JsonNode task = get(sim, "/apis/v1alpha1/tasks/gw-cfg?type=1").json();
            assertThat(task.path("result").asBoolean()).isTrue();
            JsonNode yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(task.path("cfg").asText());
            assertThat(yaml.path("name").asText()).isEqualTo("gw-cfg");
            // regenerated, not the submitted text (§1.2): the submitted "global" syncer is now "sync-01"
            assertThat(yaml.path("syncers").has("global")).isFalse();
            assertThat(yaml.path("syncers").path("sync-01").path("safe-mode").asBoolean()).isTrue();
            assertThat(yaml.path("mysql-instances").path(0).path("syncer-config-name").asText()).isEqualTo("sync-01");
            assertThat(yaml.path("mysql-instances").path(0).get("syncer").isNull()).isTrue();
            assertThat(yaml.path("mysql-instances").path(0).path("source-id").asText()).isEqualTo(SOURCE);
            assertThat(yaml.path("target-database").path("password").asText()).isEqualTo("******");
            assertThat(task.path("cfg").asText()).contains("  password: '******'\n");
            assertThat(task.path("cfg").asText()).doesNotContain("s3cret-pw");
            assertThat(sim.taskConfig("gw-cfg")).contains("s3cret-pw");

            JsonNode src = get(sim, "/apis/v1alpha1/tasks/" + SOURCE + "?type=4").json();
            assertThat(src.path("cfg").asText()).contains("relay-dir: " + sim.relayDir(SOURCE))
                    .contains("enable-gtid: false").contains("enable-relay: true").contains("  password: '******'\n");

            JsonNode invalid = get(sim, "/apis/v1alpha1/tasks/gw-cfg").json();
            assertThat(invalid.path("result").asBoolean()).isFalse();
            assertThat(invalid.path("msg").asText()).isEqualTo("invalid config op 'InvalidType'");
            assertThat(get(sim, "/apis/v1alpha1/tasks/gw-cfg?type=7").json().path("msg").asText())
                    .isEqualTo("invalid config op '7'");
            assertThat(get(sim, "/apis/v1alpha1/tasks/nope?type=1").json().path("msg").asText())
                    .isEqualTo("task not found");
        }
    }

    /** Real DM refuses a task with a named syncer config no instance uses (docs/real-dm-checks.md). */
    @Test
    void startTaskRefusesAnUnusedNamedSyncerConfig() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            String yaml = SimSupport.taskYaml("gw-unused", false).replace("syncer-config-name: global",
                    "syncer-config-name: other") + "  other:\n    worker-count: 4\n";
            JsonNode r = startTask(sim, yaml).json();
            assertThat(r.path("result").asBoolean()).isFalse();
            assertThat(r.path("msg").asText()).contains("code=20038").contains("The configurations as following "
                    + "[global] are set in global configuration but instances don't use them");
            assertThat(sim.taskExists("gw-unused")).isFalse();
        }
    }

    /**
     * Real DM refuses the enum's name in the query (docs/real-dm-checks.md): grpc-gateway v1.16 cannot find DM's
     * gogo-registered enum and parses the value as a number.
     */
    @Test
    void getCfgTakesTheConfigTypeByNumberOnly() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, true).build()) {
            sim.startTask(SimSupport.taskYaml("gw-cfg-name", true));
            SimSupport.Reply byName = get(sim, "/apis/v1alpha1/tasks/gw-cfg-name?type=TaskType");
            assertThat(byName.status()).isEqualTo(400);
            assertThat(byName.json().path("code").asInt()).isEqualTo(3);
            assertThat(byName.json().path("message").asText())
                    .isEqualTo("strconv.ParseInt: parsing \"TaskType\": invalid syntax");
            assertThat(get(sim, "/apis/v1alpha1/tasks/gw-cfg-name?type=99999999999").json().path("message").asText())
                    .isEqualTo("strconv.ParseInt: parsing \"99999999999\": value out of range");
        }
    }

    @Test
    void listMemberShowsLeaderMastersAndWorkers() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).worker("basic-dm-worker-1").build()) {
            JsonNode all = get(sim, "/apis/v1alpha1/members").json();
            assertThat(all.path("result").asBoolean()).isTrue();
            JsonNode members = all.path("members");
            assertThat(members).hasSize(3);
            assertThat(members.path(0).path("leader").path("name").asText()).isEqualTo("basic-dm-master-0");
            JsonNode master = members.path(1).path("master").path("masters").path(0);
            assertThat(master.path("memberID").isTextual()).isTrue();
            assertThat(master.path("alive").asBoolean()).isTrue();
            JsonNode workers = members.path(2).path("worker").path("workers");
            assertThat(workers).hasSize(2);
            assertThat(workers.path(0).path("name").asText()).isEqualTo(WORKER);
            assertThat(workers.path(0).path("stage").asText()).isEqualTo("bound");
            assertThat(workers.path(0).path("source").asText()).isEqualTo(SOURCE);
            assertThat(workers.path(1).path("stage").asText()).isEqualTo("free");

            JsonNode onlyWorkers = get(sim, "/apis/v1alpha1/members?worker=true").json().path("members");
            assertThat(onlyWorkers).hasSize(1);
            assertThat(onlyWorkers.path(0).has("worker")).isTrue();
            JsonNode named = get(sim, "/apis/v1alpha1/members?worker=true&names=basic-dm-worker-1").json();
            assertThat(named.path("members").path(0).path("worker").path("workers")).hasSize(1);
        }
    }

    @Test
    void unknownGatewayPathsAreGrpcGatewaysPlainNotFound() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            SimSupport.Reply r = get(sim, "/apis/v1alpha1/nope");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("Not Found\n");
            SimSupport.Reply badJson = putJson(sim, "/apis/v1alpha1/tasks/x", "{not json");
            assertThat(badJson.status()).isEqualTo(400);
            assertThat(badJson.json().path("code").asInt()).isEqualTo(3);
        }
    }
}
