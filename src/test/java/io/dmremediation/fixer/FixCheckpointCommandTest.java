package io.dmremediation.fixer;

import static io.dmremediation.fixer.CheckpointTables.FILE;
import static io.dmremediation.fixer.CheckpointTables.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.cli.Command;
import io.dmremediation.cli.FixCheckpointCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code fix-checkpoint} through the {@link Command} interface, as a Job runs it, against the real MariaDB. */
class FixCheckpointCommandTest {

    private static final String USER = "dmr_fixer";
    private static String password;

    @TempDir
    Path tmp;

    @BeforeAll
    static void createUser() throws Exception {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        password = "pw-" + HexFormat.of().formatHex(bytes);
        CheckpointTables.db().createUser(USER, password);
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DOWNSTREAM_HOST", CheckpointTables.db().host());
        env.put("DOWNSTREAM_PORT", String.valueOf(CheckpointTables.db().port()));
        env.put("DOWNSTREAM_USER", USER);
        env.put("DOWNSTREAM_PASSWORD", password);
        return env;
    }

    private static CommandRun run(Map<String, String> env, String... args) {
        CommandRun run = CommandRun.of(new FixCheckpointCommand(Environment.of(env)), List.of(args));
        // whatever happened, the password is never printed
        assertThat(run.stdout()).doesNotContain(password);
        assertThat(run.stderr()).doesNotContain(password);
        return run;
    }

