package io.dmremediation.fixer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The SQL against {@code <meta>.<task>_syncer_checkpoint} (or a table of the same shape, like its backup). Names
 * are validated by {@link Identifiers} before they get here and quoted; every value is a bound parameter.
 */
final class CheckpointStore {

    private final Connection connection;

    CheckpointStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * Whether a base table exists. The name is compared in Java, exactly: information_schema collations can be
     * case-insensitive while table names on disk are not.
     */
    boolean tableExists(String schema, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " AND TABLE_TYPE = 'BASE TABLE'")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (table.equals(rs.getString(1))) {
                        return true;
                    }
                }
                return false;
            }
        }
    }

    /** The source's rows, ordered by key; {@code forUpdate} locks them for the rest of the transaction. */
    List<CheckpointRow> rows(String schema, String table, String source, boolean forUpdate) throws SQLException {
        String sql = "SELECT " + CheckpointRow.COLUMNS + " FROM " + qualified(schema, table)
                + " WHERE id = ? ORDER BY cp_schema, cp_table" + (forUpdate ? " FOR UPDATE" : "");
        List<CheckpointRow> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, source);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new CheckpointRow(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            nullableLong(rs, 5),
                            rs.getString(6),
                            rs.getString(7),
                            nullableLong(rs, 8),
                            rs.getInt(9) != 0));
                }
            }
        }
        return rows;
    }

    /**
     * Sets {@code binlog_pos} of the source's rows whose {@code binlog_name} is one of {@code storedNames}: one
     * statement for all of them (the names are the stored spellings of the one affected file, plain and suffixed),
     * not a round trip per row. Returns the driver's row count.
     */
    int setPosition(String schema, String table, String source, Collection<String> storedNames, long position)
            throws SQLException {
        if (storedNames.isEmpty()) {
            return 0;
        }
        StringBuilder sql = new StringBuilder("UPDATE ").append(qualified(schema, table))
                .append(" SET binlog_pos = ? WHERE id = ? AND binlog_name IN (");
        for (int i = 0; i < storedNames.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(")");
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setLong(i++, position);
            ps.setString(i++, source);
            for (String name : storedNames) {
                ps.setString(i++, name);
            }
            return ps.executeUpdate();
        }
    }

    static String qualified(String schema, String table) {
        return Identifiers.quote(schema) + "." + Identifiers.quote(table);
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
