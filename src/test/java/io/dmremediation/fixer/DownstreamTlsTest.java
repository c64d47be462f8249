package io.dmremediation.fixer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.cli.CheckDownstreamCommand;
import io.dmremediation.cli.Command;
import io.dmremediation.cli.FixCheckpointCommand;
import io.dmremediation.sandbox.EmbeddedMariaDb;
import io.dmremediation.sandbox.dmmaster.CheckpointTable;
import io.dmremediation.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials check and the checkpoint fixer over TLS, against a real MariaDB that speaks only TLS, with
 * certificates this test makes: the server certificate and host name are verified against the Secret's CA, a client
 * certificate is presented when the Secret has one, and nothing falls back to plain text.
 */
class DownstreamTlsTest {

    static final String USER = "dm_tls";
    static final String X509_USER = "dm_x509";
    static final String PASSWORD = "tls-" + Long.toHexString(System.nanoTime());
    static final String SCHEMA = "dm_meta_tls";
    static final String FILE = "mysql-bin.004451";

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Issued client;
    static EmbeddedMariaDb db;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki("downstream-ca");
        TestPki.Issued server = pki.server("tidb", "localhost", "127.0.0.1");
        client = pki.client(X509_USER);
        Path ca = Files.writeString(dir.resolve("server-ca.pem"), pki.caPem());
        Path cert = Files.writeString(dir.resolve("server-cert.pem"), server.certPem());
        Path key = Files.writeString(dir.resolve("server-key.pem"), server.keyPem());
        db = EmbeddedMariaDb.startWithTls(ca, cert, key);
        try (Connection c = db.adminConnection(); Statement st = c.createStatement()) {
            for (String host : List.of("127.0.0.1", "localhost")) {
                st.execute("CREATE OR REPLACE USER '" + USER + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'");
                st.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'" + host + "'");
                st.execute("CREATE OR REPLACE USER '" + X509_USER + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD
                        + "' REQUIRE X509");
                st.execute("GRANT ALL PRIVILEGES ON *.* TO '" + X509_USER + "'@'" + host + "'");
            }
            CheckpointTable.createIfAbsent(c, SCHEMA, "orders");
            st.execute("INSERT INTO `" + SCHEMA + "`.`orders_syncer_checkpoint` (id, cp_schema, cp_table, binlog_name,"
                    + " binlog_pos, binlog_gtid, exit_safe_binlog_name, exit_safe_binlog_pos, exit_safe_binlog_gtid,"
                    + " table_info, is_global) VALUES ('mysql-01', '', '', '" + FILE + "', 1234, '', '', 0, '', 'null', 1),"
                    + " ('mysql-01', 'db1', 't1', '" + FILE + "', 5000, '', '', 0, '', '{}', 0)");
        }
    }

    @AfterAll
    static void stop() {
        db.stop();
    }

