package io.dmremediation.realdm;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;

/**
 * One test's data path through real DM: schema {@code schema} with table {@code orders} in the upstream, a DM task
 * replicating it into TiDB (through a link or directly), and rows written upstream and compared downstream.
 */
final class ReplicatedSchema {

    private final RealDmWorld world;
    private final String task;
    private final String schema;
    private final String taskYaml;
    private final AtomicInteger nextId = new AtomicInteger(1);

    private ReplicatedSchema(RealDmWorld world, String task, String schema, String taskYaml) {
        this.world = world;
        this.task = task;
        this.schema = schema;
        this.taskYaml = taskYaml;
    }

    /**
     * Takes the upstream's position, creates the schema after it (so DM replays the DDL), starts the task with
     * dmctl, writes rows and waits until TiDB has them.
     */
    static ReplicatedSchema start(RealDmWorld world, String task, String schema, int targetPort, int flushSeconds) {
        String yaml = world.taskYaml(task, schema, targetPort, flushSeconds);
        world.upstream().execute("CREATE DATABASE " + schema,
                "CREATE TABLE " + schema + ".orders (id INT PRIMARY KEY, note VARCHAR(100))");
        world.dm().dmctlOk(yaml, "start-task");
        ReplicatedSchema s = new ReplicatedSchema(world, task, schema, yaml);
        s.insert(5);
        s.awaitInSync();
        return s;
    }

    String task() {
        return task;
    }

    String schema() {
        return schema;
    }

    String taskYaml() {
        return taskYaml;
    }

    String orders() {
        return schema + ".orders";
    }

    /** The text DM's DML on the table carries (INSERT, REPLACE or DELETE). */
    String dmlMarker() {
        return "`" + schema + "`.`orders`";
    }

    /** Inserts rows upstream, one transaction. */
    void insert(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + orders() + " (id, note) VALUES ");
        for (int i = 0; i < rows; i++) {
            int id = nextId.getAndIncrement();
            sql.append(i == 0 ? "" : ", ").append('(').append(id).append(", 'order ").append(id).append("')");
        }
        world.upstream().execute(sql.toString());
    }

    private final AtomicInteger ddls = new AtomicInteger();

    /**
     * A DDL on the schema, waited for downstream: DM flushes its checkpoints around every DDL, so for the next
     * {@code checkpoint-flush-interval} no DML job triggers a periodic flush (see RestartTaskRealDmTest#FLUSH).
     */
    void flushCheckpointsNow() {
        String table = "flush_" + ddls.incrementAndGet();
        world.upstream().execute("CREATE TABLE " + schema + "." + table + " (id INT PRIMARY KEY)");
        // the flush that follows the DDL has written the new table's checkpoint row: nothing of it is in flight
        eventually(Duration.ofSeconds(60)).until(() -> world.downstreamCount(RealDmWorld.META_SCHEMA + "."
                + task + "_syncer_checkpoint WHERE cp_schema = '" + schema + "' AND cp_table = '" + table + "'") == 1);
    }

    /**
     * Writes a row a second until closed: production traffic while the operator works. DM's status shows the
     * flushed checkpoint, which moves only when DM flushes, and DM flushes when jobs arrive (or on the upstream's
     * 30 s heartbeat); so without traffic the operator's verify (running, and synced or moving) waits on DM's
     * heartbeat, or longer (docs/real-dm-checks.md, finding 6).
     */
    AutoCloseable traffic() {
        java.util.concurrent.atomic.AtomicBoolean on = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread t = new Thread(() -> {
            while (on.get()) {
                try {
                    insert(1);
                } catch (RuntimeException e) {
                    // the upstream is busy; the next second tries again
                }
                PeerProcess.sleep(1000);
            }
        }, "traffic-" + schema);
        t.setDaemon(true);
        t.start();
        return () -> {
            on.set(false);
            t.join(10_000);
        };
    }

    /** Until TiDB's copy of the table equals the upstream's. */
    void awaitInSync() {
        eventually(Duration.ofSeconds(90)).until(
                () -> world.downstreamDigest(orders()).equals(world.upstreamDigest(orders())));
    }

    static ConditionFactory eventually(Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(300)).ignoreExceptions();
    }
}
