package io.dmremediation.fixer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy between a MySQL client and a real server that loses the connection at the client's COMMIT, so that a
 * client sees what it sees when a network or pod dies at that moment: its {@code commit()} fails, and it cannot
 * know whether the server committed.
 * <ul>
 *   <li>{@link Cut#AFTER_SERVER_COMMITTED}: the COMMIT is forwarded and the server's answer (its OK: the transaction
 *   is committed) is read by the proxy and dropped with both connections. The server committed; the client never
 *   hears.</li>
 *   <li>{@link Cut#BEFORE_SERVER_SEES_IT}: the COMMIT is not forwarded; both connections are closed. The server
 *   rolls the open transaction back; the client cannot tell that either.</li>
 * </ul>
 * It reads the MySQL packet framing (3-byte length, sequence id) on both directions and finds COMMIT as a
 * COM_QUERY (0x03) with the text {@code commit}, which is what Connector/J's {@code Connection.commit()} sends. It
 * clears CLIENT_SSL in the server's greeting, so the session stays in plain text the proxy can read (MariaDB 11.4
 * offers TLS by default; Connector/J's default sslMode=PREFERRED then goes without).
 */
final class CommitCuttingProxy implements AutoCloseable {

    enum Cut { AFTER_SERVER_COMMITTED, BEFORE_SERVER_SEES_IT }

    private static final int COM_QUERY = 0x03;
    private static final int CLIENT_SSL = 0x0800;

    private final ServerSocket listener;
    private final String serverHost;
    private final int serverPort;
    private final Cut cut;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch cutDone = new CountDownLatch(1);
    private volatile String serverAnswer = "";

    CommitCuttingProxy(String serverHost, int serverPort, Cut cut) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.serverHost = serverHost;
        this.serverPort = serverPort;
        this.cut = cut;
        Thread acceptor = new Thread(this::accept, "commit-cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Waits until the proxy has cut a connection at a COMMIT; false when none came. */
    boolean awaitCut(long seconds) throws InterruptedException {
        return cutDone.await(seconds, TimeUnit.SECONDS);
    }

    /** After a cut after the commit: the first byte of the server's dropped answer (0x00 = OK) as hex. */
    String serverAnswer() {
        return serverAnswer;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(serverHost, serverPort);
                sockets.add(client);
                sockets.add(server);
                Connection c = new Connection(client, server);
                start(c::serverToClient, "proxy-server-to-client");
                start(c::clientToServer, "proxy-client-to-server");
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** One proxied session. */
    private final class Connection {

        private final Socket client;
        private final Socket server;
        private volatile boolean dropNextServerPacket;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void clientToServer() {
            try (DataInputStream in = new DataInputStream(client.getInputStream())) {
                OutputStream out = server.getOutputStream();
                byte[] header = new byte[4];
                while (true) {
                    byte[] payload = readPacket(in, header);
                    if (isCommit(payload)) {
                        if (cut == Cut.BEFORE_SERVER_SEES_IT) {
                            end();
                            return;
                        }
                        dropNextServerPacket = true;
                    }
                    out.write(header);
                    out.write(payload);
                    out.flush();
                }
            } catch (IOException e) {
                end(false);
            }
        }

        void serverToClient() {
            try (DataInputStream in = new DataInputStream(server.getInputStream())) {
                OutputStream out = client.getOutputStream();
                byte[] header = new byte[4];
                boolean greeting = true;
                while (true) {
                    byte[] payload = readPacket(in, header);
                    if (greeting) {
                        withoutSsl(payload);
                        greeting = false;
                    }
                    if (dropNextServerPacket) {
                        // the server has answered the COMMIT: it committed; the client will never know
                        serverAnswer = String.format("%02x", payload.length == 0 ? -1 : payload[0] & 0xff);
                        end();
                        return;
                    }
                    out.write(header);
                    out.write(payload);
                    out.flush();
                }
            } catch (IOException e) {
                end(false);
            }
        }

        private void end() {
            end(true);
        }

        private void end(boolean isCut) {
            closeQuietly(client);
            closeQuietly(server);
            if (isCut) {
                cutDone.countDown();
            }
        }
    }

    private static byte[] readPacket(DataInputStream in, byte[] header) throws IOException {
        in.readFully(header);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return payload;
    }

    static boolean isCommit(byte[] payload) {
        return payload.length > 1 && (payload[0] & 0xff) == COM_QUERY
                && new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8).strip().equalsIgnoreCase("commit");
    }

    /**
     * Clears CLIENT_SSL in a protocol-10 greeting: version byte, NUL-terminated server version, 4-byte connection id,
     * 8 bytes of auth data, a filler byte, then the low two capability bytes (little-endian).
     */
    private static void withoutSsl(byte[] greeting) {
        if (greeting.length == 0 || greeting[0] != 10) {
            return;
        }
        int i = 1;
        while (i < greeting.length && greeting[i] != 0) {
            i++;
        }
        int capabilities = i + 1 + 4 + 8 + 1;
        if (capabilities + 1 < greeting.length) {
            greeting[capabilities + 1] &= (byte) ~(CLIENT_SSL >> 8);
        }
    }
}
