package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.cli.FixCheckpointCommand;
import io.dmremediation.fixer.CheckpointTables;
import io.dmremediation.fixer.Environment;
import io.dmremediation.sandbox.EmbeddedMariaDb;
import io.dmremediation.sandbox.dmmaster.CheckpointTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fix-checkpoint} with SQL injection and other hostile values in every option, against the real embedded
 * MariaDB and with working credentials, so a value that slipped past validation would really reach the server. Each
 * is refused with exit code 2 before a connection is opened, and the server is unchanged: the list of every schema
 * and table in {@code information_schema}, and every row of the fixture schemas, compared before and after. A last
 * run with valid options shows that the same comparison sees a real change.
 */
class CheckpointHostileArgsTest {

    private static final String SOURCE = "mysql-replica-01";
    private static final String FILE = "mysql-bin.004451";
    private static String meta;
    private static String victims;
    private static EmbeddedMariaDb db;
    private static Connection admin;

    @BeforeAll
    static void fixture() throws SQLException {
        db = EmbeddedMariaDb.shared();
        admin = db.adminConnection();
        long pid = ProcessHandle.current().pid();
        meta = "dmr_badinput_meta_" + pid;
        victims = "dmr_badinput_victims_" + pid;
        try (Statement st = admin.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS `" + meta + "`");
            st.execute("DROP SCHEMA IF EXISTS `" + victims + "`");
            CheckpointTable.createIfAbsent(admin, meta, "orders");
            st.execute("CREATE SCHEMA `" + victims + "`");
            st.execute("INSERT INTO `" + meta + "`.`orders_syncer_checkpoint` (id, cp_schema, cp_table, binlog_name,"
                    + " binlog_pos, binlog_gtid, table_info, is_global) VALUES"
                    + " ('" + SOURCE + "', '', '', '" + FILE + "', 1234, '', 'null', 1),"
                    + " ('" + SOURCE + "', 'db1', 't1', '" + FILE + "', 5000, '', '{}', 0),"
                    + " ('mysql-replica-02', '', '', '" + FILE + "', 888, '', 'null', 1)");
            // what an injection would drop or read
            st.execute("CREATE TABLE `" + victims + "`.`x` (secret VARCHAR(64))");
            st.execute("INSERT INTO `" + victims + "`.`x` VALUES ('still here')");
            st.execute("CREATE TABLE `" + meta + "`.`x` (secret VARCHAR(64))");
            st.execute("INSERT INTO `" + meta + "`.`x` VALUES ('still here')");
        }
    }

