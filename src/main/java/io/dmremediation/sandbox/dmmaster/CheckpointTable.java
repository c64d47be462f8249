package io.dmremediation.sandbox.dmmaster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * DM's syncer checkpoint table, {@code <meta-schema>.<task>_syncer_checkpoint}, with DM's exact DDL
 * ({@code dm/syncer/checkpoint.go}, dm-facts §6): one definition for the simulator's store, the tests' fixtures and
 * the benchmarks, so the fixer is always tried against the table DM really creates.
 */
public final class CheckpointTable {

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

    /** The table's quoted, schema-qualified name. */
    public static String name(String metaSchema, String task) {
        return quote(metaSchema) + "." + quote(CheckpointStore.tableName(task));
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
