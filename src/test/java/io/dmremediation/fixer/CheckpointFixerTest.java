package io.dmremediation.fixer;

import static io.dmremediation.fixer.CheckpointTables.FILE;
import static io.dmremediation.fixer.CheckpointTables.FILE_SUFFIXED;
import static io.dmremediation.fixer.CheckpointTables.OTHER_SOURCE;
import static io.dmremediation.fixer.CheckpointTables.REAL_GTID;
import static io.dmremediation.fixer.CheckpointTables.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointFixerTest {

    private static final String TASK = "orders";

    private final CheckpointFixer fixer = new CheckpointFixer();

    private static CheckpointFixRequest request(String schema, String remediationId, GtidMode mode) {
        return CheckpointFixRequest.of(schema, TASK, SOURCE, FILE, 4, remediationId, mode);
    }

    @Test
    void fixesTheGlobalRowAndTheRowsInTheAffectedFileAfterBackingUpTheOriginalRows() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        Map<String, String> otherBefore = CheckpointTables.positions(schema, TASK, OTHER_SOURCE);
        List<String> originalRows = CheckpointTables.rows("SELECT * FROM `" + schema + "`.`orders_syncer_checkpoint`"
                + " WHERE id = '" + SOURCE + "' ORDER BY 1, 2, 3");

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(),
                request(schema, "r1a2b", GtidMode.UNKNOWN));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(CheckpointTables.positions(schema, TASK, SOURCE)).containsOnly(
                entry(".", FILE_SUFFIXED + "@4"),   // name kept as stored
                entry("db1.t1", FILE + "@4"),
                entry("db1.t2", FILE_SUFFIXED + "@4"),
                entry("db1.t3", "mysql-bin.004450@999"),
                entry("db2.t4", "mysql-bin|000001.004450@12345"));
        assertThat(CheckpointTables.positions(schema, TASK, OTHER_SOURCE)).isEqualTo(otherBefore);

        assertThat(report.backupTable()).isEqualTo("orders_syncer_checkpoint_bak_r1a2b");
        assertThat(report.backupCreated()).isTrue();
        // the backup holds every column of the source's original rows, and only those
        assertThat(CheckpointTables.rows("SELECT * FROM `" + schema + "`.`orders_syncer_checkpoint_bak_r1a2b`"
                + " ORDER BY 1, 2, 3")).isEqualTo(originalRows).hasSize(5);

        assertThat(report.before()).extracting(CheckpointRow::cpTable, CheckpointRow::binlogPos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("", 1234L),
                        org.assertj.core.groups.Tuple.tuple("t1", 5000L),
                        org.assertj.core.groups.Tuple.tuple("t2", 77L));
        assertThat(report.after()).extracting(CheckpointRow::binlogPos).containsExactly(4L, 4L, 4L);
        assertThat(report.untouched()).extracting(CheckpointRow::cpTable).containsExactly("t3", "t4");
        assertThat(report.message()).contains("fixed", "safe-mode");
    }

    @Test
    void aReRunIsAlreadyAppliedAndLeavesTableAndBackupAsTheFirstRunLeftThem() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        assertThat(fixer.fix(CheckpointTables.adminSettings(), request(schema, "rerun", GtidMode.UNKNOWN)).outcome())
                .isEqualTo(FixOutcome.FIXED);
        Map<String, List<String>> afterFirst = CheckpointTables.snapshot(schema);

        CheckpointFixReport second = fixer.fix(CheckpointTables.adminSettings(),
                request(schema, "rerun", GtidMode.UNKNOWN));

        assertThat(second.outcome()).as(second.message()).isEqualTo(FixOutcome.ALREADY_APPLIED);
        assertThat(second.backupCreated()).isFalse();
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(afterFirst);
        assertThat(second.after()).extracting(CheckpointRow::binlogPos).containsOnly(4L);
    }

    @Test
    void aReRunAfterAnInterruptedRunReusesTheBackupItFinds() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        // the first Job took the backup and died before its transaction
        try (Connection c = CheckpointTables.db().adminConnection()) {
            CheckpointStore store = new CheckpointStore(c);
            assertThat(new CheckpointBackup(c, store).ensure(schema, "orders_syncer_checkpoint",
                    "orders_syncer_checkpoint_bak_crash", SOURCE)).isTrue();
        }
        List<String> backup = CheckpointTables.rows("SELECT * FROM `" + schema
                + "`.`orders_syncer_checkpoint_bak_crash` ORDER BY 1, 2, 3");

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(),
                request(schema, "crash", GtidMode.UNKNOWN));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(report.backupCreated()).isFalse();
        assertThat(CheckpointTables.rows("SELECT * FROM `" + schema + "`.`orders_syncer_checkpoint_bak_crash`"
                + " ORDER BY 1, 2, 3")).isEqualTo(backup);
    }

    @Test
    void anInterruptedBackupCopyIsRedoneNotTrusted() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        // a half-filled staging table from a Job killed while copying
        CheckpointTables.execute("CREATE TABLE `" + schema + "`.`orders_syncer_checkpoint_bak_half_tmp` LIKE `"
                + schema + "`.`orders_syncer_checkpoint`");

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "half",
                GtidMode.UNKNOWN));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(CheckpointTables.snapshot(schema)).containsOnlyKeys("orders_syncer_checkpoint",
                "orders_syncer_checkpoint_bak_half");
        assertThat(CheckpointTables.snapshot(schema).get("orders_syncer_checkpoint_bak_half")).hasSize(5);
    }

    @Test
    void refusesWhenTheRowsMovedSinceTheBackupWasTaken() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        assertThat(fixer.fix(CheckpointTables.adminSettings(), request(schema, "moved", GtidMode.UNKNOWN)).outcome())
                .isEqualTo(FixOutcome.FIXED);
        // DM ran after the fix and flushed a new position in the same file
        CheckpointTables.execute("UPDATE `" + schema + "`.`orders_syncer_checkpoint` SET binlog_pos = 900000"
                + " WHERE id = '" + SOURCE + "' AND cp_table = ''");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "moved",
                GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("differ both from the backup");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void gtidModeOnIsRefusedWithoutEvenConnecting() throws Exception {
        DownstreamSettings nowhere = new DownstreamSettings("127.0.0.1", closedPort(), "u", "p",
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        CheckpointFixReport report = fixer.fix(nowhere, request("dm_meta", "g1", GtidMode.ON));
        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("binlog_gtid").doesNotContain("connect");
    }

    @Test
    void unknownGtidModeRefusesWhenTheGlobalRowCarriesARealGtidSet() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, REAL_GTID);
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "g2",
                GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains(REAL_GTID, "enable-gtid", "--source-gtid-mode off");
        // refused before the backup: not even a backup table
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void unknownGtidModeProceedsWithTheAllZeroPlaceholder() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "00000000-0000-0000-0000-000000000000:0");
        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "g3",
                GtidMode.UNKNOWN));
        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
    }

    @Test
    void gtidModeOffProceedsAndLeavesTheGtidAsStored() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, REAL_GTID);

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "g4",
                GtidMode.OFF));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(CheckpointTables.rows("SELECT DISTINCT binlog_gtid FROM `" + schema
                + "`.`orders_syncer_checkpoint` WHERE id = '" + SOURCE + "'")).containsExactly(REAL_GTID);
        assertThat(CheckpointTables.positions(schema, TASK, SOURCE)).containsEntry(".", FILE_SUFFIXED + "@4");
    }

    @Test
    void refusesAMissingTable() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), CheckpointFixRequest.of(schema,
                "invoices", SOURCE, FILE, 4, "m1", GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains(schema + ".invoices_syncer_checkpoint does not exist");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void refusesWhenTheSourceHasNoRowsAndNamesTheSourcesThatDo() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), CheckpointFixRequest.of(schema,
                TASK, "mysql-replica-09", FILE, 4, "m2", GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("no rows for source 'mysql-replica-09'", "'" + SOURCE + "'");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void refusesWhenTheSourceHasNoGlobalRow() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.create(schema, TASK);
        CheckpointTables.insert(schema, TASK, SOURCE, "db1", "t1", FILE, 5000, "", false);
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "m3",
                GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("no global checkpoint row");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void refusesWhenTheGlobalCheckpointIsInAnotherFile() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), CheckpointFixRequest.of(schema,
                TASK, SOURCE, "mysql-bin.004450", 4, "m4", GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("not in the affected file mysql-bin.004450");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void acceptsTheSuffixedFormForTheAffectedFileAndAnotherPosition() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), CheckpointFixRequest.of(schema,
                TASK, SOURCE, FILE_SUFFIXED, 4294967295L, "m5", GtidMode.OFF));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(CheckpointTables.positions(schema, TASK, SOURCE)).containsEntry("db1.t1", FILE + "@4294967295");
    }

    @Test
    void aLongRemediationIdGetsADeterministicShortenedBackupName() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        String task = "a_task_name_of_forty_characters_exactly_";
        CheckpointTables.create(schema, task);
        CheckpointTables.insert(schema, task, SOURCE, "", "", FILE, 1234, "", true);
        String rid = "remediation-0123456789";

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), CheckpointFixRequest.of(schema,
                task, SOURCE, FILE, 4, rid, GtidMode.UNKNOWN));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(report.backupTable()).hasSize(64).isEqualTo(Identifiers.backupTable(task, rid))
                .startsWith("a_task_name_of_forty_characters__bak_remediation-0123_");
        assertThat(report.message()).contains("shortened");
        assertThat(CheckpointTables.snapshot(schema)).containsKey(report.backupTable());
        assertThat(fixer.fix(CheckpointTables.adminSettings(), CheckpointFixRequest.of(schema, task, SOURCE, FILE, 4,
                rid, GtidMode.UNKNOWN)).outcome()).isEqualTo(FixOutcome.ALREADY_APPLIED);
    }

    @Test
    void rowsAlreadyAtTheTargetWithoutABackupAreReportedAsAlreadyAppliedAndGetABackup() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.create(schema, TASK);
        CheckpointTables.insert(schema, TASK, SOURCE, "", "", FILE, 4, "", true);
        CheckpointTables.insert(schema, TASK, SOURCE, "db1", "t1", FILE, 4, "", false);
        List<String> original = CheckpointTables.snapshot(schema).get("orders_syncer_checkpoint");

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "done",
                GtidMode.UNKNOWN));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.ALREADY_APPLIED);
        assertThat(report.backupCreated()).isTrue();
        assertThat(CheckpointTables.snapshot(schema).get("orders_syncer_checkpoint")).isEqualTo(original);
    }

    @Test
    void anUnreachableServerIsAClearRefusal() throws Exception {
        DownstreamSettings nowhere = new DownstreamSettings("127.0.0.1", closedPort(), "u", "secret-pw",
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        CheckpointFixReport report = fixer.fix(nowhere, request("dm_meta", "down", GtidMode.UNKNOWN));
        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("cannot connect to the downstream at 127.0.0.1:")
                .doesNotContain("secret-pw");
        assertThat(report.toJson()).doesNotContain("secret-pw");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            DownstreamSettings hung = new DownstreamSettings("127.0.0.1", silent.getLocalPort(), "u", "p",
                    Duration.ofSeconds(1), Duration.ofSeconds(1));
            long start = System.nanoTime();

            CheckpointFixReport report = fixer.fix(hung, request("dm_meta", "hung", GtidMode.UNKNOWN));

            assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
            assertThat(report.message()).contains("cannot connect");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void worksInANonDefaultMetaSchemaAndLeavesTheConnectionsAutocommitAsFound() throws Exception {
        String schema = CheckpointTables.freshSchema("custom_meta");
        CheckpointTables.scenario(schema, TASK, "");
        try (Connection c = CheckpointTables.db().adminConnection()) {
            c.setAutoCommit(false);
            CheckpointFixReport report = fixer.fix(c, request(schema, "ac", GtidMode.UNKNOWN));
            assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
            assertThat(c.getAutoCommit()).isFalse();
        }
        assertThat(CheckpointTables.positions(schema, TASK, SOURCE)).containsEntry("db1.t2", FILE_SUFFIXED + "@4");
    }

    @Test
    void aUserWhoCannotCreateTheBackupChangesNothing() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);
        String user = "dmr_nocreate";
        String pass = "pw-" + Long.toHexString(System.nanoTime());
        CheckpointTables.execute("CREATE OR REPLACE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + pass + "'");
        CheckpointTables.execute("GRANT SELECT, UPDATE ON `" + schema + "`.* TO '" + user + "'@'127.0.0.1'");
        DownstreamSettings limited = new DownstreamSettings("127.0.0.1", CheckpointTables.db().port(), user, pass,
                Duration.ofSeconds(5), Duration.ofSeconds(30));

        CheckpointFixReport report = fixer.fix(limited, request(schema, "priv", GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("database error", "denied", "checkpoint rows were not changed");
        // the user could have updated the rows, but no backup means no update
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void rowsThatDoNotReadBackAsIntendedAreRolledBack() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        // something on the server changes what the UPDATE writes
        CheckpointTables.execute("CREATE TRIGGER `" + schema + "`.skew BEFORE UPDATE ON `" + schema
                + "`.orders_syncer_checkpoint FOR EACH ROW SET NEW.binlog_pos = NEW.binlog_pos + 1");
        List<String> rows = CheckpointTables.snapshot(schema).get("orders_syncer_checkpoint");

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "skew",
                GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("did not read back as intended", "rolled back");
        assertThat(CheckpointTables.snapshot(schema).get("orders_syncer_checkpoint")).isEqualTo(rows);
        assertThat(CheckpointTables.snapshot(schema)).containsKey("orders_syncer_checkpoint_bak_skew");
    }

    @Test
    void anErrorInTheMiddleOfTheUpdateRollsEverythingBack() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        // the third row updated fails: the first two must not stay changed
        CheckpointTables.execute("CREATE TRIGGER `" + schema + "`.boom BEFORE UPDATE ON `" + schema
                + "`.orders_syncer_checkpoint FOR EACH ROW BEGIN IF NEW.cp_table = 't2' THEN"
                + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'disk full'; END IF; END");
        List<String> rows = CheckpointTables.snapshot(schema).get("orders_syncer_checkpoint");

        CheckpointFixReport report = fixer.fix(CheckpointTables.adminSettings(), request(schema, "boom",
                GtidMode.UNKNOWN));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("database error: disk full", "backup orders_syncer_checkpoint_bak_boom"
                + " was created and is kept", "checkpoint rows were not changed");
        assertThat(CheckpointTables.snapshot(schema).get("orders_syncer_checkpoint")).isEqualTo(rows);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
