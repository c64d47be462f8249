package io.dmremediation.dm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A tiny stand-in for DM-master's HTTP port, for the client tests only: it records every request (method, raw path,
 * raw query, body) and answers from canned routes. Unknown routes get Go's {@code 404 page not found}, as DM-master's
 * mux does for {@code /api/v1/…} when OpenAPI is off.
 */
final class FakeDmMaster implements AutoCloseable {

    record Request(String method, String path, String query, String body) {
        String target() {
            return method + " " + path + (query == null ? "" : "?" + query);
        }
    }

    @FunctionalInterface
    interface Responder {
        void respond(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Responder>> routes = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    FakeDmMaster() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code method path} with these responders in turn; the last one repeats. */
    FakeDmMaster on(String method, String path, Responder... sequence) {
        routes.put(method + " " + path, new ArrayDeque<>(Arrays.asList(sequence)));
        return this;
    }

    /** As {@link #on}, for requests with exactly this raw query; such a route wins over the path's own. */
    FakeDmMaster onQuery(String method, String path, String query, Responder... sequence) {
        routes.put(method + " " + path + "?" + query, new ArrayDeque<>(Arrays.asList(sequence)));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<String> targets() {
        return requests.stream().map(Request::target).toList();
    }

    void forget() {
        requests.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                ex.getRequestURI().getRawQuery(), body));
        String key = ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath();
        Deque<Responder> route = ex.getRequestURI().getRawQuery() == null ? null
                : routes.get(key + "?" + ex.getRequestURI().getRawQuery());
        if (route == null) {
            route = routes.get(key);
        }
        Responder r;
        if (route == null) {
            r = text(404, "404 page not found\n");
        } else {
            synchronized (route) {
                r = route.size() > 1 ? route.poll() : route.peek();
            }
        }
        try {
            r.respond(ex);
        } finally {
            ex.close();
        }
    }

    static Responder json(int status, String body) {
        return ex -> send(ex, status, "application/json", body);
    }

    static Responder json(String body) {
        return json(200, body);
    }

    static Responder text(int status, String body) {
        return ex -> send(ex, status, "text/plain; charset=utf-8", body);
    }

    /** Headers and then nothing until the test ends: a DM-master that hangs. */
    Responder hangs() {
        return ex -> awaitClose();
    }

    /** Headers and the first bytes of the body, then nothing: a body that stalls. */
    Responder stallsMidBody() {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 100);
            OutputStream out = ex.getResponseBody();
            out.write("{\"result\": true,".getBytes(StandardCharsets.UTF_8));
            out.flush();
            awaitClose();
        };
    }

    /** Streams a body of this size without a Content-Length (chunked). */
    static Responder chunked(int bytes) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            byte[] block = new byte[8192];
            Arrays.fill(block, (byte) ' ');
            try {
                for (int left = bytes; left > 0; left -= block.length) {
                    out.write(block, 0, Math.min(left, block.length));
                }
            } catch (IOException e) {
                // the client gave up reading, as it should
            }
        };
    }

    private void awaitClose() {
        try {
            closing.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        pool.shutdownNow();
    }

    /**
     * A plain socket that reads a request and answers with these exact bytes, then closes: for what an HTTP server
     * library will not do (close without answering, talk something else, cut a reply short).
     */
    static final class RawServer implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread thread;

        RawServer(byte[] answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        readHeaders(s.getInputStream());
                        s.getOutputStream().write(answer);
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        // closed by the test, or the client went away
                    }
                }
            }, "raw-dm-master");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        private static void readHeaders(InputStream in) throws IOException {
            int state = 0;
            int c;
            while ((c = in.read()) >= 0) {
                state = (c == '\r' || c == '\n') ? state + 1 : 0;
                if (state == 4) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A port on the loopback with nothing listening (bound once, then released). */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
