package io.dmremediation.fixer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code <task>_syncer_checkpoint}, minus {@code table_info} and the timestamps: the fixer compares and
 * reports locations, and {@code table_info} (a TiDB table schema per row) can be large. The backup copies all
 * columns server-side.
 */
public record CheckpointRow(
        String id,
        String cpSchema,
        String cpTable,
        String binlogName,
        Long binlogPos,
        String binlogGtid,
        String exitSafeBinlogName,
        Long exitSafeBinlogPos,
        boolean global) {

    /** The columns read, in order; {@link #COLUMNS} is spliced into SQL and contains no user input. */
    static final String COLUMNS = "id, cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid,"
            + " exit_safe_binlog_name, exit_safe_binlog_pos, is_global";

    /** The global row's key (pingcap/tiflow dm/syncer/checkpoint.go globalCpSchema/globalCpTable). */
    public boolean hasGlobalKey() {
        return cpSchema.isEmpty() && cpTable.isEmpty();
    }

    /** Identity inside one source: (cp_schema, cp_table), the unique key minus id. */
    public String key() {
        return cpSchema + "\u0000" + cpTable;
    }

    /** The rows by {@link #key()}: two sets of one source's rows are the same state when these maps are equal. */
    static Map<String, CheckpointRow> byKey(List<CheckpointRow> rows) {
        Map<String, CheckpointRow> m = new LinkedHashMap<>();
        for (CheckpointRow row : rows) {
            m.put(row.key(), row);
        }
        return m;
    }

    public CheckpointRow withBinlogPos(long pos) {
        return new CheckpointRow(id, cpSchema, cpTable, binlogName, pos, binlogGtid, exitSafeBinlogName,
                exitSafeBinlogPos, global);
    }

    /** The report's view of a row. */
    public Map<String, Object> toReport() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("cp_schema", cpSchema);
        m.put("cp_table", cpTable);
        m.put("binlog_name", binlogName);
        m.put("binlog_pos", binlogPos);
        m.put("is_global", global);
        return m;
    }

    @Override
    public String toString() {
        return (global ? "global" : "`" + cpSchema + "`.`" + cpTable + "`") + " at (" + binlogName + ", " + binlogPos
                + ")";
    }
}
