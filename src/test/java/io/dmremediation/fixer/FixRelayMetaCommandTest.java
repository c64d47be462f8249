package io.dmremediation.fixer;

import static io.dmremediation.fixer.RelayDirs.FILE;
import static io.dmremediation.fixer.RelayDirs.META;
import static io.dmremediation.fixer.RelayDirs.SUB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.cli.Command;
import io.dmremediation.cli.FixRelayMetaCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code fix-relay-meta} through the {@link Command} interface. */
class FixRelayMetaCommandTest {

    @TempDir
    Path tmp;

    private static CommandRun run(Map<String, String> env, String... args) {
        return CommandRun.of(new FixRelayMetaCommand(Environment.of(env)), List.of(args));
    }

    @Test
    void fixesPrintsTheReportAndWritesTheSummaryThenReportsAlreadyApplied() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Path summary = Files.createFile(tmp.resolve("termination-log"));
        Map<String, String> env = Map.of("DMR_REPORT_FILE", summary.toString());

        CommandRun run = run(env, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "abc");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(Command.OK);
        JsonNode json = run.json();
        assertThat(json.get("result").asText()).isEqualTo("fixed");
        assertThat(json.get("subDir").asText()).isEqualTo(SUB);
        assertThat(json.get("position").asLong()).isEqualTo(4);
        assertThat(json.get("backupFile").asText()).endsWith(SUB + "/relay.meta.bak-abc");
        assertThat(json.get("before").get("binlog-pos").asLong()).isEqualTo(123456);
        assertThat(json.get("after").get("binlog-pos").asLong()).isEqualTo(4);
        assertThat(json.get("after").get("binlog-name").asText()).isEqualTo(FILE);
        assertThat(json.get("relayBinlog").get("sizeBytes").asLong()).isEqualTo(RelayDirs.RELAY_FILE_SIZE);
        assertThat(run.stderr()).isEmpty();
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META.replace("123456", "4"));

        JsonNode s = CommandRun.parse(Files.readString(summary, StandardCharsets.UTF_8));
        assertThat(s.get("result").asText()).isEqualTo("fixed");
        assertThat(s.get("binlogPosBefore").asLong()).isEqualTo(123456);
        assertThat(s.get("binlogPosAfter").asLong()).isEqualTo(4);

        CommandRun again = run(env, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "abc");
        assertThat(again.exitCode()).isEqualTo(Command.OK);
        assertThat(again.json().get("result").asText()).isEqualTo("already-applied");
    }

    @Test
    void aRefusalExitsWith1AndExplainsOnStderr() throws Exception {
        Path relay = RelayDirs.create(tmp);

        CommandRun run = run(Map.of(), "--relay-dir", relay.toString(), "--binlog-file", "mysql-bin.000007",
                "--remediation-id", "abc");

        assertThat(run.exitCode()).isEqualTo(Command.FAILED);
        assertThat(run.json().get("result").asText()).isEqualTo("refused");
        assertThat(run.json().get("before").get("binlog-pos").asLong()).isEqualTo(123456);
        assertThat(run.stderr()).contains("fix-relay-meta: refused", "disagree");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "..", "/etc", SUB + "/../..", "x"})
    void aTraversingSubDirIsAUsageError(String subDir) throws Exception {
        Path relay = RelayDirs.create(tmp);

        CommandRun run = run(Map.of(), "--relay-dir", relay.toString(), "--sub-dir", subDir, "--binlog-file", FILE,
                "--remediation-id", "abc");

        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains("sub-dir");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);
        assertThat(RelayDirs.names(relay.resolve(SUB))).containsExactly(FILE, "relay.meta");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "3", "4294967296", "-1", "four"})
    void anInvalidPositionIsAUsageError(String position) throws Exception {
        Path relay = RelayDirs.create(tmp);
        CommandRun run = run(Map.of(), "--relay-dir", relay.toString(), "--binlog-file", FILE, "--position",
                position, "--remediation-id", "abc");
        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains("position");
        assertThat(Files.readString(RelayDirs.meta(relay))).isEqualTo(META);
    }

    @Test
    void missingOrRelativeOptionsAreUsageErrors() {
        assertThat(run(Map.of(), "--binlog-file", FILE, "--remediation-id", "a").stderr()).contains("--relay-dir");
        CommandRun relative = run(Map.of(), "--relay-dir", "relay", "--binlog-file", FILE, "--remediation-id", "a");
        assertThat(relative.exitCode()).isEqualTo(Command.USAGE);
        assertThat(relative.stderr()).contains("not an absolute path");
        assertThat(run(Map.of(), "--relay-dir", "/x", "--binlog-file", FILE).exitCode()).isEqualTo(Command.USAGE);
    }

    @Test
    void anUnwritableReportFileIsAWarningNotAFailure() throws Exception {
        Path relay = RelayDirs.create(tmp);
        Map<String, String> env = Map.of("DMR_REPORT_FILE", tmp.resolve("no/such/dir/log").toString());

        CommandRun run = run(env, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "w");

        assertThat(run.exitCode()).isEqualTo(Command.OK);
        assertThat(run.stderr()).contains("warning", "DMR_REPORT_FILE");
    }
}
