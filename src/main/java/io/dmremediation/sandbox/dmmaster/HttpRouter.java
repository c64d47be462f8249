package io.dmremediation.sandbox.dmmaster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The HTTP front of the simulated DM-master: records every request, applies the reply faults in force, and
 * hands the request to the gateway ({@code /apis/}) or, when enabled, the OpenAPI ({@code /api/v1/}) —
 * anything else is Go's {@code 404 page not found}, as it is for {@code /api/v1} with OpenAPI off (§1).
 */
final class HttpRouter implements HttpHandler {

    private final GatewayApi gateway;
    private final OpenApi openApi;
    private final boolean openApiEnabled;
    private final RequestLog log;
    private final FaultTable faults;

    HttpRouter(GatewayApi gateway, OpenApi openApi, boolean openApiEnabled, RequestLog log, FaultTable faults) {
        this.gateway = gateway;
        this.openApi = openApi;
        this.openApiEnabled = openApiEnabled;
        this.log = log;
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            HttpRequest req = new HttpRequest(ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT),
                    ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders().getFirst("Content-Type"), body);
            log.add(req.method(), req.path(), req.rawQuery(), body);
            Fault fault = faults.match(req.method(), req.path());
            HttpReply reply;
            if (fault == null) {
                reply = dispatch(req);
            } else {
                switch (fault.kind()) {
                    case CLOSE -> {
                        // no status line at all: closing the exchange before sending headers drops the connection
                        return;
                    }
                    case HTTP_500 -> reply = HttpReply.text(500, "Internal Server Error\n");
                    case GARBAGE -> reply = new HttpReply(200, "text/html",
                            "<html><body><h1>502 Bad Gateway</h1></body></html>".getBytes(StandardCharsets.UTF_8));
                    case DM_ERROR -> reply = isOpenApi(req)
                            ? OpenApi.error(fault.error()) : gateway.dmError(req, fault.error());
                    case NOT_LEADER -> reply = isOpenApi(req) ? HttpReply.empty(400) : gateway.notLeader(fault.error());
                    case EMPTY -> reply = new HttpReply(200, "application/json", (isOpenApi(req)
                            ? "{\"total\":0,\"data\":[]}" : "{\"result\":true,\"msg\":\"\",\"sources\":[]}")
                            .getBytes(StandardCharsets.UTF_8));
                    case SLOW -> {
                        sleep(fault.delay().toMillis());
                        reply = dispatch(req);
                    }
                    case TRUNCATED -> {
                        HttpReply full = dispatch(req);
                        int cut = Math.max(1, full.body().length / 2);
                        reply = new HttpReply(full.status(), full.contentType(), Arrays.copyOf(full.body(), cut));
                    }
                    default -> reply = dispatch(req);
                }
            }
            send(ex, reply);
        } catch (RuntimeException e) {
            // a handler bug must still answer, the way Go's recovery middleware does
            send(ex, HttpReply.text(500, "Internal Server Error\n"));
        }
    }

    private boolean isOpenApi(HttpRequest r) {
        return openApiEnabled && (r.path().startsWith(OpenApi.PREFIX) || r.path().equals("/api/v1"));
    }

    private HttpReply dispatch(HttpRequest r) {
        if (r.path().startsWith("/apis/")) {
            return gateway.handle(r);
        }
        if (isOpenApi(r)) {
            return openApi.handle(r);
        }
        return HttpReply.text(404, "404 page not found\n");
    }

    private static void send(HttpExchange ex, HttpReply reply) throws IOException {
        if (reply.contentType() != null) {
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        byte[] body = reply.body();
        ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
