package io.dmremediation.realdm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy between DM and TiDB that drops connections at chosen moments, the way a network, a load balancer or
 * a TiDB restart drops them. It reads the client side as MySQL packets (3-byte length, sequence, payload) so it
 * can cut a connection exactly when DM sends a given statement.
 * <ul>
 *   <li>{@link #closeAll()}: FIN on every open connection while idle. DM's next write succeeds and its read gets
 *       EOF: go-sql-driver's {@code invalid connection};</li>
 *   <li>{@link #resetAll()}: RST on every open connection. DM's next write fails before a byte is sent:
 *       go-sql-driver's {@code driver: bad connection} (errBadConnNoWrite, go-sql-driver/mysql v1.6.0
 *       packets.go:169-173);</li>
 *   <li>{@link #refuseNew(boolean)}: new connections are accepted and reset at once (the downstream is away), so
 *       DM's in-process reconnect fails too;</li>
 *   <li>{@link #cutOnStatement(String)}: the connection that next sends a query or prepare containing the marker is
 *       closed instead of forwarding it, inside DM's transaction: {@code invalid connection} on that statement.</li>
 * </ul>
 */
final class TcpFaultProxy implements AutoCloseable {

    private static final int COM_QUERY = 0x03;
    private static final int COM_STMT_PREPARE = 0x16;

    private final int targetPort;
    private final ServerSocket server;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicReference<byte[]> cutMarker = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean refuse;
    private volatile boolean closed;

    TcpFaultProxy(String name, int targetPort) {
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Thread t = new Thread(this::acceptLoop, "proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections cut by {@link #cutOnStatement}. */
    int cuts() {
        return cuts.get();
    }

    /** Connections turned away while {@link #refuseNew} was on. */
    int refused() {
        return refused.get();
    }

    void refuseNew(boolean on) {
        refuse = on;
    }

    void cutOnStatement(String marker) {
        cutMarker.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    /** FIN on every open connection. */
    void closeAll() {
        pairs.forEach(p -> p.close(false));
    }

    /** RST on every open connection. */
    void resetAll() {
        pairs.forEach(p -> p.close(true));
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refuse) {
                refused.incrementAndGet();
                abort(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress("127.0.0.1", targetPort), 5_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Pair p = new Pair(client, upstream);
                pairs.add(p);
                start(() -> p.clientToServer(), "proxy-c2s");
                start(() -> p.serverToClient(), "proxy-s2c");
            } catch (IOException e) {
                abort(client);
            }
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    /** One proxied connection. */
    private final class Pair {
        private final Socket client;
        private final Socket server;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        /** Packet by packet, so a statement can be held back and its connection cut instead. */
        void clientToServer() {
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                while (true) {
                    byte[] header = in.readNBytes(4);
                    if (header.length < 4) {
                        break;
                    }
                    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                    byte[] payload = in.readNBytes(length);
                    if (payload.length < length) {
                        break;
                    }
                    if (shouldCut(payload)) {
                        cuts.incrementAndGet();
                        close(false);
                        return;
                    }
                    out.write(header);
                    out.write(payload);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            }
            close(false);
        }

        void serverToClient() {
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // either side went away
            }
            close(false);
        }

        private boolean shouldCut(byte[] payload) {
            byte[] marker = cutMarker.get();
            if (marker == null || payload.length == 0) {
                return false;
            }
            int command = payload[0] & 0xff;
            return (command == COM_QUERY || command == COM_STMT_PREPARE) && contains(payload, marker)
                    && cutMarker.compareAndSet(marker, null);
        }

        void close(boolean reset) {
            if (pairs.remove(this)) {
                for (Socket s : new Socket[] {client, server}) {
                    try {
                        if (reset) {
                            s.setSoLinger(true, 0);
                        }
                        s.close();
                    } catch (IOException e) {
                        // gone already
                    }
                }
            }
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        resetAll();
    }
}
