package io.dmremediation.realdm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.TaskState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manual run of the FAQ's "binlog file over 4 GB" against real DM (docs/big-binlog-run.md has the result and
 * the machine): not part of {@code mvn -Preal-dm verify} (its name does not end in Test), run with
 * <pre>mvn -B -Preal-dm -Dtest=BigBinlogRealDmRun -Ddmr.bigBinlogGiB=4.2 test</pre>
 * It needs about 13 GB of free disk in the temporary directory (the upstream's table, binlog and binlog cache, DM's
 * relay copy) and about 20 minutes.
 *
 * <p>One transaction writes more than 4 GiB into one upstream binlog file (rows of 1 MiB into a MyISAM table DM is
 * told to ignore, so the syncer reads every event but TiDB stores none), with small replicated rows before and
 * after it. Two sources on the same upstream: {@value RealDmWorld#SOURCE} read directly by the syncer, and a second
 * one with {@code enable-relay: true}. The run prints what DM reports at each step: while streaming through the
 * big file, after the tasks restart from their stored checkpoints (stop-task/start-task), what the operator does
 * once it may act, and whether later traffic gets through.
 */
class BigBinlogRealDmRun {

    static final String RELAY_SOURCE = "mysql-02";

    @Test
    void oneTransactionOverFourGiB() throws Exception {
        double gib = Double.parseDouble(System.getProperty("dmr.bigBinlogGiB", "4.2"));
        RealDmWorld world = RealDmWorld.shared();
        log("DM %s, big transaction %.2f GiB, work dir %s", world.dmVersion(), gib, world.dm().dir());
        world.dm().dmctlOk(relaySourceYaml(world), "operate-source", "create");

        world.upstream().execute("CREATE DATABASE big",
                "CREATE TABLE big.small (id INT PRIMARY KEY, note VARCHAR(100))",
                "CREATE TABLE big.bulk (id INT PRIMARY KEY, data LONGBLOB) ENGINE=MyISAM");
        String startFile = world.upstream().currentBinlogFile();
        world.dm().dmctlOk(task(world, "big_direct", startFile), "start-task");
        world.dm().dmctlOk(task(world, "big_relay", startFile), "start-task");
        world.remediation("big", List.of("big_direct", "big_relay"), true);
        insertSmall(world, 1, 10);
        awaitSmall(world, 10, Duration.ofMinutes(2));
        log("before: %s; relay %s", statuses(world), relay(world));

        // 1. one transaction over 4 GiB, then rows after it in the same file
        String bigFile = world.upstream().currentBinlogFile();
        Instant t0 = Instant.now();
        long rows = Math.round(gib * 1024);
        world.upstream().execute("INSERT INTO big.bulk SELECT seq, REPEAT('x', 1048576) FROM big.seq_1_to_" + rows);
        log("the transaction of %d rows of 1 MiB committed in %s; binary logs %s", rows,
                Duration.between(t0, Instant.now()), world.upstream().binaryLogs());
        insertSmall(world, 11, 20);
        log("rows 11-20 written after it in %s: %s", bigFile, world.upstream().binaryLogs());

        // 2. DM streams through it
        watch(world, Duration.ofMinutes(Long.getLong("dmr.bigBinlogWatchMinutes", 10)),
                now -> smallRows(world, "big") >= 20 && smallRows(world, "big_relay") >= 20 || pausedCount(now) == 2);
        log("after streaming: %s; relay %s; TiDB small rows: direct %d, relay %d; checkpoints %s", statuses(world),
                relay(world), smallRows(world, "big"), smallRows(world, "big_relay"), checkpoints(world));

        // 3. the FAQ's trigger: the subtasks start again from checkpoints DM stored as uint32
        for (String task : List.of("big_direct", "big_relay")) {
            log("stop-task %s: %s", task, world.dm().dmctl(null, "stop-task", task).path("result"));
            log("start-task %s: %s", task, world.dm().dmctl(task(world, task, startFile), "start-task").path("result"));
        }
        watch(world, Duration.ofMinutes(3), now -> pausedCount(now) == 2);
        log("after restart: %s; relay %s; checkpoints %s", statuses(world), relay(world), checkpoints(world));

        // 4. the operator, once it may act
        world.resume("big");
        watch(world, Duration.ofMinutes(Long.getLong("dmr.bigBinlogOperatorMinutes", 10)),
                now -> world.status("big").history.size() >= 2);
        DMRemediationStatus s = world.status("big");
        for (TaskState t : s.tasks) {
            log("operator: task %s stage %s class %s decision %s message %s", t.name, t.stage, t.errorClass,
                    t.decision, t.message);
        }
        for (HistoryEntry h : s.history) {
            log("operator history: %s %s %s %s: %s", h.task, h.errorClass, h.action, h.outcome, h.detail);
        }

        // 5. later traffic in the next file
        world.upstream().rotate();
        insertSmall(world, 21, 30);
        watch(world, Duration.ofMinutes(3), now -> smallRows(world, "big") >= 30 && smallRows(world, "big_relay") >= 30);
        log("end: %s; relay %s; TiDB small rows: direct %d, relay %d (upstream 30); checkpoints %s", statuses(world),
                relay(world), smallRows(world, "big"), smallRows(world, "big_relay"), checkpoints(world));
        // what the recorded run showed (docs/big-binlog-run.md): the syncer reading the upstream is not affected
        assertThat(smallRows(world, "big")).isEqualTo(30);
    }

    private static String relaySourceYaml(RealDmWorld world) {
        return "source-id: " + RELAY_SOURCE + "\n"
                + "flavor: mariadb\n"
                + "enable-gtid: false\n"
                + "enable-relay: true\n"
                + "from:\n"
                + "  host: 127.0.0.1\n"
                + "  port: " + world.upstream().port() + "\n"
                + "  user: " + UpstreamMariaDb.DM_USER + "\n"
                + "  password: \"" + world.upstream().dmPassword() + "\"\n"
                + "checker:\n"
                + "  check-enable: false\n";
    }

    /** The two tasks replicate only big.small: big_direct into big, big_relay (the relay source) into big_relay. */
    private static String task(RealDmWorld world, String name, String file) {
        boolean relay = name.equals("big_relay");
        String yaml = world.taskYaml(name, "big", world.tidb().port(), 30)
                .replaceFirst("binlog-name: .*", "binlog-name: " + file)
                .replaceFirst("binlog-pos: .*", "binlog-pos: 4")
                .replace("    do-dbs: [\"big\"]\n", "    do-tables:\n    - db-name: big\n      tbl-name: small\n");
        if (relay) {
            yaml = yaml.replace("source-id: " + RealDmWorld.SOURCE, "source-id: " + RELAY_SOURCE)
                    .replace("    syncer-config-name: global\n", "    syncer-config-name: global\n    route-rules: [to-relay]\n")
                    + "routes:\n  to-relay:\n    schema-pattern: big\n    target-schema: big_relay\n";
        }
        return yaml;
    }

    private static void insertSmall(RealDmWorld world, int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT INTO big.small VALUES ");
        for (int i = from; i <= to; i++) {
            sql.append(i == from ? "" : ", ").append('(').append(i).append(", 'row ").append(i).append("')");
        }
        world.upstream().execute(sql.toString());
    }

    private static long smallRows(RealDmWorld world, String schema) {
        try (Connection c = world.tidb().root(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM " + schema + ".small")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static void awaitSmall(RealDmWorld world, long rows, Duration atMost) {
        ReplicatedSchema.eventually(atMost)
                .until(() -> smallRows(world, "big") >= rows && smallRows(world, "big_relay") >= rows);
    }

    private static int pausedCount(String statuses) {
        return statuses.split("\"Paused\"", -1).length - 1;
    }

    /** Prints what changes in DM's view every few seconds, until {@code done} or the time is up. */
    private static void watch(RealDmWorld world, Duration howLong, java.util.function.Predicate<String> done) {
        long end = System.nanoTime() + howLong.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            String now = statuses(world) + " relay " + relay(world);
            if (!now.equals(last)) {
                log("%s", now);
                last = now;
            }
            if (done.test(now)) {
                break;
            }
            PeerProcess.sleep(5_000);
        }
    }

    private static String statuses(RealDmWorld world) {
        StringBuilder b = new StringBuilder();
        for (String task : List.of("big_direct", "big_relay")) {
            JsonNode st = world.dm().get("/apis/v1alpha1/status/" + task).path("sources").path(0);
            JsonNode sub = st.path("subTaskStatus").path(0);
            b.append(task).append(": ").append(sub.path("stage")).append(' ')
                    .append(sub.path("sync").path("syncerBinlog")).append(" / master ")
                    .append(sub.path("sync").path("masterBinlog")).append(' ')
                    .append(sub.path("result").path("errors")).append("; ");
        }
        return b.toString();
    }

    private static String relay(RealDmWorld world) {
        JsonNode st = world.dm().get("/apis/v1alpha1/status/big_relay").path("sources").path(0)
                .path("sourceStatus").path("relayStatus");
        return st.path("stage") + " " + st.path("relayBinlog") + " " + st.path("result").path("errors");
    }

    private static String checkpoints(RealDmWorld world) {
        StringBuilder b = new StringBuilder();
        try (Connection c = world.tidb().root(); Statement st = c.createStatement()) {
            for (String task : List.of("big_direct", "big_relay")) {
                try (var rs = st.executeQuery("SELECT cp_table, binlog_name, binlog_pos FROM dm_meta." + task
                        + "_syncer_checkpoint")) {
                    while (rs.next()) {
                        b.append(task).append('/').append(rs.getString(1)).append('=').append(rs.getString(2))
                                .append(':').append(rs.getLong(3)).append(' ');
                    }
                }
            }
        } catch (SQLException e) {
            b.append(e.getMessage());
        }
        return b.toString();
    }

    private static void log(String format, Object... args) {
        System.out.printf("[big-binlog %s] %s%n", Instant.now(), String.format(format, args));
    }
}
