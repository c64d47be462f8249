package io.dmremediation.badinput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A DM-master stand-in on a plain socket: it records each request exactly as it came over the wire (the raw
 * request target, before any decoding or normalisation an HTTP library would do) and answers with whatever bytes a
 * {@link Responder} writes, including what no HTTP library would send: endless bodies, lying lengths, a drip.
 * Every response ends the connection.
 */
final class WireServer implements AutoCloseable {

    /** One request as read from the socket. */
    record Request(String requestLine, String method, String target, Map<String, String> headers, String body) {
        /** The target without its query. */
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    @FunctionalInterface
    interface Responder {
        void respond(Request request, OutputStream out) throws IOException;
    }

    private final ServerSocket socket;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Responder> routes = new ConcurrentHashMap<>();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Responder fallback = json(404, "404 page not found");

    WireServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "wire-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Answers {@code METHOD path} (path without query, raw). */
    WireServer on(String method, String rawPath, Responder r) {
        routes.put(method + " " + rawPath, r);
        return this;
    }

    /** Answers every request no route matches. */
    WireServer otherwise(Responder r) {
        fallback = r;
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    void forget() {
        requests.clear();
    }

    /** Body bytes the responders managed to write (the client's socket took them): how much the client read. */
    long bytesWritten() {
        return bytesWritten.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "wire-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(30_000);
            Request r = read(s.getInputStream());
            if (r == null) {
                return;
            }
            requests.add(r);
            Responder responder = routes.getOrDefault(r.method() + " " + r.path(), fallback);
            responder.respond(r, new CountingStream(s.getOutputStream()));
            s.getOutputStream().flush();
        } catch (IOException e) {
            // the client went away (as it should after a refusal) or the test ended
        }
    }

    private static Request read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while (state < 4 && (c = in.read()) >= 0) {
            head.write(c);
            state = c == '\r' || c == '\n' ? state + 1 : 0;
            if (head.size() > 1 << 20) {
                throw new IOException("request head too large");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        if (lines.length == 0 || lines[0].isEmpty()) {
            return null;
        }
        String[] parts = lines[0].split(" ", -1);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Request(lines[0], parts[0], parts.length > 1 ? parts[1] : "", headers,
                new String(body, StandardCharsets.UTF_8));
    }

    /** Blocks a responder until the test ends (a DM-master that hangs). */
    void awaitClose() {
        try {
            closing.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean closed() {
        return closing.getCount() == 0;
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        socket.close();
    }

    private final class CountingStream extends OutputStream {
        private final OutputStream out;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytesWritten.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytesWritten.addAndGet(len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    // ---- responders ----

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A normal reply with a correct Content-Length. */
    static Responder json(int status, String body) {
        return (req, out) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(ascii("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                    + "\r\nConnection: close\r\n\r\n"));
            out.write(b);
        };
    }

    static Responder json(String body) {
        return json(200, body);
    }
}
