package io.dmremediation.fixer;

import io.dmremediation.sandbox.EmbeddedMariaDb;
import io.dmremediation.sandbox.dmmaster.CheckpointTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** DM's syncer checkpoint table in the embedded MariaDB, the rows of the FAQ scenario, and whole-schema snapshots. */
public final class CheckpointTables {

    static final String SOURCE = "mysql-replica-01";
    static final String OTHER_SOURCE = "mysql-replica-02";
    static final String FILE = "mysql-bin.004451";
    static final String FILE_SUFFIXED = "mysql-bin|000001.004451";
    static final String REAL_GTID = "3ccc475b-2343-11e7-be21-6c0b84d59f30:1-14";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private CheckpointTables() {
    }

    static EmbeddedMariaDb db() {
        return EmbeddedMariaDb.shared();
    }

    /** A fresh schema name per test, so tests never see each other's tables. */
    static String freshSchema(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    private static Connection admin;

    /** One admin connection for all fixture statements: opening one per statement made each test take seconds. */
    static synchronized Connection admin() throws SQLException {
        if (admin == null || !admin.isValid(2)) {
            admin = db().adminConnection();
        }
        return admin;
    }

    static DownstreamSettings adminSettings() {
        return db().adminSettings();
    }

    /** DM's table, as the simulator creates it. */
    static void create(String schema, String task) throws SQLException {
        CheckpointTable.createIfAbsent(admin(), schema, task);
    }

    static void insert(String schema, String task, String id, String cpSchema, String cpTable, String binlogName,
                       long pos, String gtid, boolean global) throws SQLException {
        try (PreparedStatement ps = admin().prepareStatement("INSERT INTO `" + schema + "`.`" + task
                + "_syncer_checkpoint` (id, cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, exit_safe_binlog_name,"
                     + " exit_safe_binlog_pos, exit_safe_binlog_gtid, table_info, is_global)"
                     + " VALUES (?, ?, ?, ?, ?, ?, '', 0, '', ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, cpSchema);
            ps.setString(3, cpTable);
            ps.setString(4, binlogName);
            ps.setLong(5, pos);
            ps.setString(6, gtid);
            ps.setString(7, global ? "null" : "{\"id\":7,\"name\":{\"O\":\"" + cpTable + "\"},\"cols\":[]}");
            ps.setBoolean(8, global);
            ps.executeUpdate();
        }
    }

    /**
     * The FAQ scenario: source 01's global row and two table rows in the affected file (plain and suffixed names),
     * two table rows in the previous file; source 02 with rows in the same file that must stay untouched.
     */
    static void scenario(String schema, String task, String globalGtid) throws SQLException {
        create(schema, task);
        insert(schema, task, SOURCE, "", "", FILE_SUFFIXED, 1234, globalGtid, true);
        insert(schema, task, SOURCE, "db1", "t1", FILE, 5000, globalGtid, false);
        insert(schema, task, SOURCE, "db1", "t2", FILE_SUFFIXED, 77, globalGtid, false);
        insert(schema, task, SOURCE, "db1", "t3", "mysql-bin.004450", 999, globalGtid, false);
        insert(schema, task, SOURCE, "db2", "t4", "mysql-bin|000001.004450", 12345, globalGtid, false);
        insert(schema, task, OTHER_SOURCE, "", "", FILE, 888, "", true);
        insert(schema, task, OTHER_SOURCE, "db1", "t1", FILE, 999, "", false);
    }

    /** Every table of the schema with every row, all columns as text: equal snapshots = nothing changed. */
    static Map<String, List<String>> snapshot(String schema) throws SQLException {
        Map<String, List<String>> tables = new TreeMap<>();
        Connection c = admin();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        for (String name : names) {
            tables.put(name, rows(c, "SELECT * FROM `" + schema + "`.`" + name + "` ORDER BY 1, 2, 3"));
        }
        return tables;
    }

    /** Every schema on the server: a hostile name must not create or drop one. */
    static List<String> schemas() throws SQLException {
        return rows(admin(), "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1");
    }

    static List<String> rows(String sql) throws SQLException {
        return rows(admin(), sql);
    }

    /** Every row of the query, all columns as text joined by {@code " | "}: equal lists = nothing changed. */
    public static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    b.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    /** {@code cp_schema.cp_table -> binlog_name@binlog_pos} of one source. */
    static Map<String, String> positions(String schema, String task, String source) throws SQLException {
        Map<String, String> m = new TreeMap<>();
        try (PreparedStatement ps = admin().prepareStatement("SELECT cp_schema, cp_table, binlog_name, binlog_pos"
                + " FROM `" + schema + "`.`" + task + "_syncer_checkpoint` WHERE id = ?")) {
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1) + "." + rs.getString(2), rs.getString(3) + "@" + rs.getLong(4));
                }
            }
        }
        return m;
    }

    static void execute(String sql) throws SQLException {
        try (Statement st = admin().createStatement()) {
            st.execute(sql);
        }
    }
}
