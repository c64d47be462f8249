package io.dmremediation.realdm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.OpenApiClient;
import io.dmremediation.dm.OpenApiSupport;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.DmVersion;
import io.dmremediation.sandbox.dmmaster.SourceSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential check (dm-facts §10): the same requests to the DM-master simulator, in the flavour closest to
 * the real DM under test, and to the real DM-master; the reply shapes and the state transitions compared. Each test
 * adds its rows to {@code target/real-dm-checks/<version>.md}; docs/real-dm-checks.md is the curated table. Where
 * they differed and real DM was right the simulator was fixed (those rows assert agreement); the differences that
 * remain are version differences or simulator simplifications, asserted as such so a change on either side shows.
 */
class SimulatorVsRealDmTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final CheckTable TABLE = new CheckTable();
    private static final String TEST = "SimulatorVsRealDmTest";

    static RealDmWorld world;
    static OpenApiSupport realApi;
    static DmVersion flavour;
    static DmMasterSimulator sim;

    @BeforeAll
    static void worlds() {
        world = RealDmWorld.shared();
        realApi = OpenApiClient.detect(world.dm().masterUrl(), DmHttpSettings.DEFAULTS);
        flavour = realApi == OpenApiSupport.V5 ? DmVersion.V5_4 : DmVersion.V8_5;
        sim = simulator(flavour);
    }

    @AfterAll
    static void report() {
        if (sim != null) {
            sim.close();
        }
        TABLE.write(world.dmVersion(), flavour.release());
    }

    /** The simulator set up as the real world is: source, its two workers, the source bound to the same one. */
    static DmMasterSimulator simulator(DmVersion version) {
        String bound = boundWorker();
        DmMasterSimulator.Builder b = DmMasterSimulator.builder().version(version).openApi(true)
                .tickInterval(Duration.ofMillis(20)).checkpointFlushInterval(Duration.ofMillis(100));
        for (String w : world.dm().workerNames()) {
            b.worker(w);
        }
        return b.source(SourceSpec.source(RealDmWorld.SOURCE).boundTo(bound)
                        .binlogFile("mysql-bin.000001", 1 << 20).binlogFile("mysql-bin.000002", 1 << 20)
                        .tables("diff.orders"))
                .build();
    }

    static String boundWorker() {
        for (JsonNode w : world.dm().get("/api/v1/cluster/workers").path("data")) {
            if (RealDmWorld.SOURCE.equals(w.path("bound_source_name").asText())) {
                return w.path("name").asText();
            }
        }
        throw new IllegalStateException("the source is bound to no worker");
    }

    /** The same task for the simulator: its binlog starts at mysql-bin.000001. */
    static String simYaml(String realYaml) {
        return realYaml.replaceFirst("binlog-name: .*", "binlog-name: mysql-bin.000001")
                .replaceFirst("binlog-pos: .*", "binlog-pos: 4");
    }

    // ---- R1: which OpenAPI --------------------------------------------------------------------------------

    @Test
    void r01TheOpenApiGenerationIsDetectedTheSameWay() {
        OpenApiSupport simApi = OpenApiClient.detect(sim.url(), DmHttpSettings.DEFAULTS);
        TABLE.add(new CheckTable.Row("R01", "§1, §2.4", "GET /api/v1/dm.json (live spec), OpenApiClient.detect",
                simApi.name(), realApi.name(), simApi == realApi ? "agree" : "differ", TEST + ".r01…"));
        assertThat(simApi).isEqualTo(realApi);
    }

    // ---- R2, R3: status of a running task ------------------------------------------------------------------

    @Test
    void r02StatusOfARunningTaskHasTheSameShapeOnBothApis() {
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_run", "diff_run", world.tidb().port(), 1);
        sim.startTask(simYaml(data.taskYaml()));
        awaitRunning(sim.url(), "diff_run");

        JsonNode real = get(world.dm().masterUrl(), "/apis/v1alpha1/status/diff_run");
        JsonNode simulated = get(sim.url(), "/apis/v1alpha1/status/diff_run");
        List<String> gw = JsonShape.differences(simulated, real);
        JsonNode realSub = real.path("sources").path(0).path("subTaskStatus").path(0);
        JsonNode simSub = simulated.path("sources").path(0).path("subTaskStatus").path(0);
        TABLE.add(new CheckTable.Row("R02", "§3.1-3.2, §10.2", "GET /apis/v1alpha1/status/{task}, task running",
                "stage " + simSub.path("stage") + ", unit " + simSub.path("unit") + ", totalEvents "
                        + JsonShape.type(simSub.path("sync").path("totalEvents")),
                "stage " + realSub.path("stage") + ", unit " + realSub.path("unit") + ", totalEvents "
                        + JsonShape.type(realSub.path("sync").path("totalEvents")),
                gw.isEmpty() ? "agree (same shape)" : "differ: " + gw, TEST + ".r02…"));

        JsonNode realOa = get(world.dm().masterUrl(), "/api/v1/tasks/diff_run/status");
        JsonNode simOa = get(sim.url(), "/api/v1/tasks/diff_run/status");
        List<String> oa = JsonShape.differences(simOa, realOa);
        TABLE.add(new CheckTable.Row("R03", "§2.3, §2.4, §10.1", "GET /api/v1/tasks/{task}/status, task running",
                "stage " + simOa.path("data").path(0).path("stage") + ", unit " + simOa.path("data").path(0).path("unit"),
                "stage " + realOa.path("data").path(0).path("stage") + ", unit " + realOa.path("data").path(0).path("unit"),
                oa.isEmpty() ? "agree (same shape)" : "differ: " + oa, TEST + ".r02…"));

        assertThat(simSub.path("stage").asText()).isEqualTo(realSub.path("stage").asText()).isEqualTo("Running");
        assertThat(simSub.path("unit").asText()).isEqualTo(realSub.path("unit").asText()).isEqualTo("Sync");
        assertThat(gw).isEmpty();
        assertThat(oa).isEmpty();
    }

    // ---- R4, R5: workers, source status without relay ------------------------------------------------------

    @Test
    void r04WorkersAndSourceStatusHaveTheSameShape() {
        JsonNode realW = get(world.dm().masterUrl(), "/api/v1/cluster/workers");
        JsonNode simW = get(sim.url(), "/api/v1/cluster/workers");
        List<String> w = JsonShape.differences(simW, realW);
        TABLE.add(new CheckTable.Row("R04", "§2.1, §10.1", "GET /api/v1/cluster/workers", stages(simW), stages(realW),
                w.isEmpty() && stages(simW).equals(stages(realW)) ? "agree" : "differ: " + w, TEST + ".r04…"));

        JsonNode realS = get(world.dm().masterUrl(), "/api/v1/sources/" + RealDmWorld.SOURCE + "/status");
        JsonNode simS = get(sim.url(), "/api/v1/sources/" + RealDmWorld.SOURCE + "/status");
        List<String> s = JsonShape.differences(simS, realS);
        TABLE.add(new CheckTable.Row("R05", "§2.3, §10.6", "GET /api/v1/sources/{source}/status, relay off",
                "relay_status " + JsonShape.type(simS.path("data").path(0).path("relay_status")),
                "relay_status " + JsonShape.type(realS.path("data").path(0).path("relay_status")),
                s.isEmpty() ? "agree" : "differ: " + s, TEST + ".r04…"));
        assertThat(w).isEmpty();
        assertThat(stages(simW)).isEqualTo(stages(realW));
        assertThat(s).isEmpty();
    }

    private static String stages(JsonNode workers) {
        TreeSet<String> out = new TreeSet<>();
        workers.path("data").forEach(x -> out.add(x.path("name").asText() + "=" + x.path("bound_stage").asText()));
        return String.join(", ", out);
    }

    // ---- R6, R7: GetCfg -----------------------------------------------------------------------------------

    @Test
    void r06GetCfgMasksThePasswordAndTakesTheTypeByNumber() throws IOException {
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_cfg", "diff_cfg", world.tidb().port(), 1);
        sim.startTask(simYaml(data.taskYaml()));
        JsonNode real = get(world.dm().masterUrl(), "/apis/v1alpha1/tasks/diff_cfg?type=1");
        JsonNode simulated = get(sim.url(), "/apis/v1alpha1/tasks/diff_cfg?type=1");
        JsonNode realYaml = YAML.readTree(real.path("cfg").asText());
        JsonNode simYaml = YAML.readTree(simulated.path("cfg").asText());
        String realPw = realYaml.path("target-database").path("password").asText();
        String simPw = simYaml.path("target-database").path("password").asText();
        String realSyncer = realYaml.path("mysql-instances").path(0).path("syncer-config-name").asText();
        String simSyncer = simYaml.path("mysql-instances").path(0).path("syncer-config-name").asText();
        TABLE.add(new CheckTable.Row("R06", "§1.2, §10.9", "GET /apis/v1alpha1/tasks/{task}?type=1 (TaskType)",
                "password " + simPw + "; syncer-config-name " + simSyncer + " (the YAML as submitted)",
                "password " + realPw + "; syncer-config-name " + realSyncer + " (regenerated, defaults filled)",
                realSyncer.equals(simSyncer) ? "agree (password and the regenerated layout's syncer name)"
                        : "password: agree; layout: differ (the simulator keeps the submitted YAML; the operator"
                        + " handles both)",
                TEST + ".r06…"));
        assertThat(realPw).isEqualTo(simPw).isEqualTo("******");
        assertThat(realSyncer).isEqualTo("sync-01");

        Reply realByName = send(world.dm().masterUrl(), "GET", "/apis/v1alpha1/tasks/diff_cfg?type=TaskType", null);
        Reply simByName = send(sim.url(), "GET", "/apis/v1alpha1/tasks/diff_cfg?type=TaskType", null);
        TABLE.add(new CheckTable.Row("R07", "§1.1, §1.2", "GET /apis/v1alpha1/tasks/{task}?type=TaskType",
                simByName.status() + " " + simByName.body().replaceAll("\\s+", " "),
                realByName.status() + " " + realByName.body().replaceAll("\\s+", " "),
                "agree after a simulator fix (it took the name; real DM's grpc-gateway takes numbers only)",
                TEST + ".r06…, GatewayRoutesTest.getCfgTakesTheConfigTypeByNumberOnly"));
        assertThat(simByName.status()).isEqualTo(realByName.status()).isEqualTo(400);
        assertThat(simByName.json().path("message").asText()).isEqualTo(realByName.json().path("message").asText());
        assertThat(JsonShape.differences(simByName.json(), realByName.json())).isEmpty();
    }

    // ---- R8, R9: pause, resume, stop ----------------------------------------------------------------------

    @Test
    void r08PauseResumeAndDeleteMoveTheTaskTheSameWay() {
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_op", "diff_op", world.tidb().port(), 1);
        try (DmMasterSimulator v6 = simulator(DmVersion.V6_1)) {
            DmMasterSimulator ops = realApi == OpenApiSupport.V5 ? v6 : sim;
            ops.startTask(simYaml(data.taskYaml()));
            awaitRunning(ops.url(), "diff_op");

            String[] realSeen = transitions(world.dm().masterUrl(), "diff_op");
            String[] simSeen = transitions(ops.url(), "diff_op");
            TABLE.add(new CheckTable.Row("R08", "§1.1, §3.2, §8, §10.2",
                    "PUT /apis/v1alpha1/tasks/{task} op Pause, then Resume; status after each",
                    simSeen[0] + "; " + simSeen[1], realSeen[0] + "; " + realSeen[1],
                    simSeen[0].equals(realSeen[0]) && simSeen[1].equals(realSeen[1]) ? "agree" : "differ",
                    TEST + ".r08…"));
            TABLE.add(new CheckTable.Row("R09", "§1.1, §8", "PUT … op Stop; then op Delete; status after",
                    ops.version().release() + ": " + simSeen[2] + "; " + simSeen[3],
                    realSeen[2] + "; " + realSeen[3],
                    simSeen[2].equals(realSeen[2]) && simSeen[3].equals(realSeen[3])
                            ? "agree with the " + ops.version().release() + " flavour"
                            : "differ", TEST + ".r08…"));
            assertThat(simSeen).containsExactly(realSeen);
        }
    }

    /** Pause, Resume, Stop, Delete on one task: what each reply and the status after it say. */
    private static String[] transitions(String url, String task) {
        String[] out = new String[4];
        Reply pause = send(url, "PUT", "/apis/v1alpha1/tasks/" + task, "{\"op\":\"Pause\"}");
        JsonNode st = awaitStage(url, task, "Paused");
        out[0] = "Pause → result " + pause.json().path("result") + ", stage " + st.path("stage")
                + ", isCanceled " + st.path("result").path("isCanceled");
        Reply resume = send(url, "PUT", "/apis/v1alpha1/tasks/" + task, "{\"op\":\"Resume\"}");
        st = awaitStage(url, task, "Running");
        out[1] = "Resume → result " + resume.json().path("result") + ", stage " + st.path("stage");
        Reply stop = send(url, "PUT", "/apis/v1alpha1/tasks/" + task, "{\"op\":\"Stop\"}");
        out[2] = "Stop → HTTP " + stop.status() + " result " + stop.json().path("result") + " msg "
                + stop.json().path("msg").asText().replaceAll("^\\[code=(\\d+).*Message: ", "$1 ");
        Reply delete = send(url, "PUT", "/apis/v1alpha1/tasks/" + task, "{\"op\":\"Delete\"}");
        JsonNode gone = get(url, "/apis/v1alpha1/status/" + task);
        out[3] = "Delete → HTTP " + delete.status() + " result " + delete.json().path("result") + "; status result "
                + gone.path("result") + " msg " + gone.path("msg").asText().replace(task, "{task}");
        return out;
    }

    // ---- R10: start-task ----------------------------------------------------------------------------------

    @Test
    void r10StartTaskRepliesAlikeAndRefusesATaskThatExists() {
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_start", "diff_start", world.tidb().port(), 1);
        String body = JSON.createObjectNode().put("task", data.taskYaml()).toString();
        String simBody = JSON.createObjectNode().put("task", simYaml(data.taskYaml())).toString();
        sim.startTask(simYaml(data.taskYaml()));
        Reply real = send(world.dm().masterUrl(), "POST", "/apis/v1alpha1/tasks", body);
        Reply simulated = send(sim.url(), "POST", "/apis/v1alpha1/tasks", simBody);
        String realCode = real.json().path("msg").asText().replaceAll("(?s)^\\[code=(\\d+).*", "$1");
        String simCode = simulated.json().path("msg").asText().replaceAll("(?s)^\\[code=(\\d+).*", "$1");
        List<String> shape = JsonShape.differences(simulated.json(), real.json());
        TABLE.add(new CheckTable.Row("R10", "§1.2, §10.10", "POST /apis/v1alpha1/tasks for a task that exists",
                "result " + simulated.json().path("result") + ", code " + simCode,
                "result " + real.json().path("result") + ", code " + realCode,
                shape.isEmpty() && simCode.equals(realCode) ? "agree" : "differ: " + shape, TEST + ".r10…"));
        assertThat(real.json().path("result").asBoolean()).isFalse();
        assertThat(simCode).isEqualTo(realCode).isEqualTo("46014");
        assertThat(shape).isEmpty();
    }

    // ---- R11: when DM reads the checkpoint ------------------------------------------------------------------

    /**
     * The assumption the checkpoint fix rests on (§6): DM reads {@code dm_meta} only when the subtask is created,
     * so an edit made while it is paused is ignored (and flushed over), and one made while it is deleted is used.
     * Real DM is observed through data: a row deleted downstream comes back only if DM replays from the edited
     * position. The simulator through its checkpoint.
     */
    @Test
    void r11AnEditedCheckpointIsReadOnlyWhenTheSubtaskIsCreatedAgain() throws Exception {
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_cp", "diff_cp", world.tidb().port(), 1);
        String file = world.upstream().currentBinlogFile();
        long before = masterPos();
        data.insert(1);
        data.awaitInSync();
        String url = world.dm().masterUrl();
        int lastId = (int) rows("SELECT MAX(id) FROM diff_cp.orders");
        execTidb("DELETE FROM diff_cp.orders WHERE id = " + lastId);

        send(url, "PUT", "/apis/v1alpha1/tasks/diff_cp", "{\"op\":\"Pause\"}");
        awaitStage(url, "diff_cp", "Paused");
        editCheckpoint("diff_cp", file, before);
        send(url, "PUT", "/apis/v1alpha1/tasks/diff_cp", "{\"op\":\"Resume\"}");
        awaitStage(url, "diff_cp", "Running");
        data.insert(1);
        ReplicatedSchema.eventually(Duration.ofSeconds(60))
                .until(() -> rows("SELECT MAX(id) FROM diff_cp.orders") > lastId);
        boolean realUsedOnResume = rows("SELECT COUNT(*) FROM diff_cp.orders WHERE id = " + lastId) == 1;

        world.dm().dmctlOk(null, "stop-task", "diff_cp");
        editCheckpoint("diff_cp", file, before);
        world.dm().dmctlOk(data.taskYaml(), "start-task");
        ReplicatedSchema.eventually(Duration.ofSeconds(60))
                .until(() -> rows("SELECT COUNT(*) FROM diff_cp.orders WHERE id = " + lastId) == 1);
        boolean realUsedOnStart = true;

        // the simulator reads its binlog slowly here (512 bytes a tick): a replay from mysql-bin.000001 stays in that
        // file for about a minute, so which file the checkpoint is in tells whether the edit was read
        boolean simUsedOnResume;
        boolean simUsedOnStart;
        try (DmMasterSimulator slow = DmMasterSimulator.builder().version(flavour).openApi(true)
                .tickInterval(Duration.ofMillis(20)).checkpointFlushInterval(Duration.ofMillis(100))
                .progressBytesPerTick(512).worker(boundWorker())
                .source(SourceSpec.source(RealDmWorld.SOURCE).boundTo(boundWorker())
                        .binlogFile("mysql-bin.000001", 1 << 20).binlogFile("mysql-bin.000002", 4096)
                        .tables("diff_cp.orders"))
                .build()) {
            slow.startTask(simYaml(data.taskYaml()).replace("binlog-name: mysql-bin.000001",
                    "binlog-name: mysql-bin.000002"));
            awaitRunning(slow.url(), "diff_cp");
            send(slow.url(), "PUT", "/apis/v1alpha1/tasks/diff_cp", "{\"op\":\"Pause\"}");
            awaitStage(slow.url(), "diff_cp", "Paused");
            slow.editStoredCheckpoint("diff_cp", RealDmWorld.SOURCE, "mysql-bin.000001", 4);
            send(slow.url(), "PUT", "/apis/v1alpha1/tasks/diff_cp", "{\"op\":\"Resume\"}");
            awaitStage(slow.url(), "diff_cp", "Running");
            simUsedOnResume = slow.checkpoint("diff_cp", RealDmWorld.SOURCE).file().equals("mysql-bin.000001");
            send(slow.url(), "PUT", "/apis/v1alpha1/tasks/diff_cp",
                    "{\"op\":\"" + (slow.version() == DmVersion.V5_4 ? "Stop" : "Delete") + "\"}");
            slow.editStoredCheckpoint("diff_cp", RealDmWorld.SOURCE, "mysql-bin.000001", 4);
            slow.startTask(simYaml(data.taskYaml()).replace("binlog-name: mysql-bin.000001",
                    "binlog-name: mysql-bin.000002"));
            simUsedOnStart = slow.checkpoint("diff_cp", RealDmWorld.SOURCE).file().equals("mysql-bin.000001");
        }

        TABLE.add(new CheckTable.Row("R11", "§6, §10.3",
                "pause, UPDATE dm_meta checkpoint to an earlier position, resume; then stop-task, UPDATE, start-task",
                "edit used on resume: " + simUsedOnResume + ", on start: " + simUsedOnStart,
                "edit used on resume: " + realUsedOnResume + ", on start: " + realUsedOnStart
                        + " (a row deleted downstream came back only after the start)",
                realUsedOnResume == simUsedOnResume && realUsedOnStart == simUsedOnStart ? "agree" : "differ",
                TEST + ".r11…"));
        assertThat(realUsedOnResume).isFalse();
        assertThat(simUsedOnResume).isFalse();
        assertThat(simUsedOnStart).isTrue();
    }

    private static long masterPos() throws Exception {
        try (Connection c = world.upstream().admin(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private static void editCheckpoint(String task, String file, long pos) throws Exception {
        execTidb("UPDATE " + RealDmWorld.META_SCHEMA + "." + task + "_syncer_checkpoint SET binlog_name = '" + file
                + "', binlog_pos = " + pos);
    }

    private static void execTidb(String sql) throws Exception {
        try (Connection c = world.tidb().root(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long rows(String sql) throws Exception {
        try (Connection c = world.tidb().root(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- R12: the connection error as DM reports it ---------------------------------------------------------

    @Test
    void r12AnInvalidConnectionIsReportedWithTheSameProcessError() {
        TcpFaultProxy link = world.link("diff-ic");
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_ic", "diff_ic", link.port(),
                RestartTaskRealDmTest.FLUSH);
        link.closeAll();
        data.insert(1);
        String url = world.dm().masterUrl();
        JsonNode real = awaitStage(url, "diff_ic", "Paused").path("result").path("errors").path(0);

        sim.startTask(simYaml(data.taskYaml()));
        awaitRunning(sim.url(), "diff_ic");
        sim.injectInvalidConnection("diff_ic", RealDmWorld.SOURCE, Integer.MAX_VALUE);
        JsonNode simulated = awaitStage(sim.url(), "diff_ic", "Paused").path("result").path("errors").path(0);
        List<String> shape = JsonShape.differences(simulated, real);
        TABLE.add(new CheckTable.Row("R12", "§3.2, §4, §10.11",
                "a task paused by invalid connection (real: FIN on the idle downstream connection, then a row)",
                fields(simulated), fields(real),
                shape.isEmpty() ? "agree on code, class, scope, level, RawCause; Message names the failed statement "
                        + "(simulator: commit, real: begin — both are DM's real paths)" : "differ: " + shape,
                TEST + ".r12…, RestartTaskRealDmTest"));
        for (String f : List.of("ErrCode", "ErrClass", "ErrScope", "ErrLevel", "RawCause", "Workaround")) {
            assertThat(simulated.path(f)).as(f).isEqualTo(real.path(f));
        }
        assertThat(shape).isEmpty();
        send(url, "PUT", "/apis/v1alpha1/tasks/diff_ic", "{\"op\":\"Delete\"}");
    }

    private static String fields(JsonNode e) {
        return e.path("ErrCode") + " " + e.path("ErrClass").asText() + "/" + e.path("ErrScope").asText() + "/"
                + e.path("ErrLevel").asText() + ", Message " + e.path("Message").asText().replaceAll(".*: ", "…: ")
                + ", RawCause " + e.path("RawCause").asText();
    }

    // ---- R13-R15: refusals ---------------------------------------------------------------------------------

    @Test
    void r14AnUnknownTaskOpIsRefusedAlike() {
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_bogus", "diff_bogus", world.tidb().port(), 1);
        sim.startTask(simYaml(data.taskYaml()));
        Reply real = send(world.dm().masterUrl(), "PUT", "/apis/v1alpha1/tasks/diff_bogus", "{\"op\":\"Bogus\"}");
        Reply simulated = send(sim.url(), "PUT", "/apis/v1alpha1/tasks/diff_bogus", "{\"op\":\"Bogus\"}");
        List<String> shape = JsonShape.differences(simulated.json(), real.json());
        TABLE.add(new CheckTable.Row("R14", "§1.1, §3.2", "PUT /apis/v1alpha1/tasks/{task} {\"op\":\"Bogus\"}",
                simulated.status() + " " + simulated.json().path("message").asText(),
                real.status() + " " + real.json().path("message").asText(),
                shape.isEmpty() ? "agree after a simulator fix (message and body shape)" : "differ: " + shape,
                TEST + ".r14…, GatewayRoutesTest.v5RejectsDeleteLikeAnUnknownEnumAndStopsWithStop"));
        assertThat(simulated.status()).isEqualTo(real.status()).isEqualTo(400);
        assertThat(simulated.json().path("message").asText()).isEqualTo(real.json().path("message").asText());
        assertThat(shape).isEmpty();
    }

    @Test
    void r15AStartTaskWithAnUnusedNamedSyncerConfigIsRefusedAlike() {
        String yaml = world.taskYaml("diff_unused", "diff_unused", world.tidb().port(), 30)
                + "  unused:\n    worker-count: 2\n";
        Reply real = send(world.dm().masterUrl(), "POST", "/apis/v1alpha1/tasks",
                JSON.createObjectNode().put("task", yaml).toString());
        Reply simulated = send(sim.url(), "POST", "/apis/v1alpha1/tasks",
                JSON.createObjectNode().put("task", simYaml(yaml)).toString());
        String realMsg = real.json().path("msg").asText();
        String simMsg = simulated.json().path("msg").asText();
        TABLE.add(new CheckTable.Row("R15", "§1.2, §8", "POST /apis/v1alpha1/tasks, a named syncer config no instance uses",
                "result " + simulated.json().path("result") + ", " + simMsg,
                "result " + real.json().path("result") + ", " + realMsg,
                realMsg.equals(simMsg) ? "agree after a simulator fix (syncers only)" : "differ", TEST + ".r15…"));
        assertThat(real.json().path("result").asBoolean()).isFalse();
        assertThat(simMsg).isEqualTo(realMsg).contains("code=20038");
    }

    /**
     * Config errors through start-task: DM-master re-classes whatever the task config's checks return as
     * {@code dm-master} (pingcap/tiflow:dm/master/server.go:1657@v8.5.4, terror.WithClass), so the class in the
     * reply is not the error's own {@code config}.
     */
    @Test
    void r18ConfigErrorsOfAStartTaskAreReportedAlike() {
        String good = world.taskYaml("diff_cfgerr", "diff_cfgerr", world.tidb().port(), 30);
        String noName = good.replaceFirst("name: diff_cfgerr\n", "");
        String noSourceId = good.replaceFirst("source-id: " + RealDmWorld.SOURCE, "source-id: \"\"");
        String unknownSource = good.replaceFirst("source-id: " + RealDmWorld.SOURCE, "source-id: nope");
        for (String[] c : new String[][] {{"no name", noName, "20019"}, {"empty source-id", noSourceId, "20005"},
                {"a source DM does not know", unknownSource, "20031"}}) {
            Reply real = send(world.dm().masterUrl(), "POST", "/apis/v1alpha1/tasks",
                    JSON.createObjectNode().put("task", c[1]).toString());
            Reply simulated = send(sim.url(), "POST", "/apis/v1alpha1/tasks",
                    JSON.createObjectNode().put("task", simYaml(c[1])).toString());
            String realMsg = real.json().path("msg").asText();
            String simMsg = simulated.json().path("msg").asText();
            TABLE.add(new CheckTable.Row("R18", "§1.2", "POST /apis/v1alpha1/tasks, a task config with " + c[0],
                    "result " + simulated.json().path("result") + ", " + simMsg,
                    "result " + real.json().path("result") + ", " + realMsg,
                    realMsg.equals(simMsg) ? "agree" : "differ", TEST + ".r18…"));
            assertThat(real.json().path("result").asBoolean()).as(c[0]).isFalse();
            assertThat(realMsg).as(c[0]).contains("code=" + c[2]);
            assertThat(simMsg).as(c[0]).isEqualTo(realMsg);
        }
    }

    // ---- R16: the syncer reading from inside an event -------------------------------------------------------

    @Test
    void r16TheSyncerReadingFromInsideAnEventFailsWith36069OnBoth() throws Exception {
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_ovf", "diff_ovf", world.tidb().port(), 1);
        MidEventPosition.Location mid = MidEventPosition.plant(world.upstream(), "diff_ovf.blobs", 1);
        data.insert(1);
        data.awaitInSync();
        world.dm().dmctlOk(null, "stop-task", "diff_ovf");
        execTidb("UPDATE " + RealDmWorld.META_SCHEMA + ".diff_ovf_syncer_checkpoint SET binlog_name = '"
                + mid.file() + "', binlog_pos = " + mid.position());
        world.dm().dmctlOk(data.taskYaml(), "start-task");
        JsonNode real = awaitStage(world.dm().masterUrl(), "diff_ovf", "Paused").path("result").path("errors").path(0);

        sim.startTask(simYaml(data.taskYaml()));
        awaitRunning(sim.url(), "diff_ovf");
        sim.injectSyncerOverflow("diff_ovf", RealDmWorld.SOURCE, "mysql-bin.000001");
        JsonNode simulated = awaitStage(sim.url(), "diff_ovf", "Paused").path("result").path("errors").path(0);
        TABLE.add(new CheckTable.Row("R16", "§4, §9, §10.11",
                "the syncer reading the upstream from a byte inside an event (real: checkpoint set there, start-task)",
                fields(simulated), fields(real),
                "code, class and shape agree; the text differs: the simulator has the server refuse the position "
                        + "(ERROR 1236), real MariaDB sent what lay there and go-mysql found the checksum wrong; "
                        + "both are real outcomes, which one depends on the bytes", TEST + ".r16…"));
        assertThat(simulated.path("ErrCode").asInt()).isEqualTo(real.path("ErrCode").asInt()).isEqualTo(36069);
        assertThat(real.path("Message").asText())
                .isEqualTo("get binlog event error: binlog checksum mismatch, data may be corrupted");
        assertThat(JsonShape.differences(simulated, real)).isEmpty();
        send(world.dm().masterUrl(), "PUT", "/apis/v1alpha1/tasks/diff_ovf", "{\"op\":\"Delete\"}");
    }

    // ---- R17: a bad connection with the downstream reachable ----------------------------------------------

    /**
     * RST on every downstream connection while TiDB stays reachable (what a TiDB restart or a load balancer does):
     * DM retries the batch in-process after resetting the connection (§5.2), but the reset takes a dead idle
     * connection from its pool and fails with 10002 {@code driver: bad connection}, and the reset is tried once in
     * this DM: the subtask pauses with the bad connection. So the FAQ's error surfaces without any refusal.
     */
    @Test
    void r17ABadConnectionSurfacesEvenWithTheDownstreamReachable() {
        TcpFaultProxy link = world.link("diff-bc");
        ReplicatedSchema data = ReplicatedSchema.start(world, "diff_bc", "diff_bc", link.port(),
                RestartTaskRealDmTest.FLUSH);
        data.flushCheckpointsNow();
        link.resetAll();
        data.insert(2);
        JsonNode real = awaitStage(world.dm().masterUrl(), "diff_bc", "Paused").path("result").path("errors").path(0);
        assertThat(link.refused()).isZero();

        sim.startTask(simYaml(data.taskYaml()));
        awaitRunning(sim.url(), "diff_bc");
        sim.injectBadConnection("diff_bc", RealDmWorld.SOURCE, Integer.MAX_VALUE);
        JsonNode simulated = awaitStage(sim.url(), "diff_bc", "Paused").path("result").path("errors").path(0);
        TABLE.add(new CheckTable.Row("R17", "§4, §5.2, §10.12",
                "RST on every downstream connection, TiDB still reachable (no refusal), then rows",
                fields(simulated), fields(real) + " (the in-process reset took a dead pooled connection: 10002)",
                "agree on code, class, scope, level, RawCause; real DM confirms that the FAQ's bad connection "
                        + "surfaces after a pool-wide reset even with the downstream back", TEST + ".r17…"));
        for (String f : List.of("ErrCode", "ErrClass", "ErrScope", "ErrLevel", "RawCause")) {
            assertThat(simulated.path(f)).as(f).isEqualTo(real.path(f));
        }
        assertThat(real.path("RawCause").asText()).isEqualTo("driver: bad connection");
        send(world.dm().masterUrl(), "PUT", "/apis/v1alpha1/tasks/diff_bc", "{\"op\":\"Delete\"}");
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Reply send(String url, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode get(String url, String path) {
        return send(url, "GET", path, null).json();
    }

    static JsonNode subtask(String url, String task) {
        return get(url, "/apis/v1alpha1/status/" + task).path("sources").path(0).path("subTaskStatus").path(0);
    }

    static JsonNode awaitStage(String url, String task, String stage) {
        ReplicatedSchema.eventually(Duration.ofSeconds(60)).until(() -> stage.equals(subtask(url, task).path("stage").asText()));
        return subtask(url, task);
    }

    static void awaitRunning(String url, String task) {
        awaitStage(url, task, "Running");
    }
}
