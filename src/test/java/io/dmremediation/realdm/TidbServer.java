package io.dmremediation.realdm;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A standalone TiDB, the downstream: {@code tidb-server --store=unistore} (TiDB's embedded single-process storage,
 * what DM's own integration tests run) on a loopback port, data in a temporary directory. Root has no password;
 * DM and the operator use a user with one ({@link #createUser}).
 */
final class TidbServer implements AutoCloseable {

    private final int port;
    private final PeerProcess process;

    private TidbServer(int port, PeerProcess process) {
        this.port = port;
        this.process = process;
    }

    static TidbServer start(DmPeers peers, Path dir) {
        int port = Ports.free();
        int status = Ports.free();
        PeerProcess p = PeerProcess.start("tidb-server", List.of(peers.binary("tidb-server").toString(),
                "--store=unistore", "--path=" + dir.resolve("data"), "--host=127.0.0.1", "-P", String.valueOf(port),
                "--status=" + status, "--log-file=" + dir.resolve("tidb.log")), dir);
        TidbServer t = new TidbServer(port, p);
        t.awaitReady();
        return t;
    }

    int port() {
        return port;
    }

    String host() {
        return "127.0.0.1";
    }

    private void awaitReady() {
        process.awaitPort(port, Duration.ofSeconds(120));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = root(); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
                PeerProcess.sleep(300);
            }
        }
        throw new IllegalStateException("tidb-server does not answer SQL: " + last, last);
    }

    Connection root() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", "root", "");
    }

    void createUser(String user, String password) throws SQLException {
        try (Connection c = root(); Statement st = c.createStatement()) {
            st.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO '" + user + "'@'%'");
        }
    }

    /** Stops and starts it on the same port and data, as a TiDB rolling restart looks to DM. */
    void restart() {
        process.stop();
        process.start();
        awaitReady();
    }

    @Override
    public void close() {
        process.stop();
    }
}
