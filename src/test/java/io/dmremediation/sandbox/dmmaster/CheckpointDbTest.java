package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.operate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checkpoints in a real MariaDB: DM's table, loaded only when a subtask is created, flushed back (§6). */
class CheckpointDbTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void startTaskCreatesDmsCheckpointTableWithGlobalAndTableRows() throws Exception {
        Downstream.dropSchema("cp_ddl");
        try (DmMasterSimulator sim = Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, false))
                .tickInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("cpddl", false, "cp_ddl", SOURCE));
            List<String> columns = new ArrayList<>();
            try (Connection c = Downstream.db().adminConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE"
                         + " table_schema = 'cp_ddl' AND table_name = 'cpddl_syncer_checkpoint' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            assertThat(columns).containsExactly("id", "cp_schema", "cp_table", "binlog_name", "binlog_pos",
                    "binlog_gtid", "exit_safe_binlog_name", "exit_safe_binlog_pos", "exit_safe_binlog_gtid",
                    "table_info", "is_global", "create_time", "update_time");
            List<Downstream.Row> rows = Downstream.rows("cp_ddl", "cpddl", SOURCE);
            assertThat(rows).containsExactly(
                    new Downstream.Row("", "", "mysql-bin.000001", 4, true),
                    new Downstream.Row("shop", "items", "mysql-bin.000001", 4, false),
                    new Downstream.Row("shop", "orders", "mysql-bin.000001", 4, false));
        }
    }

    @Test
    void aStoredCheckpointBeatsTheTaskMeta() throws Exception {
        Downstream.dropSchema("cp_beats");
        try (DmMasterSimulator sim = Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, false))
                .tickInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("cpbeats", false, "cp_beats", SOURCE));
            operate(sim, "cpbeats", "Delete");
            Downstream.setCheckpoint("cp_beats", "cpbeats", SOURCE, "mysql-bin.000002", 100);
            sim.startTask(SimSupport.taskYaml("cpbeats", false, "cp_beats", SOURCE));
            assertThat(sim.checkpoint("cpbeats", SOURCE)).isEqualTo(new Position("mysql-bin.000002", 100));
        }
    }

    @Test
    void progressIsFlushedAndAnEditWhileRunningIsOverwritten() throws Exception {
        Downstream.dropSchema("cp_flush");
        try (DmMasterSimulator sim = Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, false)).build()) {
            sim.startTask(SimSupport.taskYaml("cpflush", false, "cp_flush", SOURCE));
            await().atMost(WAIT).until(() -> new Downstream.Row("", "", "mysql-bin.000003", 8192, true)
                    .equals(Downstream.global("cp_flush", "cpflush", SOURCE)));
            assertThat(Downstream.rows("cp_flush", "cpflush", SOURCE)).allSatisfy(r -> {
                assertThat(r.binlogName()).isEqualTo("mysql-bin.000003");
                assertThat(r.binlogPos()).isEqualTo(8192);
            });

            Downstream.setCheckpoint("cp_flush", "cpflush", SOURCE, "mysql-bin.000001", 4);
            sim.growBinlog(SOURCE, 1000);
            await().atMost(WAIT).until(() -> Downstream.global("cp_flush", "cpflush", SOURCE).binlogPos() == 9192);
            assertThat(sim.checkpoint("cpflush", SOURCE)).isEqualTo(new Position("mysql-bin.000003", 9192));
        }
    }

    @Test
    void pauseFlushesAndResumeNeverRereadsTheTable() throws Exception {
        Downstream.dropSchema("cp_pause");
        try (DmMasterSimulator sim = Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, false))
                .checkpointFlushInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("cppause", false, "cp_pause", SOURCE));
            await().atMost(WAIT).until(() -> sim.checkpoint("cppause", SOURCE).equals(new Position("mysql-bin.000003", 8192)));
            assertThat(Downstream.global("cp_pause", "cppause", SOURCE).binlogName()).isEqualTo("mysql-bin.000001");
            operate(sim, "cppause", "Pause");
            assertThat(Downstream.global("cp_pause", "cppause", SOURCE).binlogName()).isEqualTo("mysql-bin.000003");

            Downstream.setCheckpoint("cp_pause", "cppause", SOURCE, "mysql-bin.000002", 4);
            operate(sim, "cppause", "Resume");
            assertThat(sim.checkpoint("cppause", SOURCE)).isEqualTo(new Position("mysql-bin.000003", 8192));
        }
    }

    @Test
    void workerRestartLoadsTheTableAndAKillLosesWhatWasNotFlushed() throws Exception {
        Downstream.dropSchema("cp_restart");
        try (DmMasterSimulator sim = Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, false))
                .checkpointFlushInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("cprestart", false, "cp_restart", SOURCE));
            await().atMost(WAIT).until(() -> sim.checkpoint("cprestart", SOURCE).file().equals("mysql-bin.000003"));
            sim.killWorker(WORKER);
            assertThat(sim.subtaskStage("cprestart", SOURCE)).isNull();
            assertThat(Downstream.global("cp_restart", "cprestart", SOURCE).binlogName()).isEqualTo("mysql-bin.000001");

            Downstream.setCheckpoint("cp_restart", "cprestart", SOURCE, "mysql-bin.000002", 4);
            sim.startWorker(WORKER);
            assertThat(sim.flushedCheckpoint("cprestart", SOURCE)).isEqualTo(new Position("mysql-bin.000002", 4));

            await().atMost(WAIT).until(() -> sim.checkpoint("cprestart", SOURCE).file().equals("mysql-bin.000003"));
            sim.stopWorker(WORKER);
            assertThat(Downstream.global("cp_restart", "cprestart", SOURCE).binlogName()).isEqualTo("mysql-bin.000003");
        }
    }

    @Test
    void readingRelayStoresTheSuffixedNameAndLoadsIt() throws Exception {
        Downstream.dropSchema("cp_relay");
        // no periodic flush: a flush between startWorker and the read would replace what the start loaded
        try (DmMasterSimulator sim = Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, true))
                .checkpointFlushInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("cprelay", false, "cp_relay", SOURCE));
            await().atMost(WAIT).until(() -> sim.checkpoint("cprelay", SOURCE).file().equals("mysql-bin.000003"));
            sim.stopWorker(WORKER);
            assertThat(Downstream.global("cp_relay", "cprelay", SOURCE).binlogName()).isEqualTo("mysql-bin|000001.000003");

            Downstream.setCheckpoint("cp_relay", "cprelay", SOURCE, "mysql-bin|000001.000002", 4);
            sim.startWorker(WORKER);
            assertThat(sim.flushedCheckpoint("cprelay", SOURCE)).isEqualTo(new Position("mysql-bin.000002", 4));
        }
    }

    @Test
    void removeMetaDropsTheCheckpoints() throws Exception {
        Downstream.dropSchema("cp_rm");
        try (DmMasterSimulator sim = Downstream.withDb(SimSupport.oneSource(DmVersion.V8_5, false))
                .tickInterval(Duration.ofHours(1)).build()) {
            sim.startTask(SimSupport.taskYaml("cprm", false, "cp_rm", SOURCE));
            operate(sim, "cprm", "Pause");
            Downstream.setCheckpoint("cp_rm", "cprm", SOURCE, "mysql-bin.000002", 4);
            operate(sim, "cprm", "Delete");
            String body = SimSupport.MAPPER.createObjectNode()
                    .put("task", SimSupport.taskYaml("cprm", false, "cp_rm", SOURCE)).put("removeMeta", true).toString();
            assertThat(SimSupport.postJson(sim, "/apis/v1alpha1/tasks", body).json().path("result").asBoolean()).isTrue();
            assertThat(sim.checkpoint("cprm", SOURCE)).isEqualTo(new Position("mysql-bin.000001", 4));
        }
    }
}
