package io.dmremediation.fixer;

import static io.dmremediation.fixer.RelayDirs.FILE;
import static io.dmremediation.fixer.RelayDirs.META;
import static io.dmremediation.fixer.RelayDirs.SUB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RelayMetaFixerTest {

    @TempDir
    Path tmp;

    private final RelayMetaFixer fixer = new RelayMetaFixer();

    private static RelayMetaFixRequest request(Path relay, String rid) {
        return RelayMetaFixRequest.of(relay.toString(), null, FILE, 4, rid);
    }

    @Test
    void fixesTheCurrentSubDirsRelayMetaAfterCopyingIt() throws Exception {
        Path relay = RelayDirs.create(tmp);
        byte[] original = Files.readAllBytes(RelayDirs.meta(relay));

        RelayMetaFixReport report = fixer.fix(request(relay, "rm1"));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        Path sub = relay.resolve(SUB);
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META.replace("123456", "4"));
        assertThat(Files.readAllBytes(sub.resolve("relay.meta.bak-rm1"))).isEqualTo(original);
        RelayMeta parsed = RelayMeta.of(TomlSubset.parse(Files.readAllBytes(RelayDirs.meta(relay))));
        assertThat(parsed.binlogName()).isEqualTo(FILE);
        assertThat(parsed.binlogPos()).isEqualTo(4);
        assertThat(RelayDirs.names(sub)).containsExactly(FILE, "relay.meta", "relay.meta.bak-rm1");
        // the old sub-dir is not DM's current one and stays as it was
        assertThat(Files.readString(relay.resolve(RelayDirs.OLD_SUB).resolve("relay.meta"))).contains("000999");

        assertThat(report.subDir()).isEqualTo(SUB);
        assertThat(report.backupCreated()).isTrue();
        assertThat(report.backupFile()).endsWith("relay.meta.bak-rm1");
        assertThat(report.before()).containsEntry("binlog-pos", 123456L).containsEntry("binlog-name", FILE);
        assertThat(report.after()).containsEntry("binlog-pos", 4L).containsEntry("binlog-gtid", "");
        assertThat(report.relayBinlog()).containsEntry("exists", true)
                .containsEntry("sizeBytes", RelayDirs.RELAY_FILE_SIZE).containsEntry("overFourGiB", false);
        assertThat(report.message()).contains("123456 -> 4", "Restart the DM-worker");
    }

    @Test
    void keepsCommentsUnknownKeysTheirOrderAndLineEndings() throws Exception {
        String meta = "# relay meta\r\nbinlog-gtid = \"\"\r\nfuture-key = 'kept'   # a note\r\n\r\n"
                + "binlog-pos = 4294967000\r\nbinlog-name = \"mysql-bin.004451\"\r\n";
        Path relay = RelayDirs.create(tmp, meta);

        RelayMetaFixReport report = fixer.fix(request(relay, "keys"));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(meta.replace("4294967000", "4"));
        assertThat(report.after()).containsKeys("binlog-gtid", "future-key", "binlog-pos", "binlog-name")
                .containsEntry("future-key", "kept");
    }

    @Test
    void aReRunIsAlreadyAppliedAndLeavesTheBackupAlone() throws Exception {
        Path relay = RelayDirs.create(tmp);
        assertThat(fixer.fix(request(relay, "again")).outcome()).isEqualTo(FixOutcome.FIXED);
        Path backup = relay.resolve(SUB).resolve("relay.meta.bak-again");
        byte[] backupBytes = Files.readAllBytes(backup);
        FileTime backupTime = Files.getLastModifiedTime(backup);
        byte[] metaBytes = Files.readAllBytes(RelayDirs.meta(relay));

        RelayMetaFixReport second = fixer.fix(request(relay, "again"));

        assertThat(second.outcome()).as(second.message()).isEqualTo(FixOutcome.ALREADY_APPLIED);
        assertThat(second.backupCreated()).isFalse();
        assertThat(Files.readAllBytes(backup)).isEqualTo(backupBytes);
        assertThat(Files.getLastModifiedTime(backup)).isEqualTo(backupTime);
        assertThat(Files.readAllBytes(RelayDirs.meta(relay))).isEqualTo(metaBytes);
    }

    @Test
    void aReRunAfterAnInterruptedRunFinishesWithTheExistingBackup() throws Exception {
        Path relay = RelayDirs.create(tmp);
        // the first Job copied relay.meta and died before the rename
        Files.copy(RelayDirs.meta(relay), relay.resolve(SUB).resolve("relay.meta.bak-crash"));

        RelayMetaFixReport report = fixer.fix(request(relay, "crash"));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(report.backupCreated()).isFalse();
        assertThat(Files.readString(relay.resolve(SUB).resolve("relay.meta.bak-crash"))).isEqualTo(META);
    }

    @Test
    void refusesWhenRelayMetaMovedSinceTheBackup() throws Exception {
        Path relay = RelayDirs.create(tmp);
        assertThat(fixer.fix(request(relay, "moved")).outcome()).isEqualTo(FixOutcome.FIXED);
        Files.writeString(RelayDirs.meta(relay), META.replace("123456", "777"));

        RelayMetaFixReport report = fixer.fix(request(relay, "moved"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("differs both from the backup");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META.replace("123456", "777"));
    }

    @Test
    void refusesAMissingRelayMeta() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Files.delete(RelayDirs.meta(relay));

        RelayMetaFixReport report = fixer.fix(request(relay, "m"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("relay.meta", "does not exist");
        assertThat(RelayDirs.names(relay.resolve(SUB))).containsExactly(FILE);
    }

    @Test
    void refusesAMissingRelayDirOrOneWithoutAnIndex() throws Exception {
        RelayMetaFixReport missing = fixer.fix(request(tmp.resolve("nowhere"), "m"));
        assertThat(missing.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(missing.message()).contains("does not exist");

        Path relay = RelayDirs.create(tmp);
        Files.delete(relay.resolve("server-uuid.index"));
        RelayMetaFixReport noIndex = fixer.fix(request(relay, "m"));
        assertThat(noIndex.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(noIndex.message()).contains("server-uuid.index is missing");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);
    }

    @ParameterizedTest
    @ValueSource(strings = {"this is not toml at all", "binlog-name = \"mysql-bin.004451\"\nbinlog-pos = lots\n",
        "[meta]\nbinlog-name = \"mysql-bin.004451\"\nbinlog-pos = 5\n", "binlog-name = \"mysql-bin.004451\"\n", ""})
    void refusesARelayMetaItDoesNotUnderstandAndChangesNothing(String garbage) throws Exception {
        Path relay = RelayDirs.create(tmp, garbage);

        RelayMetaFixReport report = fixer.fix(request(relay, "g"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("not a relay.meta this fixer understands");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(garbage);
        assertThat(RelayDirs.names(relay.resolve(SUB))).containsExactly(FILE, "relay.meta");
    }

    @Test
    void refusesWhenRelayMetaNamesAnotherFile() throws Exception {
        Path relay = RelayDirs.create(tmp);

        RelayMetaFixReport report = fixer.fix(RelayMetaFixRequest.of(relay.toString(), null, "mysql-bin.004452", 4,
                "n"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("binlog-name = \"mysql-bin.004451\"", "mysql-bin.004452", "disagree");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);
        assertThat(RelayDirs.names(relay.resolve(SUB))).containsExactly(FILE, "relay.meta");
    }

    @Test
    void refusesARelayMetaWithAGtidSetButNotTheZeroPlaceholder() throws Exception {
        String withGtid = META.replace("binlog-gtid = \"\"", "binlog-gtid = \"f0e914ef-54cf-11e7-813d-6c92bf2fa791:1-138218058\"");
        Path relay = RelayDirs.create(tmp.resolve("a"), withGtid);
        RelayMetaFixReport report = fixer.fix(request(relay, "gt"));
        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("binlog-gtid", "GTID");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(withGtid);

        Path zero = RelayDirs.create(tmp.resolve("b"), META.replace("binlog-gtid = \"\"",
                "binlog-gtid = \"00000000-0000-0000-0000-000000000000:0\""));
        assertThat(fixer.fix(request(zero, "gt")).outcome()).isEqualTo(FixOutcome.FIXED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../etc", SUB + "/../../etc", "/etc", SUB + "/x", "53ea0ed1.000002",
        "53ea0ed1-9bf8-11e6-8bea-64006a897c73.2", "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000002 "})
    void refusesSubDirsThatAreNotDmSubDirNames(String subDir) {
        assertThatThrownBy(() -> RelayMetaFixRequest.of(tmp.toString(), subDir, FILE, 4, "t"))
                .isInstanceOf(InvalidFixRequestException.class)
                .hasMessageContaining("not a DM relay sub-dir name");
    }

    @Test
    void refusesARelativeRelayDirOrOneWithDotDot() {
        assertThatThrownBy(() -> RelayMetaFixRequest.of("relay", null, FILE, 4, "t"))
                .hasMessageContaining("not an absolute path");
        assertThatThrownBy(() -> RelayMetaFixRequest.of(tmp.resolve("x/../relay").toString(), null, FILE, 4, "t"))
                .hasMessageContaining("'..'");
    }

    @Test
    void refusesAnIndexWhoseLastLineEscapesTheRelayDir() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Files.writeString(relay.resolve("server-uuid.index"), RelayDirs.OLD_SUB + "\n../../outside\n");

        RelayMetaFixReport report = fixer.fix(request(relay, "t"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("is not a DM relay sub-dir name");
    }

    @Test
    void refusesASubDirThatIsASymbolicLinkOutOfTheRelayDir() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("relay.meta"), META);
        Path sub = relay.resolve(SUB);
        Files.walk(sub).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Files.createSymbolicLink(sub, outside);

        RelayMetaFixReport report = fixer.fix(request(relay, "s"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("symbolic link");
        assertThat(Files.readString(outside.resolve("relay.meta"))).isEqualTo(META);
        assertThat(RelayDirs.names(outside)).containsExactly("relay.meta");
    }

    @Test
    void refusesARelayMetaThatIsASymbolicLink() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Path outside = Files.writeString(tmp.resolve("elsewhere.meta"), META);
        Files.delete(RelayDirs.meta(relay));
        Files.createSymbolicLink(RelayDirs.meta(relay), outside);

        RelayMetaFixReport report = fixer.fix(request(relay, "s"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("symbolic link");
        assertThat(Files.readString(outside)).isEqualTo(META);
        assertThat(Files.isSymbolicLink(RelayDirs.meta(relay))).isTrue();
    }

    @Test
    void refusesASubDirThatIsNotTheCurrentOne() throws Exception {
        Path relay = RelayDirs.create(tmp);

        RelayMetaFixReport report = fixer.fix(RelayMetaFixRequest.of(relay.toString(), RelayDirs.OLD_SUB, FILE, 4,
                "o"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("not the current relay sub-dir");
        assertThat(fixer.fix(RelayMetaFixRequest.of(relay.toString(), SUB, FILE, 4, "o")).outcome())
                .isEqualTo(FixOutcome.FIXED);
    }

    @Test
    void theRelaySuffixOfTheFileMustBeTheCurrentSubDirs() throws Exception {
        Path relay = RelayDirs.create(tmp);

        RelayMetaFixReport wrong = fixer.fix(RelayMetaFixRequest.of(relay.toString(), null, "mysql-bin|000001.004451",
                4, "x"));
        assertThat(wrong.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(wrong.message()).contains("suffix 000001");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);

        assertThat(fixer.fix(RelayMetaFixRequest.of(relay.toString(), null, "mysql-bin|000002.004451", 4, "x"))
                .outcome()).isEqualTo(FixOutcome.FIXED);
    }

    @Test
    void refusesAPositionBeyondTheRelayFile() throws Exception {
        Path relay = RelayDirs.create(tmp);
        RelayMetaFixReport report = fixer.fix(RelayMetaFixRequest.of(relay.toString(), null, FILE, 20_000, "p"));
        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("beyond the end");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);
    }

    @Test
    void aFailedWriteLeavesRelayMetaIntactAndNoPartialFile() throws Exception {
        Path relay = RelayDirs.create(tmp);
        byte[] original = Files.readAllBytes(RelayDirs.meta(relay));
        // the backup goes through; replacing relay.meta fails like a read-only or full volume would
        AtomicFileWriter failing = new AtomicFileWriter((from, to) -> {
            if (to.getFileName().toString().equals("relay.meta")) {
                throw new IOException("Read-only file system");
            }
            AtomicFileWriter.RENAME.move(from, to);
        });

        RelayMetaFixReport report = new RelayMetaFixer(failing).fix(request(relay, "ro"));

        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("Read-only file system", "relay.meta is unchanged",
                "relay.meta.bak-ro was created and is kept");
        assertThat(Files.readAllBytes(RelayDirs.meta(relay))).isEqualTo(original);
        assertThat(RelayDirs.names(relay.resolve(SUB))).containsExactly(FILE, "relay.meta", "relay.meta.bak-ro");

        // the next attempt of the same remediation completes with the backup the first one left
        RelayMetaFixReport retry = fixer.fix(request(relay, "ro"));
        assertThat(retry.outcome()).as(retry.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(Files.readAllBytes(relay.resolve(SUB).resolve("relay.meta.bak-ro"))).isEqualTo(original);
    }

    @Test
    void aBackupPathThatIsNotAFileIsRefused() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Files.createDirectory(relay.resolve(SUB).resolve("relay.meta.bak-d"));
        RelayMetaFixReport report = fixer.fix(request(relay, "d"));
        assertThat(report.outcome()).isEqualTo(FixOutcome.REFUSED);
        assertThat(report.message()).contains("not a regular file");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);
    }

    @Test
    void acceptsMariaDbStyleSubDirsAndReportsAFileOverFourGib() throws Exception {
        Path relay = Files.createDirectories(tmp.resolve("relay"));
        String sub = "0-1.000001";
        Files.writeString(relay.resolve("server-uuid.index"), sub + "\n");
        Path dir = Files.createDirectories(relay.resolve(sub));
        Files.writeString(dir.resolve("relay.meta"), META);
        try (RandomAccessFile big = new RandomAccessFile(dir.resolve(FILE).toFile(), "rw")) {
            big.setLength((1L << 32) + 4096);   // sparse: no disk space used
        }

        RelayMetaFixReport report = fixer.fix(RelayMetaFixRequest.of(relay.toString(), sub, FILE, 4, "big"));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(report.relayBinlog()).containsEntry("overFourGiB", true)
                .containsEntry("sizeBytes", (1L << 32) + 4096);
    }

    @Test
    void reportsAMissingRelayBinlogFileAndStillFixes() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Files.delete(relay.resolve(SUB).resolve(FILE));
        RelayMetaFixReport report = fixer.fix(request(relay, "nofile"));
        assertThat(report.outcome()).isEqualTo(FixOutcome.FIXED);
        assertThat(report.relayBinlog()).containsEntry("exists", false);
        assertThat(report.toJson()).contains("\"sizeBytes\":null");
    }

    @Test
    void requestsValidateTheirFields() {
        assertThatThrownBy(() -> RelayMetaFixRequest.of(tmp.toString(), null, FILE, 3, "r"))
                .isInstanceOf(InvalidFixRequestException.class);
        assertThatThrownBy(() -> RelayMetaFixRequest.of(tmp.toString(), null, "../relay.meta", 4, "r"))
                .isInstanceOf(InvalidFixRequestException.class);
        assertThatThrownBy(() -> RelayMetaFixRequest.of(tmp.toString(), null, FILE, 4, "../x"))
                .isInstanceOf(InvalidFixRequestException.class);
        assertThat(new RelayMetaFixRequest(tmp, Optional.empty(), BinlogFileName.parse(FILE), 4, "r").subDir())
                .isEmpty();
    }
}
