package io.dmremediation.sandbox.dmmaster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * DM's syncer checkpoint table, {@code <meta-schema>.<task>_syncer_checkpoint}, with DM's exact DDL
 * ({@code dm/syncer/checkpoint.go}, dm-facts §6): one definition for the simulator's store, the tests' fixtures and
 * the benchmarks, so the fixer is always tried against the table DM really creates.
 */
public final class CheckpointTable {

    private static final int FILL_CHUNK = 1000;

    private CheckpointTable() {
    }

    /** Creates the meta schema and the task's table when absent, as DM does in {@code Syncer.Init}. */
    public static void createIfAbsent(Connection c, String metaSchema, String task) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(metaSchema));
            st.execute("CREATE TABLE IF NOT EXISTS " + name(metaSchema, task) + " (\n"
                    + "    id VARCHAR(32) NOT NULL,\n"
                    + "    cp_schema VARCHAR(128) NOT NULL,\n"
                    + "    cp_table VARCHAR(128) NOT NULL,\n"
                    + "    binlog_name VARCHAR(128),\n"
                    + "    binlog_pos INT UNSIGNED,\n"
                    + "    binlog_gtid TEXT,\n"
                    + "    exit_safe_binlog_name VARCHAR(128) DEFAULT '',\n"
                    + "    exit_safe_binlog_pos INT UNSIGNED DEFAULT 0,\n"
                    + "    exit_safe_binlog_gtid TEXT,\n"
                    + "    table_info JSON NOT NULL,\n"
                    + "    is_global BOOLEAN,\n"
                    + "    create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                    + "    update_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
                    + "    UNIQUE KEY uk_id_schema_table (id, cp_schema, cp_table)\n"
                    + ")");
        }
    }

    /**
     * Fills the table for a source as a big task leaves it when a binlog file overflows: the global row at position
     * 1234 of {@code file}, and {@code tableRows} table rows, nine in ten in {@code file} (half of those in DM's
     * relay-suffixed spelling, e.g. {@code mysql-bin|000001.004451}) and one in ten in {@code previousFile}. Multi-row
     * inserts, so 10,000 rows take a fraction of a second on any connection.
     */
    public static void fillForOverflow(Connection c, String metaSchema, String task, String source, String file,
                                       String previousFile, int tableRows) throws SQLException {
        String suffixed = UpstreamBinlog.suffixedName(file, RelayDir.SUFFIX);
        String insert = "INSERT INTO " + name(metaSchema, task)
                + " (id, cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, table_info, is_global) VALUES ";
        try (PreparedStatement global = c.prepareStatement(insert + "(?, '', '', ?, 1234, '', 'null', 1)")) {
            global.setString(1, source);
            global.setString(2, file);
            global.executeUpdate();
        }
        for (int from = 0; from < tableRows; from += FILL_CHUNK) {
            int n = Math.min(FILL_CHUNK, tableRows - from);
            StringBuilder sql = new StringBuilder(insert);
            for (int i = 0; i < n; i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, '', ?, 0)");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (int i = from; i < from + n; i++) {
                    ps.setString(p++, source);
                    ps.setString(p++, "db" + (i % 50));
                    ps.setString(p++, "t" + i);
                    ps.setString(p++, i % 10 == 0 ? previousFile : i % 2 == 0 ? file : suffixed);
                    ps.setLong(p++, 100 + i);
                    ps.setString(p++, "{\"id\":" + i + ",\"cols\":[{\"name\":\"c\",\"type\":\"int\"}]}");
                }
                ps.executeUpdate();
            }
        }
    }

    /** The table's quoted, schema-qualified name. */
    public static String name(String metaSchema, String task) {
        return quote(metaSchema) + "." + quote(CheckpointStore.tableName(task));
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
