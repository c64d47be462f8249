package io.dmremediation.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP endpoints on one port: {@code /metrics} (Prometheus text), {@code /healthz} (liveness: the
 * operator runs), {@code /readyz} (readiness: its informers are in sync).
 */
public final class OperatorHttp implements AutoCloseable {

    private final HttpServer server;

    private OperatorHttp(HttpServer server) {
        this.server = server;
    }

    public static OperatorHttp start(int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
                                     BooleanSupplier ready) throws IOException {
        return start(port, registry, () -> { }, alive, ready);
    }

    /** As above; {@code beforeScrape} runs before each {@code /metrics} answer (it recounts the state gauges). */
    public static OperatorHttp start(int port, PrometheusMeterRegistry registry, Runnable beforeScrape,
                                     BooleanSupplier alive, BooleanSupplier ready) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "operator-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", ex -> {
            try {
                beforeScrape.run();
            } catch (RuntimeException e) {
                // stale state gauges are better than no metrics at all
            }
            reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        server.createContext("/healthz", ex -> probe(ex, alive));
        server.createContext("/readyz", ex -> probe(ex, ready));
        server.start();
        return new OperatorHttp(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange ex, BooleanSupplier check) throws IOException {
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        reply(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
