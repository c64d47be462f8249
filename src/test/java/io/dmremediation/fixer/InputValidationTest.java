package io.dmremediation.fixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names, file names, positions and settings are checked before anything touches a database or a file. */
class InputValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "task-1", "dm_test", "T_2", "a"})
    void acceptsDmTaskNames(String task) {
        assertThat(Identifiers.checkpointTable(task)).isEqualTo(task + "_syncer_checkpoint");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a`b", "a'b", "a\"b", "a;b", "a b", "../a", "a/b", "a.b", "-a", "a\nb", "é",
        "a\\b", "a)b"})
    void refusesHostileTaskNames(String task) {
        assertThatThrownBy(() -> Identifiers.taskName(task)).isInstanceOf(InvalidFixRequestException.class)
                .hasMessageContaining("task name");
    }

    @Test
    void theCheckpointTableMustFit64Characters() {
        assertThat(Identifiers.checkpointTable("t".repeat(46))).hasSize(64);
        assertThatThrownBy(() -> Identifiers.taskName("t".repeat(47))).hasMessageContaining("64");
        assertThat(Identifiers.metaSchema("m".repeat(64))).hasSize(64);
        assertThatThrownBy(() -> Identifiers.metaSchema("m".repeat(65))).hasMessageContaining("at most 64");
    }

    @Test
    void sourceIdsAreValuesWithDmsLimit() {
        assertThat(Identifiers.sourceId("mysql-replica-01")).isEqualTo("mysql-replica-01");
        assertThat(Identifiers.sourceId("replica.1")).isEqualTo("replica.1");
        assertThatThrownBy(() -> Identifiers.sourceId("s".repeat(33))).hasMessageContaining("32");
        assertThatThrownBy(() -> Identifiers.sourceId("a' OR 1=1")).hasMessageContaining("source id");
    }

    @Test
    void backupTableNamesFitAreFindableAndDeterministic() {
        assertThat(Identifiers.backupTable("orders", "r1")).isEqualTo("orders_syncer_checkpoint_bak_r1");
        assertThat(Identifiers.backupTableShortened("orders", "r1")).isFalse();
        String task = "t".repeat(46);
        String a = Identifiers.backupTable(task, "remediation-a");
        String b = Identifiers.backupTable(task, "remediation-b");
        assertThat(a).hasSizeLessThanOrEqualTo(64).contains("_bak_").isNotEqualTo(b)
                .isEqualTo(Identifiers.backupTable(task, "remediation-a"));
        assertThat(Identifiers.backupTableShortened(task, "remediation-a")).isTrue();
        assertThat(CheckpointBackup.stagingName(a)).hasSizeLessThanOrEqualTo(64).isNotEqualTo(a);
        assertThat(CheckpointBackup.stagingName("orders_syncer_checkpoint_bak_r1"))
                .isEqualTo("orders_syncer_checkpoint_bak_r1_tmp");
    }

    @Test
    void quotingDoublesBackticks() {
        assertThat(Identifiers.quote("dm_meta")).isEqualTo("`dm_meta`");
        assertThat(Identifiers.quote("a`b")).isEqualTo("`a``b`");
    }

    @Test
    void binlogFileNamesPlainAndSuffixed() {
        BinlogFileName plain = BinlogFileName.parse("mysql-bin.004451");
        assertThat(plain.plain()).isEqualTo("mysql-bin.004451");
        assertThat(plain.relaySuffix()).isEmpty();
        BinlogFileName suffixed = BinlogFileName.parse("mysql-bin|000001.004451");
        assertThat(suffixed.plain()).isEqualTo("mysql-bin.004451");
        assertThat(suffixed.relaySuffix()).contains("000001");
        assertThat(plain.matches("mysql-bin|000002.004451")).isTrue();
        assertThat(plain.matches("mysql-bin.0044510")).isFalse();
        assertThat(plain.matches(null)).isFalse();
        assertThat(BinlogFileName.parse("bin.000018").plain()).isEqualTo("bin.000018");
        assertThat(BinlogFileName.parse("mysql-bin.1000000").plain()).isEqualTo("mysql-bin.1000000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mysql-bin", "mysql-bin.", "mysql-bin.12345", "mysql-bin.00445a", ".004451",
        "../mysql-bin.004451", "a/mysql-bin.004451", "mysql-bin|01.004451", "mysql-bin|000001|000001.004451",
        "mysql bin.004451", "mysql-bin.004451\n", "mysql-bin.004451'"})
    void refusesWhatIsNotABinlogFileName(String name) {
        assertThatThrownBy(() -> BinlogFileName.parse(name)).isInstanceOf(InvalidFixRequestException.class);
    }

    @Test
    void positionsAreUint32FromFour() {
        assertThat(BinlogPosition.parse("4")).isEqualTo(4);
        assertThat(BinlogPosition.parse("4294967295")).isEqualTo(4294967295L);
        for (String bad : new String[] {"0", "3", "4294967296", "-1", "+4", "4 ", "0x10", "", "1e3",
            "999999999999999999999"}) {
            assertThatThrownBy(() -> BinlogPosition.parse(bad)).as(bad)
                    .isInstanceOf(InvalidFixRequestException.class);
        }
    }

    @Test
    void gtidModesAndRealGtidSets() {
        assertThat(GtidMode.parse("ON")).isEqualTo(GtidMode.ON);
        assertThat(GtidMode.parse("off")).isEqualTo(GtidMode.OFF);
        assertThat(GtidMode.parse("unknown")).isEqualTo(GtidMode.UNKNOWN);
        assertThatThrownBy(() -> GtidMode.parse("yes")).isInstanceOf(InvalidFixRequestException.class);
        assertThat(GtidMode.isRealGtidSet(null)).isFalse();
        assertThat(GtidMode.isRealGtidSet(" ")).isFalse();
        assertThat(GtidMode.isRealGtidSet("00000000-0000-0000-0000-000000000000:0")).isFalse();
        assertThat(GtidMode.isRealGtidSet("0-1-100")).isTrue();
        assertThat(GtidMode.isRealGtidSet("3ccc475b-2343-11e7-be21-6c0b84d59f30:1-14")).isTrue();
    }

    @Test
    void downstreamSettingsComeOnlyFromTheEnvironmentAndNeverPrintThePassword() {
        DownstreamSettings s = DownstreamSettings.fromEnvironment(Environment.of(Map.of(
                "DOWNSTREAM_HOST", " tidb.example.svc \n", "DOWNSTREAM_PORT", "4001\n", "DOWNSTREAM_USER", "root",
                "DOWNSTREAM_PASSWORD", "")));
        assertThat(s.host()).isEqualTo("tidb.example.svc");
        assertThat(s.port()).isEqualTo(4001);
        assertThat(s.password()).isEmpty();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));

        DownstreamSettings secret = new DownstreamSettings("h", 1, "u", "hunter2", Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        assertThat(secret.toString()).doesNotContain("hunter2").contains("redacted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tidb:4000", "tidb/db?allowLoadLocalInfile=true", "user@tidb", "-tidb", "tidb db", ""})
    void refusesHostsThatCouldChangeTheJdbcUrl(String host) {
        Environment env = Environment.of(Map.of("DOWNSTREAM_HOST", host, "DOWNSTREAM_USER", "u",
                "DOWNSTREAM_PASSWORD", "p"));
        assertThatThrownBy(() -> DownstreamSettings.fromEnvironment(env))
                .isInstanceOf(InvalidFixRequestException.class).hasMessageContaining("DOWNSTREAM_HOST");
    }

    @Test
    void ipv6HostsInBracketsAreAccepted() {
        assertThat(new DownstreamSettings("[::1]", 4000, "u", "p", Duration.ofSeconds(1), Duration.ofSeconds(1))
                .address()).isEqualTo("[::1]:4000");
    }

    @Test
    void requestsValidateEveryFieldOnConstruction() {
        assertThatThrownBy(() -> CheckpointFixRequest.of("dm_meta", "orders", "s1", "mysql-bin.000001", 4, "a b",
                GtidMode.OFF)).hasMessageContaining("remediation id");
        assertThatThrownBy(() -> new CheckpointFixRequest("dm_meta", "orders", "s1",
                BinlogFileName.parse("mysql-bin.000001"), 2, "r", GtidMode.OFF)).hasMessageContaining("position");
        assertThat(CheckpointFixRequest.of("dm_meta", "orders", "s1", "mysql-bin.000001", 4, "r", GtidMode.OFF)
                .backupTable()).isEqualTo("orders_syncer_checkpoint_bak_r");
        assertThat(Optional.of(RelayDirectory.suffixOf("0-1.000042"))).contains("000042");
    }
}
