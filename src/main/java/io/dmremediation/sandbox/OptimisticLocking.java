package io.dmremediation.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;

/**
 * What the API server does and fabric8's CRUD mock does not: a PUT that carries a {@code resourceVersion} other than
 * the object's current one is refused with 409 Conflict (optimistic locking). Without it a writer with a stale view
 * (a replica that lost its lease, a process that crashed and came back) silently overwrites a newer status, which
 * the real API server never allows; tests of leader changes and crashes would pass where Kubernetes differs.
 */
final class OptimisticLocking extends Dispatcher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Dispatcher delegate;

    OptimisticLocking(Dispatcher delegate) {
        this.delegate = delegate;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (!"PUT".equalsIgnoreCase(request.getMethod())) {
            return delegate.dispatch(request);
        }
        // reading the body consumes it: the request passed on is rebuilt from the bytes read
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().readByteArray();
        RecordedRequest put = new RecordedRequest(request.getRequestLine(), request.method(), request.getPath(),
                request.getHeaders(), new Buffer(body));
        String sent = resourceVersion(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        if (sent == null || sent.isEmpty()) {
            return delegate.dispatch(put);
        }
        // check and write as one step, as the API server does
        synchronized (this) {
            String path = objectPath(request.getPath());
            MockResponse current = delegate.dispatch(new RecordedRequest("GET " + path + " HTTP/1.1", HttpMethod.GET,
                    path, Headers.builder().build(), new Buffer()));
            if (code(current) == 200) {
                String now = resourceVersion(current.getBody() == null ? "" : current.getBody().readUtf8());
                if (now != null && !now.equals(sent)) {
                    return conflict(path);
                }
            }
            return delegate.dispatch(put);
        }
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    /** The object's own path: no query, no subresource. */
    static String objectPath(String path) {
        String p = path == null ? "" : path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        for (String sub : new String[] {"/status", "/scale"}) {
            if (p.endsWith(sub)) {
                return p.substring(0, p.length() - sub.length());
            }
        }
        return p;
    }

    private static String resourceVersion(String body) {
        try {
            JsonNode n = body == null || body.isBlank() ? null : JSON.readTree(body);
            return n == null ? null : n.path("metadata").path("resourceVersion").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int code(MockResponse r) {
        String[] parts = r.getStatus() == null ? new String[0] : r.getStatus().split(" ");
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static MockResponse conflict(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        String message = "Operation cannot be fulfilled on " + name + ": the object has been modified; please apply "
                + "your changes to the latest version and try again";
        return new MockResponse().setResponseCode(409).setHeader("Content-Type", "application/json")
                .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"" + message + "\",\"reason\":\"Conflict\",\"details\":{\"name\":\"" + name
                        + "\"},\"code\":409}");
    }
}
