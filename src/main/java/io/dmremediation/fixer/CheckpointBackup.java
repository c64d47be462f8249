package io.dmremediation.fixer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The backup of a source's checkpoint rows: a table beside the checkpoint table, same columns, that outlives the
 * Job and is found by name ({@code <task>_syncer_checkpoint_bak_<remediation-id>}).
 *
 * <p>It is built under a staging name and renamed into place, so the backup name exists only once the copy is
 * complete: a Job killed half-way leaves a staging table, never a partial "backup" that a re-run would trust.
 * ({@code CREATE TABLE … SELECT} would be one statement, but TiDB does not support it.) An existing backup is never
 * replaced: it holds the rows as they were before the first run of this remediation.
 */
final class CheckpointBackup {

    private final Connection connection;
    private final CheckpointStore store;

    CheckpointBackup(Connection connection, CheckpointStore store) {
        this.connection = connection;
        this.store = store;
    }

    /** The staging name used while copying: derived from the backup name, so a re-run cleans up its own leftover. */
    static String stagingName(String backupTable) {
        return Identifiers.fitIdentifier(backupTable + "_tmp");
    }

    /**
     * Copies the source's rows (all columns) into {@code backupTable} unless it exists. Runs with autocommit:
     * DDL commits implicitly anyway. Returns true when it created the backup.
     */
    boolean ensure(String schema, String checkpointTable, String backupTable, String source)
            throws SQLException, FixRefusedException {
        if (store.tableExists(schema, backupTable)) {
            return false;
        }
        String staging = stagingName(backupTable);
        String stagingQ = CheckpointStore.qualified(schema, staging);
        try (Statement st = connection.createStatement()) {
            if (store.tableExists(schema, staging)) {
                // only this remediation ever uses the staging name; a leftover is an interrupted copy
                st.execute("DROP TABLE " + stagingQ);
            }
            st.execute("CREATE TABLE " + stagingQ + " LIKE " + CheckpointStore.qualified(schema, checkpointTable));
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + stagingQ + " SELECT * FROM "
                + CheckpointStore.qualified(schema, checkpointTable) + " WHERE id = ?")) {
            ps.setString(1, source);
            ps.executeUpdate();
        }
        long[] counts = counts(stagingQ, CheckpointStore.qualified(schema, checkpointTable), source);
        long copied = counts[0];
        long original = counts[1];
        if (copied != original || copied == 0) {
            dropQuietly(stagingQ);
            throw new FixRefusedException("the backup copy holds " + copied + " rows but the checkpoint table has "
                    + original + " rows for source '" + source + "' (is DM writing to it? the task must be stopped);"
                    + " nothing was changed");
        }
        try (Statement st = connection.createStatement()) {
            st.execute("RENAME TABLE " + stagingQ + " TO " + CheckpointStore.qualified(schema, backupTable));
        }
        return true;
    }

    /** Rows of the source in the copy and in the original, in one round trip. */
    private long[] counts(String copy, String original, String source) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT (SELECT COUNT(*) FROM " + copy
                + " WHERE id = ?), (SELECT COUNT(*) FROM " + original + " WHERE id = ?)")) {
            ps.setString(1, source);
            ps.setString(2, source);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private void dropQuietly(String qualifiedTable) {
        try (Statement st = connection.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + qualifiedTable);
        } catch (SQLException e) {
            // the staging table is not the backup; a leftover is dropped by the next run
        }
    }
}
