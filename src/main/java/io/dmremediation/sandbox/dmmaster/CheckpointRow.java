package io.dmremediation.sandbox.dmmaster;

/**
 * One row of {@code <meta-schema>.<task>_syncer_checkpoint} for one source (§6): the global row has empty
 * {@code cp_schema}/{@code cp_table} and {@code is_global = 1}; table rows name an upstream table.
 */
record CheckpointRow(String cpSchema, String cpTable, String binlogName, long binlogPos, String binlogGtid,
                     boolean global) {

    static CheckpointRow global(String binlogName, long binlogPos) {
        return new CheckpointRow("", "", binlogName, binlogPos, "", true);
    }

    static CheckpointRow table(String schema, String table, String binlogName, long binlogPos) {
        return new CheckpointRow(schema, table, binlogName, binlogPos, "", false);
    }
}