    private static List<String> args(String schema, String... extra) {
        List<String> args = new ArrayList<>(List.of("--meta-schema", schema, "--task", "orders", "--source", SOURCE,
                "--binlog-file", FILE, "--remediation-id", "rem42"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void fixesPrintsTheReportAndWritesTheSummaryFile() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, "orders", "");
        Path summary = Files.createFile(tmp.resolve("termination-log"));
        Map<String, String> env = env();
        env.put("DMR_REPORT_FILE", summary.toString());

        CommandRun run = run(env, args(schema).toArray(String[]::new));

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(Command.OK);
        JsonNode json = run.json();
        assertThat(json.get("result").asText()).isEqualTo("fixed");
        assertThat(json.get("schema").asText()).isEqualTo(schema);
        assertThat(json.get("table").asText()).isEqualTo("orders_syncer_checkpoint");
        assertThat(json.get("source").asText()).isEqualTo(SOURCE);
        assertThat(json.get("binlogFile").asText()).isEqualTo(FILE);
        assertThat(json.get("position").asLong()).isEqualTo(4);
        assertThat(json.get("backupTable").asText()).isEqualTo("orders_syncer_checkpoint_bak_rem42");
        assertThat(json.get("before")).hasSize(3);
        assertThat(json.get("before").get(0).get("binlog_pos").asLong()).isEqualTo(1234);
        assertThat(json.get("before").get(0).get("is_global").asBoolean()).isTrue();
        assertThat(json.get("after")).hasSize(3).allSatisfy(r -> assertThat(r.get("binlog_pos").asLong()).isEqualTo(4));
        assertThat(json.get("untouched")).hasSize(2);
        assertThat(json.get("untouched").get(0).fieldNames()).toIterable()
                .containsExactly("id", "cp_schema", "cp_table", "binlog_name", "binlog_pos", "is_global");
        assertThat(json.get("message").asText()).startsWith("fixed");

        String written = Files.readString(summary, StandardCharsets.UTF_8);
        assertThat(written.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        JsonNode s = CommandRun.parse(written);
        assertThat(s.get("result").asText()).isEqualTo("fixed");
        assertThat(s.get("backupTable").asText()).isEqualTo("orders_syncer_checkpoint_bak_rem42");
        assertThat(s.get("rewritten").asInt()).isEqualTo(3);
        assertThat(s.get("untouched").asInt()).isEqualTo(2);

        CommandRun again = run(env, args(schema).toArray(String[]::new));
        assertThat(again.exitCode()).isEqualTo(Command.OK);
        assertThat(again.json().get("result").asText()).isEqualTo("already-applied");
        assertThat(CommandRun.parse(Files.readString(summary)).get("result").asText()).isEqualTo("already-applied");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "3", "4294967296", "-1", "abc", "4.5", "", "99999999999999999999"})
    void refusesAnInvalidPositionAsAUsageErrorAndChangesNothing(String position) throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, "orders", "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CommandRun run = run(env(), args(schema, "--position", position).toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.json().get("result").asText()).isEqualTo("refused");
        assertThat(run.stderr()).contains("position");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "orders`; DROP TABLE `orders_syncer_checkpoint`; --",
        "orders' OR '1'='1",
        "orders\" --",
        "orders; DROP DATABASE mysql",
        "my task",
        "../../etc/passwd",
        "orders.x",
        "orders\u0000",
        "-orders",
        "`",
        "ordersxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    })
    void refusesAHostileTaskNameWithoutTouchingTheDatabase(String task) throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, "orders", "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);
        List<String> schemas = CheckpointTables.schemas();

        CommandRun run = run(env(), "--meta-schema", schema, "--task", task, "--source", SOURCE, "--binlog-file",
                FILE, "--remediation-id", "r1");

        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.json().get("result").asText()).isEqualTo("refused");
        assertThat(run.stderr()).contains("task name");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
        assertThat(CheckpointTables.schemas()).isEqualTo(schemas);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x' OR '1'='1", "mysql-replica-01'; DELETE FROM t; --", "a b", "source/../x",
        "this-source-id-is-longer-than-thirty-two-characters"})
    void refusesAHostileSourceIdWithoutTouchingTheDatabase(String source) throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, "orders", "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CommandRun run = run(env(), "--meta-schema", schema, "--task", "orders", "--source", source,
                "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains("source id");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dm_meta`.`orders_syncer_checkpoint` WHERE 1; --", "mysql`; DROP DATABASE x; --",
        "information_schema.TABLES", "dm meta"})
    void refusesAHostileMetaSchemaWithoutTouchingTheDatabase(String metaSchema) throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, "orders", "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);
        List<String> schemas = CheckpointTables.schemas();

        CommandRun run = run(env(), "--meta-schema", metaSchema, "--task", "orders", "--source", SOURCE,
                "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains("meta schema");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
        assertThat(CheckpointTables.schemas()).isEqualTo(schemas);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql-bin.004451; DROP TABLE x", "../mysql-bin.004451", "mysql-bin", "mysql-bin.12",
        "mysql-bin|1.004451", "mysql bin.004451", "/var/lib/mysql/mysql-bin.004451"})
    void refusesAnInvalidBinlogFileName(String file) throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, "orders", "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);

        CommandRun run = run(env(), "--meta-schema", schema, "--task", "orders", "--source", SOURCE,
                "--binlog-file", file, "--remediation-id", "r1");

        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains("binlog file name");
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void aWrongPasswordIsRefusedWithTheServersMessageAndChangesNothing() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.scenario(schema, "orders", "");
        Map<String, List<String>> before = CheckpointTables.snapshot(schema);
        Map<String, String> env = env();
        env.put("DOWNSTREAM_PASSWORD", "not-" + password);

        CommandRun run = run(env, args(schema).toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(Command.FAILED);
        assertThat(run.json().get("result").asText()).isEqualTo("refused");
        assertThat(run.json().get("message").asText()).contains("cannot connect", "Access denied");
        assertThat(run.stdout()).doesNotContain("not-" + password);
        assertThat(run.stderr()).contains("Access denied").doesNotContain("not-" + password);
        assertThat(CheckpointTables.snapshot(schema)).isEqualTo(before);
    }

    @Test
    void anUnreachableDatabaseExitsWith1AndSaysSo() throws Exception {
        Map<String, String> env = env();
        env.put("DOWNSTREAM_PORT", String.valueOf(CheckpointFixerTest.closedPort()));

        CommandRun run = run(env, args("dm_meta").toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(Command.FAILED);
        assertThat(run.json().get("message").asText()).contains("cannot connect to the downstream at 127.0.0.1:");
        assertThat(run.stderr()).contains("cannot connect");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DOWNSTREAM_HOST", "DOWNSTREAM_USER", "DOWNSTREAM_PASSWORD"})
    void aMissingEnvironmentVariableIsAUsageErrorThatNamesIt(String variable) {
        Map<String, String> env = env();
        env.remove(variable);

        CommandRun run = run(env, args("dm_meta").toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains(variable);
        assertThat(run.json().get("message").asText()).contains(variable);
    }

    @Test
    void theDefaultPortIs4000() {
        Map<String, String> env = env();
        env.remove("DOWNSTREAM_PORT");
        assertThat(DownstreamSettings.fromEnvironment(Environment.of(env)).port()).isEqualTo(4000);
        env.put("DOWNSTREAM_PORT", "forty");
        assertThat(run(env, args("dm_meta").toArray(String[]::new)).exitCode()).isEqualTo(Command.USAGE);
    }

    @Test
    void credentialsAreNotAcceptedAsArguments() {
        CommandRun run = run(env(), args("dm_meta", "--password", "x").toArray(String[]::new));
        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains("unknown option --password");
    }

    @Test
    void requiredOptionsAreNamedWhenMissing() {
        CommandRun run = run(env(), "--task", "orders", "--source", SOURCE, "--binlog-file", FILE);
        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.stderr()).contains("--remediation-id");
    }

    @Test
    void gtidModeOnExitsWith1AndUnknownModeValuesAreUsageErrors() {
        CommandRun on = run(env(), args("dm_meta", "--source-gtid-mode", "on").toArray(String[]::new));
        assertThat(on.exitCode()).isEqualTo(Command.FAILED);
        assertThat(on.json().get("message").asText()).contains("GTID");

        CommandRun bad = run(env(), args("dm_meta", "--source-gtid-mode", "maybe").toArray(String[]::new));
        assertThat(bad.exitCode()).isEqualTo(Command.USAGE);
    }

    @Test
    void helpNamesEveryOptionAndTheEnvironment() {
        String help = new FixCheckpointCommand(Environment.of(Map.of())).help();
        assertThat(help).contains("--meta-schema", "--task", "--source", "--binlog-file", "--position",
                "--remediation-id", "--source-gtid-mode", "DOWNSTREAM_HOST", "DOWNSTREAM_PORT", "DOWNSTREAM_USER",
                "DOWNSTREAM_PASSWORD", "DMR_REPORT_FILE");
    }
}
