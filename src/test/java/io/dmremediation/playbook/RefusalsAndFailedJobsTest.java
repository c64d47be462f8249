package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.JobSettings;
import io.dmremediation.controlplane.JobHistory;
import io.dmremediation.controlplane.Worlds;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import io.dmremediation.sandbox.Kubelet;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Refusals change nothing (GTID checkpoints, a missing table, wrong credentials, a hostile task name, a relay dir
 * off the volume); a failed or stuck fix Job leaves the task as DM had it, escalated, with the reason on record.
 */
class RefusalsAndFailedJobsTest {

    static final String S1 = SandboxWorld.SOURCE_1;
    static final String S2 = SandboxWorld.SOURCE_2;
    World world;
    JobHistory jobs;

    @AfterEach
    void tearDown() {
        if (jobs != null) {
            jobs.close();
        }
        if (world != null) {
            world.close();
        }
    }

    void start(UnaryOperator<SandboxWorld.Builder> options, String task, String source) {
        world = Worlds.create(options);
        world.startOperator();
        world.startTask(task, source);
        world.apply(world.remediation("guard", task));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status().phase));
    }

    DMRemediationStatus status() {
        return world.status("guard");
    }

    HistoryEntry awaitEscalation() {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> "Escalated".equals(status().phase));
        DMRemediationStatus s = status();
        HistoryEntry failed = s.history.stream().filter(h -> "Failed".equals(h.outcome)).findFirst().orElseThrow();
        assertThat(s.history.get(0).outcome).isEqualTo("Escalated");
        assertThat(world.events("guard")).extracting(e -> e.getReason())
                .contains("RemediationFailed", "Escalated");
        assertThat(s.conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Escalated");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        return failed;
    }

    List<String> checkpointRows(String task) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = world.database().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, cp_schema, cp_table, binlog_name, binlog_pos FROM `"
                     + world.metaSchema() + "`.`" + task + "_syncer_checkpoint` ORDER BY id, cp_schema, cp_table")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
                        + rs.getLong(5));
            }
        }
        return out;
    }

    int backups(String task) throws Exception {
        try (Connection c = world.database().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                     + "'" + world.metaSchema() + "' AND table_name LIKE '" + task + "_syncer_checkpoint_bak_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** After the syncer overflow of orders is detected, the checkpoint rows as DM flushed them. */
    List<String> injectSyncerOverflowAndSnapshotRows() throws Exception {
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "syncer-binlog-overflow".equals(status().tasks.get(0).errorClass));
        return checkpointRows("orders");
    }

    void assertTaskLeftAsDmHadIt(List<String> rowsBefore) throws Exception {
        assertThat(world.dm().stopCount("orders")).as("never stopped").isZero();
        assertThat(world.dm().taskExists("orders")).isTrue();
        assertThat(world.dm().subtaskErrors("orders", S1)).as("still shows its error").isNotEmpty();
        assertThat(checkpointRows("orders")).isEqualTo(rowsBefore);
        assertThat(backups("orders")).isZero();
    }

    @Test
    void gtidCheckpointsAreRefusedBeforeAnythingChanges() throws Exception {
        start(b -> b.gtidOnSource1(true), "orders", S1);
        List<String> rows = injectSyncerOverflowAndSnapshotRows();
        HistoryEntry failed = awaitEscalation();
        assertThat(failed.detail).contains("GTID").contains("nothing was changed");
        assertTaskLeftAsDmHadIt(rows);
    }

    @Test
    void wrongCredentialsAreRefusedBeforeAnythingChanges() throws Exception {
        start(b -> b, "orders", S1);
        breakThePassword();
        List<String> rows = injectSyncerOverflowAndSnapshotRows();
        HistoryEntry failed = awaitEscalation();
        assertThat(failed.detail).contains("Access denied").contains("nothing was changed");
        assertTaskLeftAsDmHadIt(rows);
    }

    @Test
    void wrongCredentialsStopARestartBeforeTheTaskIsStopped() {
        start(b -> b, "orders", S1);
        breakThePassword();
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> status().history.stream().anyMatch(h -> "Failed".equals(h.outcome)));
        HistoryEntry failed = status().history.stream().filter(h -> "Failed".equals(h.outcome)).findFirst().orElseThrow();
        assertThat(failed.action).isEqualTo("RestartTask");
        assertThat(failed.detail).contains("refuses the Secret's credentials").contains("nothing was changed");
        assertThat(world.dm().stopCount("orders")).isZero();
        assertThat(world.dm().taskExists("orders")).isTrue();
    }

    void setPaused(boolean paused) {
        world.client().resources(DMRemediation.class).inNamespace(world.namespace()).withName("guard")
                .edit(r -> {
                    r.getSpec().paused = paused;
                    return r;
                });
    }

    /** The downstream Secret now holds a password the downstream refuses. */
    void breakThePassword() {
        world.client().secrets().inNamespace(world.namespace()).withName(SandboxWorld.DOWNSTREAM_SECRET)
                .edit(s -> {
                    // stringData is write-only on a real API server (it merges into data and reads back null)
                    if (s.getStringData() == null) {
                        s.setStringData(new java.util.HashMap<>());
                    }
                    s.getStringData().put("password", "wrong");
                    return s;
                });
    }

    @Test
    void aMissingCheckpointTableIsRefusedBeforeAnythingChanges() throws Exception {
        // DM's auto-resume retries this error, and each retry's flush would put the table back (with rows): an hour
        // between retries keeps it away
        start(b -> b.autoResume(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)), "orders", S1);
        // held by spec.paused while the table goes away: the operator acts on this error at first sight, and the
        // table must be gone before its precheck runs, not somewhere during the playbook
        setPaused(true);
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "syncer-binlog-overflow".equals(status().tasks.get(0).errorClass)
                        && status().tasks.get(0).decision.contains("spec.paused"));
        try (Connection c = world.database().adminConnection(); Statement st = c.createStatement()) {
            String m = "`" + world.metaSchema() + "`.";
            st.execute("RENAME TABLE " + m + "orders_syncer_checkpoint TO " + m + "orders_moved_away");
        }
        setPaused(false);
        HistoryEntry failed = awaitEscalation();
        assertThat(failed.detail).contains("does not exist").contains("nothing was changed");
        assertThat(world.dm().stopCount("orders")).isZero();
        assertThat(backups("orders")).isZero();
    }

    @Test
    void aHostileTaskNameNeverReachesSql() throws Exception {
        world = Worlds.create();
        world.startOperator();
        String hostile = "x`;DROP_TABLE";
        world.startTask(hostile, S1);
        DMRemediation r = world.remediation("guard");
        r.getSpec().tasks = List.of();
        world.apply(r);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status().phase));
        List<String> tablesBefore = tables();
        world.dm().injectSyncerOverflow(hostile, S1, "mysql-bin.000002");

        HistoryEntry failed = awaitEscalation();
        assertThat(failed.detail).contains("nothing was changed");
        assertThat(world.kubelet().runs()).allSatisfy(run -> assertThat(run.exitCode()).isNotZero());
        assertThat(world.dm().stopCount(hostile)).isZero();
        assertThat(tables()).isEqualTo(tablesBefore);
    }

    List<String> tables() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = world.database().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_schema, table_name FROM information_schema.tables WHERE "
                     + "table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY 1, 2")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "." + rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void aRelayDirOffTheVolumeIsRefusedBeforeAnythingChanges() {
        start(b -> b.relayDirOfSource2("./relay_log"), "crm", S2);
        world.dm().injectRelayOverflow(S2, "mysql-bin.000002");
        HistoryEntry failed = awaitEscalation();
        assertThat(failed.action).isEqualTo("FixRelayMeta");
        assertThat(failed.detail).contains("ephemeral disk").contains("nothing was changed");
        assertThat(world.dm().stopCount("crm")).isZero();
        assertThat(world.dm().relayErrors(S2)).isNotEmpty();
        assertThat(world.kubelet().runs()).isEmpty();
    }

    /** Runs on both worlds: on the real control plane the Job controller decides, on the sandbox its stand-in. */
    @Test
    @Tag(Worlds.BOTH)
    void aFailedFixJobLeavesTheTaskRunningWithItsOriginalConfig() throws Exception {
        start(b -> b, "orders", S1);
        jobs = new JobHistory(world.client(), world.namespace());
        world.kubelet().behave("dmr-fix-checkpoint-", Kubelet.Behaviour.FAIL);
        List<String> rows = injectSyncerOverflowAndSnapshotRows();
        HistoryEntry failed = awaitEscalation();
        assertThat(failed.detail).contains("failed").contains("started again with its original config");
        assertThat(world.dm().taskExists("orders")).as("nothing left stopped by the operator").isTrue();
        assertThat(world.dm().taskSafeMode("orders", S1)).as("original config").isFalse();
        assertThat(checkpointRows("orders")).isEqualTo(rows);
        // backoffLimit 0: one pod, never retried, the Job failed for it
        String fix = jobs.job("dmr-fix-checkpoint-");
        assertThat(jobs.pods(fix)).hasSize(1);
        assertThat(jobs.failedFor(fix)).containsExactly("BackoffLimitExceeded");
    }

    @Test
    @Tag(Worlds.BOTH)
    void aStuckFixJobIsStoppedAtItsDeadlineAndTheTaskStartedAgain() throws Exception {
        world = Worlds.create();
        jobs = new JobHistory(world.client(), world.namespace());
        world.startOperator();
        world.startTask("orders", S1);
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().jobs = new JobSettings();
        r.getSpec().jobs.deadline = "10s";
        world.apply(r);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status().phase));
        world.kubelet().behave("dmr-fix-checkpoint-", Kubelet.Behaviour.HANG);
        List<String> rows = injectSyncerOverflowAndSnapshotRows();
        HistoryEntry failed = awaitEscalation();
        assertThat(failed.detail).contains("DeadlineExceeded");
        assertThat(world.dm().taskExists("orders")).isTrue();
        assertThat(checkpointRows("orders")).isEqualTo(rows);
        assertThat(world.client().batch().v1().jobs().inNamespace(world.namespace()).list().getItems())
                .noneMatch(j -> j.getMetadata().getName().startsWith("dmr-fix-checkpoint-"));
        // activeDeadlineSeconds: the Job failed for its deadline, with its one pod
        String fix = jobs.job("dmr-fix-checkpoint-");
        assertThat(jobs.failedFor(fix)).containsExactly("DeadlineExceeded");
        assertThat(jobs.pods(fix)).hasSize(1);
    }

    @Test
    void aFailedRelayJobResumesRelayAndTasks() throws Exception {
        start(b -> b, "crm", S2);
        world.kubelet().behave("dmr-fix-relay-meta-", Kubelet.Behaviour.FAIL);
        String metaBefore = Files.readString(world.dm().relayMetaFile(S2));
        world.dm().injectRelayOverflow(S2, "mysql-bin.000002");
        HistoryEntry failed = awaitEscalation();
        assertThat(failed.detail).contains("relay and tasks crm were started again");
        assertThat(world.dm().taskExists("crm")).isTrue();
        assertThat(world.dm().relayStage(S2)).isNotEqualTo("Stopped");
        assertThat(Files.readString(world.dm().relayMetaFile(S2))).isNotEqualTo(metaBefore)
                .as("relay.meta holds the overflowed position DM wrote, not an edit of ours")
                .doesNotContain("binlog-pos = 4\n");
    }
}