    /** What the Job's pod sees: the Secret's keys as files in DOWNSTREAM_TLS_DIR. */
    static Path secretDir(String name, byte[] ca, TestPki.Issued pair, boolean keyToo) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        if (ca != null) {
            Files.write(d.resolve("ca.crt"), ca);
        }
        if (pair != null) {
            Files.write(d.resolve("tls.crt"), pair.cert());
            if (keyToo) {
                Files.write(d.resolve("tls.key"), pair.key());
            }
        }
        return d;
    }

    static Map<String, String> env(String user, Path tlsDir) {
        Map<String, String> env = new HashMap<>();
        env.put("DOWNSTREAM_HOST", db.host());
        env.put("DOWNSTREAM_PORT", String.valueOf(db.port()));
        env.put("DOWNSTREAM_USER", user);
        env.put("DOWNSTREAM_PASSWORD", PASSWORD);
        if (tlsDir != null) {
            env.put("DOWNSTREAM_TLS_DIR", tlsDir.toString());
        }
        return env;
    }

    static CommandRun check(Map<String, String> env) {
        CommandRun run = CommandRun.of(new CheckDownstreamCommand(Environment.of(env)), List.of());
        assertThat(run.stdout() + run.stderr()).doesNotContain(PASSWORD);
        return run;
    }

    @Test
    void theCheckConnectsWithVerifiedTlsWhenTheSecretCarriesACa() throws Exception {
        Map<String, String> env = env(USER, secretDir("ca-only", pki.ca(), null, false));
        CommandRun run = check(env);
        assertThat(run.exitCode()).as(run.stdout()).isEqualTo(Command.OK);
        assertThat(run.json().get("result").asText()).isEqualTo("checked");
        // the session is encrypted, with the certificate verified
        DownstreamSettings s = DownstreamSettings.fromEnvironment(Environment.of(env));
        assertThat(s.tls().required()).isTrue();
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).startsWith("TLS");
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefusedAndSaysSo() throws Exception {
        TestPki other = new TestPki("not-the-downstream-ca");
        CommandRun run = check(env(USER, secretDir("wrong-ca", other.ca(), null, false)));
        assertThat(run.exitCode()).isEqualTo(Command.FAILED);
        assertThat(run.json().get("message").asText())
                .contains("TLS with the downstream at " + db.host() + ":" + db.port() + " failed")
                .contains("not signed by the CA we trust");
    }

    @Test
    void tlsRequiredByTheTaskWithoutACaVerifiesAgainstTheJvmTrustStoreAndNeverFallsBackToPlainText() {
        Map<String, String> env = env(USER, null);
        env.put("DOWNSTREAM_TLS", "required");
        CommandRun run = check(env);
        // the test CA is not in the JVM's trust store: refused, not connected without verification or in plain text
        assertThat(run.exitCode()).isEqualTo(Command.FAILED);
        assertThat(run.json().get("message").asText()).contains("TLS with the downstream").contains("not signed");
    }

    @Test
    void aClientCertificateIsPresentedWhenTheSecretHasOne() throws Exception {
        CommandRun withCert = check(env(X509_USER, secretDir("with-client", pki.ca(), client, true)));
        assertThat(withCert.exitCode()).as(withCert.stdout()).isEqualTo(Command.OK);
        CommandRun without = check(env(X509_USER, secretDir("without-client", pki.ca(), null, false)));
        assertThat(without.exitCode()).as("REQUIRE X509 refuses a client without a certificate").isEqualTo(Command.FAILED);
        assertThat(without.json().get("message").asText()).contains("Access denied");
    }

    @Test
    void halfAClientPairIsAUsageError() throws Exception {
        CommandRun run = check(env(USER, secretDir("half-pair", pki.ca(), client, false)));
        assertThat(run.exitCode()).isEqualTo(Command.USAGE);
        assertThat(run.json().get("message").asText()).contains("tls.crt is given without tls.key");
    }

    @Test
    void theCheckpointFixerWorksOverTlsToo() throws Exception {
        Map<String, String> env = env(USER, secretDir("fixer", pki.ca(), null, false));
        CommandRun run = CommandRun.of(new FixCheckpointCommand(Environment.of(env)), List.of("--meta-schema", SCHEMA,
                "--task", "orders", "--source", "mysql-01", "--binlog-file", FILE, "--remediation-id", "tls1"));
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isEqualTo(Command.OK);
        assertThat(run.json().get("result").asText()).isEqualTo("fixed");
        try (Connection c = db.adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT binlog_pos FROM `" + SCHEMA + "`.`orders_syncer_checkpoint`")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(4);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void anEmptyDirOrNoTlsSettingsChangeNothing() throws Exception {
        DownstreamSettings plain = DownstreamSettings.fromEnvironment(Environment.of(env(USER, Files.createDirectories(dir.resolve("empty")))));
        assertThat(plain.tls().required()).isFalse();
        java.util.Properties props = new java.util.Properties();
        try (DownstreamTls.Files2 written = new DownstreamTls.Files2()) {
            plain.tls().apply(props, dir, written);
        }
        assertThat(props).isEmpty();
        java.util.Properties verified = new java.util.Properties();
        try (DownstreamTls.Files2 written = new DownstreamTls.Files2()) {
            new DownstreamTls(true, pki.ca(), null, null).apply(verified, dir, written);
            assertThat(Path.of(java.net.URI.create(verified.getProperty("trustCertificateKeyStoreUrl")))).exists();
        }
        assertThat(verified.getProperty("sslMode")).isEqualTo("VERIFY_IDENTITY");
        assertThat(verified.getProperty("fallbackToSystemTrustStore")).isEqualTo("false");
        assertThat(Path.of(java.net.URI.create(verified.getProperty("trustCertificateKeyStoreUrl"))))
                .as("the key store is gone once the connection is made").doesNotExist();
    }
}
