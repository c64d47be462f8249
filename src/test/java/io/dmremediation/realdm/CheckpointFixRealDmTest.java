package io.dmremediation.realdm;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.TaskState;
import io.dmremediation.domain.DmError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FAQ's syncer-side "> 4 GB binlog" fix on real DM with a real checkpoint table in TiDB: DM's checkpoint points
 * inside an event of a binlog file ({@link MidEventPosition}, what the uint32 overflow leaves), real DM fails with
 * 36069 "binlog checksum mismatch", and the operator stops the task, backs up and rewrites the checkpoint rows to
 * position 4 of that file, starts the task with safe-mode on, waits until it has replayed past the file, and puts
 * the task's own safe-mode back.
 */
class CheckpointFixRealDmTest {

    static RealDmWorld world;

    @BeforeAll
    static void world() {
        world = RealDmWorld.shared();
    }

    @Test
    void aCheckpointInsideAnEventIsRewoundToTheStartOfItsFileAndReplayedInSafeMode() throws Exception {
        String task = "cp_fix";
        ReplicatedSchema data = ReplicatedSchema.start(world, task, "cp_fix", world.tidb().port(), 1);
        String big = world.upstream().rotate();
        data.insert(5);
        MidEventPosition.Location mid = MidEventPosition.plant(world.upstream(), "cp_fix.blobs", 1);
        assertThat(mid.file()).isEqualTo(big);
        data.insert(5);
        String next = world.upstream().rotate();
        data.insert(5);
        data.awaitInSync();

        String guard = "cp-fix";
        world.remediation(guard, List.of(task), true);
        world.awaitStage(guard, task, "Running");

        // what the overflow leaves: the task stopped and started again (a worker restart, a user's stop/start) and its
        // checkpoint, in the big file, at a byte inside an event
        world.dm().dmctlOk(null, "stop-task", task);
        int rewritten = update("UPDATE " + checkpointTable(task) + " SET binlog_name = ?, binlog_pos = ?",
                mid.file(), mid.position());
        assertThat(rewritten).isGreaterThanOrEqualTo(3);
        world.dm().dmctlOk(data.taskYaml(), "start-task");

        TaskState seen = world.awaitError(guard, task, "syncer-binlog-overflow");
        assertThat(seen.message).contains("binlog checksum mismatch");
        // go-mysql's checksum error through the syncer's ErrSyncerGetEvent, the text in Message (§4); auto-resume is off
        DmError dm = world.dmError(task);
        assertThat(dm.code()).isEqualTo(36069);
        assertThat(dm.message()).isEqualTo("get binlog event error: binlog checksum mismatch, data may be corrupted");
        assertThat(dm.rawCause()).isEmpty();

        HistoryEntry done;
        try (AutoCloseable traffic = data.traffic()) {
            world.resume(guard);
            done = world.awaitOutcome(guard, "FixSyncerCheckpoint");
        }
        assertThat(done.outcome).as(done.detail).isEqualTo("Succeeded");
        assertThat(done.detail).contains("safe-mode restored");

        // the backup holds the checkpoint as DM had it; the live one has moved past the big file
        String backup = backupTable(task);
        assertThat(rows("SELECT DISTINCT binlog_name, binlog_pos FROM " + backup))
                .containsExactly(mid.file() + ":" + mid.position());
        assertThat(rows("SELECT binlog_name FROM " + checkpointTable(task) + " WHERE is_global = 1").get(0))
                .isGreaterThanOrEqualTo(next);
        // safe mode is the task's own again, and the replay left TiDB equal to the upstream
        assertThat(world.dmClient().taskConfig(task)).contains("safe-mode: false").doesNotContain("safe-mode: true");
        data.awaitInSync();
        assertThat(world.downstreamDigest("cp_fix.blobs", "data")).isEqualTo(world.upstreamDigest("cp_fix.blobs", "data"));
    }

    private static String checkpointTable(String task) {
        return "`" + RealDmWorld.META_SCHEMA + "`.`" + task + "_syncer_checkpoint`";
    }

    private static String backupTable(String task) throws SQLException {
        List<String> names = rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                + RealDmWorld.META_SCHEMA + "' AND table_name LIKE '" + task + "_syncer_checkpoint_bak_%'");
        assertThat(names).hasSize(1);
        return "`" + RealDmWorld.META_SCHEMA + "`.`" + names.get(0) + "`";
    }

    private static int update(String sql, String file, long pos) throws SQLException {
        try (Connection c = world.tidb().root(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, file);
            ps.setLong(2, pos);
            return ps.executeUpdate();
        }
    }

    /** Each row's columns joined with ':'. */
    private static List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = world.tidb().root(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i == 1 ? "" : ":").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }
}
