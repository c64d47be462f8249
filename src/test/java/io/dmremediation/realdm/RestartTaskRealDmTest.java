package io.dmremediation.realdm;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.TaskState;
import io.dmremediation.domain.DmError;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FAQ's two connection errors, produced by real DM against a real TiDB by cutting the connection between them,
 * and fixed by the operator's RestartTask through the real DM-master (gateway stop-task and start-task with the
 * config DM-master returns, OpenAPI for the rest). The DMRemediation is created paused, so each test first sees
 * DM's own error text in the operator's status, then lets it act.
 */
class RestartTaskRealDmTest {

    /**
     * DM's default checkpoint-flush-interval, and each fault comes right after a DDL (which flushes): so the DML job
     * that meets the fault is not the one that triggers the periodic flush. This DM (tiflow master of 2022-03-28) has
     * pingcap/tiflow#5279, fixed a month later: the job that triggers the periodic flush has its table checkpoint
     * flushed before it runs, so if it then fails the restarted task skips its row. With a 1 s interval the
     * mid-transaction cut lost its row that way (docs/real-dm-checks.md). A much longer interval is no way out either:
     * DM's status shows the flushed checkpoint, so an idle task that never flushes never looks synced, and the
     * operator's verify (running and synced or moving) failed after 90 s.
     */
    static final int FLUSH = 30;

    static RealDmWorld world;

    @BeforeAll
    static void world() {
        world = RealDmWorld.shared();
    }

    @Test
    void invalidConnectionInsideATransactionIsFixedByRestartingTheTask() throws Exception {
        TcpFaultProxy link = world.link("ic-txn");
        ReplicatedSchema data = ReplicatedSchema.start(world, "ic_txn", "ic_txn", link.port(), FLUSH);
        String guard = "ic-txn";
        world.remediation(guard, List.of(data.task()), true);
        world.awaitStage(guard, data.task(), "Running");

        // DM's next DML on the table never reaches TiDB: the connection closes after BEGIN, mid-transaction
        data.flushCheckpointsNow();
        link.cutOnStatement(data.dmlMarker());
        data.insert(3);

        TaskState seen = world.awaitError(guard, data.task(), "invalid-connection");
        assertThat(link.cuts()).isEqualTo(1);
        assertThat(seen.message).contains("invalid connection").contains(data.dmlMarker());
        // go-sql-driver's ErrInvalidConn on the statement, through DM's ErrDBExecuteFailed (10006); auto-resume is off
        DmError dm = world.dmError(data.task());
        assertThat(dm.code()).isEqualTo(10006);
        assertThat(dm.rawCause()).isEqualTo("invalid connection");

        HistoryEntry done;
        try (AutoCloseable traffic = data.traffic()) {
            world.resume(guard);
            done = world.awaitOutcome(guard, "RestartTask");
        }
        assertThat(done.outcome).as(done.detail).isEqualTo("Succeeded");
        assertThat(done.errorClass).isEqualTo("invalid-connection");
        data.awaitInSync();
    }

    @Test
    void invalidConnectionBeforeATransactionIsFixedByRestartingTheTask() throws Exception {
        TcpFaultProxy link = world.link("ic-idle");
        ReplicatedSchema data = ReplicatedSchema.start(world, "ic_idle", "ic_idle", link.port(), FLUSH);
        String guard = "ic-idle";
        world.remediation(guard, List.of(data.task()), true);
        world.awaitStage(guard, data.task(), "Running");

        // TiDB's side goes away between transactions (FIN): DM's BEGIN is written, its reply never comes
        data.flushCheckpointsNow();
        link.closeAll();
        data.insert(3);

        TaskState seen = world.awaitError(guard, data.task(), "invalid-connection");
        assertThat(seen.message).contains("execute statement failed: begin").contains("invalid connection");
        DmError dm = world.dmError(data.task());
        assertThat(dm.code()).isEqualTo(10006);
        assertThat(dm.rawCause()).isEqualTo("invalid connection");

        HistoryEntry done;
        try (AutoCloseable traffic = data.traffic()) {
            world.resume(guard);
            done = world.awaitOutcome(guard, "RestartTask");
        }
        assertThat(done.outcome).as(done.detail).isEqualTo("Succeeded");
        data.awaitInSync();
    }

    @Test
    void badConnectionIsFixedByRestartingTheTaskOnceTheDownstreamIsBack() throws Exception {
        TcpFaultProxy link = world.link("bad-conn");
        ReplicatedSchema data = ReplicatedSchema.start(world, "bad_conn", "bad_conn", link.port(), FLUSH);
        String guard = "bad-conn";
        world.remediation(guard, List.of(data.task()), true);
        world.awaitStage(guard, data.task(), "Running");

        // the downstream drops every connection (RST) and turns new ones away: DM's BEGIN cannot be written, and
        // its in-process reconnect fails, so the subtask pauses with the bad connection
        data.flushCheckpointsNow();
        link.resetAll();
        link.refuseNew(true);
        data.insert(3);

        TaskState seen = world.awaitError(guard, data.task(), "bad-connection");
        assertThat(seen.message).contains("driver: bad connection");
        DmError dm = world.dmError(data.task());
        assertThat(dm.code()).isEqualTo(10006);
        assertThat(dm.rawCause()).isEqualTo("driver: bad connection");
        assertThat(link.refused()).isPositive();

        // the downstream is back; only now may the operator act
        link.refuseNew(false);
        HistoryEntry done;
        try (AutoCloseable traffic = data.traffic()) {
            world.resume(guard);
            done = world.awaitOutcome(guard, "RestartTask");
        }
        assertThat(done.outcome).as(done.detail).isEqualTo("Succeeded");
        assertThat(done.errorClass).isEqualTo("bad-connection");
        data.awaitInSync();
    }
}