    @AfterAll
    static void cleanUp() throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS `" + meta + "`");
            st.execute("DROP SCHEMA IF EXISTS `" + victims + "`");
        }
        admin.close();
    }

    /** Every schema and table on the server, and every row of the fixture schemas. */
    private static List<String> server() throws SQLException {
        List<String> out = new ArrayList<>(rows("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema') ORDER BY 1, 2"));
        out.addAll(rows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1"));
        out.addAll(rows("SELECT User, Host FROM mysql.user ORDER BY 1, 2"));
        for (String schema : List.of(meta, victims)) {
            for (String table : rows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + schema
                    + "' ORDER BY 1")) {
                out.add("-- " + schema + "." + table);
                out.addAll(rows("SELECT * FROM `" + schema + "`.`" + table + "` ORDER BY 1"));
            }
        }
        return out;
    }

    private static List<String> rows(String sql) throws SQLException {
        return CheckpointTables.rows(admin, sql);
    }

    /** Working credentials: a value that got past validation would reach the server. */
    private static Environment env() {
        return Environment.of(Map.of("DOWNSTREAM_HOST", db.host(), "DOWNSTREAM_PORT", String.valueOf(db.port()),
                "DOWNSTREAM_USER", EmbeddedMariaDb.ADMIN_USER, "DOWNSTREAM_PASSWORD", db.adminPassword()));
    }

    private static Map<String, String> validOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("meta-schema", meta);
        m.put("task", "orders");
        m.put("source", SOURCE);
        m.put("binlog-file", FILE);
        m.put("remediation-id", "rem1");
        return m;
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run run(Map<String, String> options, String... extra) {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new FixCheckpointCommand(env()).run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(Run r) throws Exception {
        assertThat(r.stdout().strip()).as("one JSON line on stdout").doesNotContain("\n");
        return Seeds.JSON.readTree(r.stdout());
    }

    /** Hostile values per option; each replaces the valid one while the others stay valid. */
    private static Map<String, List<String>> hostile() {
        String drop = "DROP TABLE `" + victims + "`.`x`";
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("task", List.of("orders`; " + drop + "; --", "orders' OR '1'='1", "orders\u0000", "orders\u0000`; " + drop,
                "t".repeat(47), "orders; " + drop, "orders`.`x", "../orders", "orders\n", " orders",
                "订单", "orders.x", "-orders", "orders/*", "orders\\", "orders`", "ｏrders", ""));
        m.put("source", List.of(SOURCE + "' OR '1'='1", "x'; " + drop + "; --", "s".repeat(33), "a\u0000b", "a b",
                "a`b", "a'b", "a\"b", "%", "a;b", ""));
        m.put("meta-schema", List.of(meta + "`.`x`; " + drop + "; --", "m".repeat(65), meta + "\u0000",
                "information_schema`.`TABLES", meta + ".x", meta + "` WHERE 1=1 --", "../" + meta, "", "`" + meta + "`"));
        m.put("remediation-id", List.of("r1`; " + drop + "; --", "r".repeat(41), "r\u0000", "../r", "r1' OR '1'='1",
                "r 1", ""));
        m.put("binlog-file", List.of(FILE + "'; " + drop + "; --", "../../etc/passwd", FILE + "\u0000",
                "x".repeat(200), FILE + "' OR '1'='1", "mysql-bin.004451 ", ""));
        m.put("position", List.of("4; " + drop, "-1", "0", "3", "4294967296", "99999999999999999999", "4e3", "0x10",
                "", "４", " 4", "4\u0000"));
        m.put("source-gtid-mode", List.of("on'; --", "ON\u0000", "", "off; " + drop));
        return m;
    }

    @Test
    void everyHostileValueIsAUsageErrorAndTheServerIsUnchanged() throws Exception {
        List<String> before = server();
        assertThat(before).contains("still here");
        List<String> problems = new ArrayList<>();
        int runs = 0;
        for (Map.Entry<String, List<String>> option : hostile().entrySet()) {
            for (String value : option.getValue()) {
                for (boolean inline : new boolean[] {false, true}) {
                    Map<String, String> options = validOptions();
                    options.remove(option.getKey());
                    Run r = inline
                            // --name=value, the other spelling Args accepts
                            ? run(options, "--" + option.getKey() + "=" + value)
                            : run(withOption(options, option.getKey(), value));
                    runs++;
                    String what = "--" + option.getKey() + (inline ? "=" : " ") + Harness.printable(value);
                    JsonNode json = json(r);
                    if (r.exit() != 2 || !json.get("result").asText().equals("refused")
                            || !json.get("message").asText().startsWith("usage: ")) {
                        problems.add(what + ": exit " + r.exit() + ", " + r.stdout().strip());
                    }
                    if (!r.stderr().startsWith("fix-checkpoint: usage: ") || r.stderr().strip().contains("\n")) {
                        problems.add(what + ": stderr " + Harness.printable(r.stderr()));
                    }
                }
            }
        }
        assertThat(problems).as("%d runs", runs).isEmpty();
        assertThat(server()).isEqualTo(before);
    }

    @Test
    void validNamesThatPointElsewhereAreRefusedWithoutChangingAnything() throws Exception {
        // these pass the character check (they are names) but name no DM checkpoint table: refused (exit 1)
        List<String> before = server();
        // "_" is LIKE's wildcard: harmless, the fixer compares with "=" and a bound value, so it matches no row;
        // "orders--" looks like a comment but is a valid DM task name, always inside backticks
        for (Map.Entry<String, String> o : Map.of("meta-schema", "information_schema", "task", "orders--",
                "source", "_").entrySet()) {
            Run r = run(withOption(validOptions(), o.getKey(), o.getValue()));
            assertThat(r.exit()).as("--%s %s: %s", o.getKey(), o.getValue(), r.stdout()).isEqualTo(1);
            assertThat(json(r).get("result").asText()).isEqualTo("refused");
        }
        Run mysql = run(withOption(withOption(validOptions(), "meta-schema", "mysql"), "task", "user"));
        assertThat(mysql.exit()).as(mysql.stdout()).isEqualTo(1);
        assertThat(server()).isEqualTo(before);
    }

    @Test
    void theComparisonSeesARealChange() throws Exception {
        // the control: valid options, check first (writes nothing), then the fix (writes rows and a backup table)
        List<String> before = server();
        Run check = run(validOptions(), "--check");
        assertThat(check.exit()).as(check.stdout() + check.stderr()).isZero();
        assertThat(json(check).get("result").asText()).isEqualTo("checked");
        assertThat(server()).isEqualTo(before);

        Map<String, String> options = withOption(validOptions(), "remediation-id", "control");
        Run fix = run(options);
        assertThat(fix.exit()).as(fix.stdout() + fix.stderr()).isZero();
        assertThat(json(fix).get("result").asText()).isEqualTo("fixed");
        assertThat(server()).isNotEqualTo(before).contains(meta + " | orders_syncer_checkpoint_bak_control | BASE TABLE");

        // put the rows back for the other tests of this class (JUnit's order is not fixed)
        try (Statement st = admin.createStatement()) {
            st.execute("UPDATE `" + meta + "`.`orders_syncer_checkpoint` SET binlog_pos = CASE cp_table WHEN '' THEN"
                    + " 1234 ELSE 5000 END WHERE id = '" + SOURCE + "'");
            st.execute("DROP TABLE `" + meta + "`.`orders_syncer_checkpoint_bak_control`");
        }
    }

    private static Map<String, String> withOption(Map<String, String> options, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(options);
        m.put(key, value);
        return m;
    }
}
