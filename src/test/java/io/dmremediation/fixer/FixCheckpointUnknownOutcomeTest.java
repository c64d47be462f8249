package io.dmremediation.fixer;

import static io.dmremediation.fixer.CheckpointTables.FILE;
import static io.dmremediation.fixer.CheckpointTables.FILE_SUFFIXED;
import static io.dmremediation.fixer.CheckpointTables.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.cli.FixCheckpointCommand;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fix-checkpoint when the connection is lost at COMMIT, against the real MariaDB through {@link CommitCuttingProxy}:
 * the result is {@code unknown} with exit code 3 whether or not the server committed, and {@code --inspect} then
 * tells which, from the backup. Only the command interface is used, as a Job runs it.
 */
class FixCheckpointUnknownOutcomeTest {

    private static final String TASK = "orders";

    @TempDir
    Path tmp;

    private static Map<String, String> env(int port) {
        Map<String, String> env = new HashMap<>();
        env.put("DOWNSTREAM_HOST", CheckpointTables.db().host());
        env.put("DOWNSTREAM_PORT", String.valueOf(port));
        env.put("DOWNSTREAM_USER", io.dmremediation.sandbox.EmbeddedMariaDb.ADMIN_USER);
        env.put("DOWNSTREAM_PASSWORD", CheckpointTables.db().adminPassword());
        return env;
    }

    private static Map<String, String> direct() {
        return env(CheckpointTables.db().port());
    }

    private static CommandRun run(Map<String, String> env, String schema, String... extra) {
        List<String> args = new ArrayList<>(List.of("--meta-schema", schema, "--task", TASK, "--source", SOURCE,
                "--binlog-file", FILE, "--remediation-id", "cut1"));
        args.addAll(List.of(extra));
        CommandRun run = CommandRun.of(new FixCheckpointCommand(Environment.of(env)), args);
        assertThat(run.stdout() + run.stderr()).doesNotContain(CheckpointTables.db().adminPassword());
        return run;
    }

    private static Map<String, String> original() {
        return Map.of(".", FILE_SUFFIXED + "@1234", "db1.t1", FILE + "@5000", "db1.t2", FILE_SUFFIXED + "@77",
                "db1.t3", "mysql-bin.004450@999", "db2.t4", "mysql-bin|000001.004450@12345");
    }

    @Test
    void aCommitTheServerExecutedButTheClientNeverHeardOfIsUnknownAndInspectSaysApplied() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        Path summary = Files.createFile(tmp.resolve("termination-log"));
        CommandRun fix;
        try (CommitCuttingProxy proxy = new CommitCuttingProxy(CheckpointTables.db().host(),
                CheckpointTables.db().port(), CommitCuttingProxy.Cut.AFTER_SERVER_COMMITTED)) {
            Map<String, String> env = env(proxy.port());
            env.put("DMR_REPORT_FILE", summary.toString());
            fix = run(env, schema);
            assertThat(proxy.awaitCut(10)).as("the proxy saw the COMMIT").isTrue();
            assertThat(proxy.serverAnswer()).as("the server answered the COMMIT with OK").isEqualTo("00");
        }

        assertThat(fix.exitCode()).as(fix.stdout()).isEqualTo(3);
        JsonNode report = fix.json();
        assertThat(report.get("result").asText()).isEqualTo("unknown");
        assertThat(report.get("message").asText()).contains("after COMMIT was sent", "--inspect");
        assertThat(report.get("after")).isEmpty();
        assertThat(fix.stderr()).contains("fix-checkpoint: ", "--inspect");
        assertThat(CommandRun.parse(Files.readString(summary, StandardCharsets.UTF_8)).get("result").asText())
                .isEqualTo("unknown");
        // the server did commit: the rows are rewound, which is why "unknown" must not be read as "refused"
        assertThat(CheckpointTables.positions(schema, TASK, SOURCE)).contains(entry(".", FILE_SUFFIXED + "@4"),
                entry("db1.t1", FILE + "@4"), entry("db1.t2", FILE_SUFFIXED + "@4"));

