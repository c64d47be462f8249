package io.dmremediation.sandbox.dmmaster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Syncer checkpoints in a real downstream over JDBC, with DM's own DDL and upsert (§6,
 * {@code dm/syncer/checkpoint.go:995-1026,1257-1300}). The table is created when a subtask loads its checkpoint
 * (DM does it in {@code Syncer.Init}). One connection is kept and replaced after any error, so a downstream
 * that went away is reconnected to on the next call.
 */
final class JdbcCheckpointStore implements CheckpointStore {

    private static final int ER_NO_SUCH_TABLE = 1146;

    private final String url;
    private final String user;
    private final String password;
    private Connection conn;

    JdbcCheckpointStore(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public synchronized List<CheckpointRow> load(String metaSchema, String task, String sourceId)
            throws StoreException {
        return withRetry(c -> {
            CheckpointTable.createIfAbsent(c, metaSchema, task);
            String sql = "SELECT cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, is_global FROM "
                    + CheckpointTable.name(metaSchema, task) + " WHERE id = ? ORDER BY is_global DESC, cp_schema, cp_table";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, sourceId);
                List<CheckpointRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new CheckpointRow(rs.getString(1), rs.getString(2), nz(rs.getString(3)),
                                rs.getLong(4), nz(rs.getString(5)), rs.getBoolean(6)));
                    }
                }
                return rows;
            }
        });
    }

    @Override
    public synchronized void save(String metaSchema, String task, String sourceId, List<CheckpointRow> rows)
            throws StoreException {
        String sql = "INSERT INTO " + CheckpointTable.name(metaSchema, task)
                + " (id, cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, exit_safe_binlog_name,"
                + " exit_safe_binlog_pos, exit_safe_binlog_gtid, table_info, is_global)"
                + " VALUES (?, ?, ?, ?, ?, ?, '', 0, '', 'null', ?)"
                + " ON DUPLICATE KEY UPDATE binlog_name = VALUES(binlog_name), binlog_pos = VALUES(binlog_pos),"
                + " binlog_gtid = VALUES(binlog_gtid), exit_safe_binlog_name = VALUES(exit_safe_binlog_name),"
                + " exit_safe_binlog_pos = VALUES(exit_safe_binlog_pos),"
                + " exit_safe_binlog_gtid = VALUES(exit_safe_binlog_gtid), table_info = VALUES(table_info),"
                + " is_global = VALUES(is_global)";
        withRetry(c -> {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (CheckpointRow r : rows) {
                    ps.setString(1, sourceId);
                    ps.setString(2, r.cpSchema());
                    ps.setString(3, r.cpTable());
                    ps.setString(4, r.binlogName());
                    ps.setLong(5, r.binlogPos());
                    ps.setString(6, r.binlogGtid());
                    ps.setBoolean(7, r.global());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (e.getErrorCode() == ER_NO_SUCH_TABLE) {
                    // dropped under a live subtask (remove-meta, a test): put it back, as a re-init would
                    CheckpointTable.createIfAbsent(c, metaSchema, task);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return null;
        });
    }

    @Override
    public synchronized void drop(String metaSchema, String task) throws StoreException {
        withRetry(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + CheckpointTable.name(metaSchema, task));
            }
            return null;
        });
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs on the kept connection; after a failure, once more on a fresh one. */
    private <T> T withRetry(SqlWork<T> work) throws StoreException {
        SQLException first = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (conn == null || conn.isClosed()) {
                    conn = DriverManager.getConnection(url, user, password);
                }
                return work.run(conn);
            } catch (SQLException e) {
                first = first == null ? e : first;
                closeQuietly();
            }
        }
        throw new StoreException(first.getMessage(), first);
    }

    private void closeQuietly() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException e) {
                // already broken
            }
            conn = null;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
