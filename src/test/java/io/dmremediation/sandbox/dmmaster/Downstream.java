package io.dmremediation.sandbox.dmmaster;

import io.dmremediation.sandbox.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The real downstream for checkpoint tests: the JVM's embedded MariaDB, read and written over JDBC. */
final class Downstream {

    record Row(String cpSchema, String cpTable, String binlogName, long binlogPos, boolean global) {
    }

    private Downstream() {
    }

    static EmbeddedMariaDb db() {
        return EmbeddedMariaDb.shared();
    }

    static DmMasterSimulator.Builder withDb(DmMasterSimulator.Builder b) {
        EmbeddedMariaDb db = db();
        return b.downstream(db.jdbcUrl(""), EmbeddedMariaDb.ADMIN_USER, db.adminPassword());
    }

    static List<Row> rows(String schema, String task, String source) throws SQLException {
        try (Connection c = db().adminConnection();
             PreparedStatement ps = c.prepareStatement("SELECT cp_schema, cp_table, binlog_name, binlog_pos, is_global"
                     + " FROM `" + schema + "`.`" + task + "_syncer_checkpoint` WHERE id = ?"
                     + " ORDER BY is_global DESC, cp_schema, cp_table")) {
            ps.setString(1, source);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getBoolean(5)));
                }
            }
            return out;
        }
    }

    static Row global(String schema, String task, String source) throws SQLException {
        return rows(schema, task, source).stream().filter(Row::global).findFirst().orElse(null);
    }

    static int execute(String sql) throws SQLException {
        try (Connection c = db().adminConnection(); Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    /** The FAQ's recipe: one UPDATE hits the global and all table rows of the source (§6). */
    static void setCheckpoint(String schema, String task, String source, String binlogName, long pos) throws SQLException {
        execute("UPDATE `" + schema + "`.`" + task + "_syncer_checkpoint` SET binlog_name = '" + binlogName
                + "', binlog_pos = " + pos + " WHERE id = '" + source + "'");
    }

    static void dropSchema(String schema) throws SQLException {
        execute("DROP SCHEMA IF EXISTS `" + schema + "`");
    }
}