        Map<String, List<String>> before = CheckpointTables.snapshot(schema);
        CommandRun inspect = run(direct(), schema, "--inspect");
        assertThat(inspect.exitCode()).as(inspect.stdout()).isZero();
        assertThat(inspect.json().get("result").asText()).isEqualTo("applied");
        assertThat(inspect.json().get("before")).hasSize(3).allSatisfy(r ->
                assertThat(r.get("binlog_pos").asLong()).isNotEqualTo(4));
        assertThat(inspect.json().get("after")).hasSize(3).allSatisfy(r ->
                assertThat(r.get("binlog_pos").asLong()).isEqualTo(4));
        assertThat(CheckpointTables.snapshot(schema)).as("--inspect writes nothing").isEqualTo(before);
    }

    @Test
    void aCommitThatNeverReachedTheServerIsUnknownAndInspectSaysNotApplied() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        CommandRun fix;
        try (CommitCuttingProxy proxy = new CommitCuttingProxy(CheckpointTables.db().host(),
                CheckpointTables.db().port(), CommitCuttingProxy.Cut.BEFORE_SERVER_SEES_IT)) {
            fix = run(env(proxy.port()), schema);
            assertThat(proxy.awaitCut(10)).as("the proxy saw the COMMIT").isTrue();
        }

        assertThat(fix.exitCode()).as(fix.stdout()).isEqualTo(3);
        assertThat(fix.json().get("result").asText()).isEqualTo("unknown");
        // the server rolled the transaction back; the backup, taken before it, stays
        assertThat(CheckpointTables.positions(schema, TASK, SOURCE)).isEqualTo(original());
        assertThat(CheckpointTables.snapshot(schema)).containsKey("orders_syncer_checkpoint_bak_cut1");

        Map<String, List<String>> before = CheckpointTables.snapshot(schema);
        CommandRun inspect = run(direct(), schema, "--inspect");
        assertThat(inspect.exitCode()).as(inspect.stdout()).isZero();
        assertThat(inspect.json().get("result").asText()).isEqualTo("not-applied");
        assertThat(CheckpointTables.snapshot(schema)).as("--inspect writes nothing").isEqualTo(before);
    }

    @Test
    void inspectIsNotAppliedWithoutABackupAndUnknownWhenTheRowsMatchNeitherState() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, TASK, "");
        Map<String, List<String>> untouched = CheckpointTables.snapshot(schema);

        // the fix takes its backup before it writes: a fix that died before that (a Job past its deadline before
        // the fixer ran, say) wrote nothing
        CommandRun noBackup = run(direct(), schema, "--inspect");
        assertThat(noBackup.exitCode()).isZero();
        assertThat(noBackup.json().get("result").asText()).isEqualTo("not-applied");
        assertThat(noBackup.json().get("message").asText()).contains("no backup");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(untouched);

        assertThat(run(direct(), schema).json().get("result").asText()).isEqualTo("fixed");
        // DM ran after the fix and moved a row: neither the backup nor the fixed state
        CheckpointTables.execute("UPDATE `" + schema + "`.`orders_syncer_checkpoint` SET binlog_pos = 9000"
                + " WHERE id = '" + SOURCE + "' AND cp_table = 't1'");
        Map<String, List<String>> moved = CheckpointTables.snapshot(schema);
        CommandRun neither = run(direct(), schema, "--inspect");
        assertThat(neither.exitCode()).isEqualTo(3);
        assertThat(neither.json().get("result").asText()).isEqualTo("unknown");
        assertThat(neither.json().get("message").asText()).contains("match neither");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(moved);
    }

    @Test
    void inspectWithoutAConnectionIsUnknown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CommandRun inspect = run(env(closedPort), "dm_meta", "--inspect");
        assertThat(inspect.exitCode()).isEqualTo(3);
        assertThat(inspect.json().get("result").asText()).isEqualTo("unknown");
        assertThat(inspect.json().get("message").asText()).contains("cannot connect");
    }

    @Test
    void checkAndInspectTogetherAreAUsageError() {
        CommandRun run = run(direct(), "dm_meta", "--check", "--inspect");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.json().get("result").asText()).isEqualTo("refused");
        assertThat(run.stderr()).contains("--check and --inspect");
    }

    @Test
    void theHelpDocumentsTheExitCodes() {
        String help = new FixCheckpointCommand(Environment.of(Map.of())).help();
        assertThat(help).contains("--inspect", "applied", "not-applied", "unknown")
                .containsPattern("(?m)^\\s+0\\s+fixed, already-applied or checked; with --inspect: applied or not-applied")
                .containsPattern("(?m)^\\s+1\\s+refused").containsPattern("(?m)^\\s+2\\s+usage error")
                .containsPattern("(?m)^\\s+3\\s+outcome unknown");
    }
}
