package io.dmremediation.dm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * HTTP to one DM-master: one {@link HttpClient} (thread-safe, shared by all calls), a connect timeout, a deadline
 * for the whole answer (headers and body), a bound on the reply size, and the mapping of every transport failure to
 * a typed {@link DmMasterException} whose message names the DM-master and the request.
 */
final class DmHttp {

    private static final ObjectMapper LENIENT = new ObjectMapper();

    private final URI base;
    private final String where;
    private final DmHttpSettings settings;
    private final HttpClient client;

    DmHttp(String baseUrl, DmHttpSettings settings) {
        this.base = baseUri(baseUrl);
        this.where = "DM-master at " + base;
        this.settings = settings;
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (settings.sslContext() != null) {
            // the CA and client certificate of the cluster; java.net.http verifies the server's host name itself
            builder.sslContext(settings.sslContext());
        }
        this.client = builder
                .connectTimeout(settings.connectTimeout())
                // DM-master's port also carries gRPC (cmux); plain HTTP/1.1 keeps the client off h2c upgrades
                .version(HttpClient.Version.HTTP_1_1)
                // a v5.3 OpenAPI master that is not the leader answers 307 to the leader (openapi_view.go@v5.3.0);
                // NORMAL follows that, never from https to http
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** One reply: its status, its body (UTF-8) and the request it answers, e.g. {@code GET /api/v1/tasks}. */
    record Reply(int status, String body, String target) {
    }

    String baseUrl() {
        return base.toString();
    }

    /** "DM-master at http://host:8261", the start of every message. */
    String where() {
        return where;
    }

    Reply get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    Reply send(String method, String pathAndQuery, String jsonBody) {
        String target = method + " " + pathAndQuery;
        HttpRequest.Builder rb = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json");
        if (jsonBody == null) {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            rb.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        AtomicBoolean headersSeen = new AtomicBoolean();
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(rb.build(), info -> {
            headersSeen.set(true);
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new BoundedBody(settings.maxReplyBytes(), declared);
        });
        try {
            // the request timeout of HttpRequest ends at the headers; this deadline also covers a slow body
            HttpResponse<byte[]> r = call.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return new Reply(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), target);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw timeout(target, e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new DmTimeoutException(where + " was still answering when the caller was interrupted (" + target + ")", e);
        } catch (ExecutionException e) {
            throw transportError(e.getCause(), target, headersSeen.get());
        }
    }

    private DmMasterException transportError(Throwable cause, String target, boolean headersSeen) {
        if (has(cause, ReplyTooLarge.class)) {
            return new DmReplyTooLargeException(where + " sent a reply larger than " + bytes(settings.maxReplyBytes())
                    + " (" + target + ")");
        }
        if (has(cause, HttpConnectTimeoutException.class)) {
            return new DmUnreachableException("could not connect to " + where + " within "
                    + human(settings.connectTimeout()) + " (" + target + ")", cause);
        }
        if (has(cause, HttpTimeoutException.class)) {
            return timeout(target, cause);
        }
        if (has(cause, UnresolvedAddressException.class) || has(cause, UnknownHostException.class)) {
            return new DmUnreachableException("cannot reach " + where + ": unknown host (" + target + ")", cause);
        }
        if (has(cause, NoRouteToHostException.class)) {
            return new DmUnreachableException("cannot reach " + where + ": no route to host (" + target + ")", cause);
        }
        if (has(cause, ConnectException.class)) {
            return new DmUnreachableException("cannot reach " + where + ": connection refused (" + target + ")", cause);
        }
        if (has(cause, javax.net.ssl.SSLException.class)) {
            return new DmUnreachableException("TLS with " + where + " failed: " + io.dmremediation.tls.TlsErrors.explain(cause, "DM-master")
                    + " (" + target + ")", cause);
        }
        if (has(cause, ProtocolException.class)) {
            return new DmBadReplyException(where + " answered with something that is not HTTP (" + target + ")");
        }
        if (headersSeen) {
            return new DmBadReplyException(where + " cut its reply off before the end (" + target + ")");
        }
        if (base.getScheme().equals("https")) {
            // TLS 1.3 finishes the client's side of the handshake before the server checks the client certificate:
            // a refused certificate reaches the client as a closed connection, not as a handshake error
            return new DmUnreachableException(where + " closed the connection without answering (" + target
                    + "); over TLS that is how DM-master refuses a missing or untrusted client certificate "
                    + "(tls.crt and tls.key of the TLS Secret)", cause);
        }
        return new DmUnreachableException(where + " closed the connection without answering (" + target + ")", cause);
    }

    private DmTimeoutException timeout(String target, Throwable cause) {
        return new DmTimeoutException(where + " did not answer within " + human(settings.requestTimeout())
                + " (" + target + ")", cause);
    }

    // ---- status handling ----

    /** A gateway reply must be 200; grpc-gateway maps gRPC errors to 4xx/5xx with {@code {"code","message","details"}}. */
    Reply checkGateway(Reply r, List<String> secrets) {
        if (r.status() == 200) {
            return r;
        }
        throw statusError(r, secrets);
    }

    /** An OpenAPI reply must be 2xx; 400 with {@code {"error_msg","error_code"}} is DM's own refusal. */
    Reply checkOpenApi(Reply r) {
        if (r.status() >= 200 && r.status() < 300) {
            return r;
        }
        if (r.status() == 400) {
            JsonNode err = lenientObject(r.body());
            if (err != null && err.path("error_msg").isTextual()) {
                String msg = SafeText.oneLine(err.get("error_msg").textValue());
                JsonNode code = err.path("error_code");
                int c = code.canConvertToInt() ? code.asInt() : SafeText.codeIn(msg);
                return refuse(new DmErrorReplyException(c, msg, msg), r.target());
            }
        }
        throw statusError(r, List.of());
    }

    DmHttpStatusException statusError(Reply r, List<String> secrets) {
        String detail = errorDetail(r.body(), secrets);
        return new DmHttpStatusException(r.status(), detail, where + " answered HTTP " + r.status() + " to "
                + r.target() + (detail.isEmpty() ? "" : ": " + detail));
    }

    /** Runs a parser on a reply body; its errors get this DM-master and the request in their message. */
    <T> T parse(Reply r, Function<String, T> parser) {
        try {
            return parser.apply(r.body());
        } catch (DmErrorReplyException e) {
            return refuse(e, r.target());
        } catch (DmBadReplyException e) {
            throw new DmBadReplyException(where + " sent an unexpected reply to " + r.target() + ": " + e.getMessage());
        }
    }

    private <T> T refuse(DmErrorReplyException e, String target) {
        String said = e.dmMessage().isEmpty() ? "result: false without a message" : e.dmMessage();
        throw new DmErrorReplyException(e.code(), e.dmMessage(), where + " refused " + target + ": " + said);
    }

    /** The error text of a JSON error body (OpenAPI, grpc-gateway); never the text of an HTML or other page. */
    static String errorDetail(String body, List<String> secrets) {
        JsonNode n = lenientObject(body);
        if (n == null) {
            return "";
        }
        for (String field : List.of("error_msg", "message", "error", "msg")) {
            JsonNode v = n.get(field);
            if (v != null && v.isTextual() && !v.textValue().isBlank()) {
                return SafeText.oneLine(v.textValue(), secrets);
            }
        }
        return "";
    }

    private static JsonNode lenientObject(String body) {
        if (body == null || body.length() > 64 * 1024 || !body.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            JsonNode n = LENIENT.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---- addresses ----

    /** {@code http(s)://host:port}, a trailing slash tolerated; anything else is a configuration error. */
    static URI baseUri(String text) {
        String shown = text == null ? "null" : text.replaceAll("//[^/@]*@", "//");
        IllegalArgumentException bad = new IllegalArgumentException(
                "DM-master address must look like http://host:8261 (got " + shown + ")");
        if (text == null || text.isBlank()) {
            throw bad;
        }
        URI u;
        try {
            u = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw bad;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getRawUserInfo() != null
                || !(path.isEmpty() || path.equals("/")) || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw bad;
        }
        try {
            return new URI(scheme, null, u.getHost(), u.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw bad;
        }
    }

    /**
     * A task or source name as one path segment: every byte outside RFC 3986's unreserved set is percent-encoded, so
     * a name with {@code /}, {@code ?}, {@code #} or {@code %} stays one segment. "." and ".." would still be read as
     * path steps by DM-master's router, so they are refused.
     */
    static String segment(String name, String what) {
        if (!isSegment(name)) {
            throw new IllegalArgumentException(what + " name cannot be empty, \".\" or \"..\"");
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    /** A value for a query parameter ({@code ?sources=…}): percent-encoded as {@link #segment} does, never empty. */
    static String queryValue(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " name cannot be empty");
        }
        return value.equals(".") || value.equals("..") ? value : segment(value, what);
    }

    /** Whether {@link #segment} takes the name: not null, not empty, not "." or "..". */
    static boolean isSegment(String name) {
        return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..");
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    private static String bytes(int n) {
        if (n % (1024 * 1024) == 0) {
            return (n / (1024 * 1024)) + " MiB";
        }
        if (n % 1024 == 0) {
            return (n / 1024) + " KiB";
        }
        return n + " bytes";
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** A reply went over the size bound; an IOException so that the client's failure path carries it. */
    private static final class ReplyTooLarge extends IOException {
        ReplyTooLarge() {
            super("reply too large");
        }
    }

    /** Collects the body, and gives up (cancelling the stream) as soon as it exceeds the bound. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int max;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        BoundedBody(int max, long declared) {
            this.max = max;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > max) {
                s.cancel();
                result.completeExceptionally(new ReplyTooLarge());
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if ((long) buffer.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new ReplyTooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
