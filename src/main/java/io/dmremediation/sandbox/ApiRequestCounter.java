package io.dmremediation.sandbox;

import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the mock API server's requests by verb and resource ({@code PUT dmremediations/{name}/status},
 * {@code GET dmremediations}, {@code POST events}, ...), for the benchmarks' "API requests per poll cycle".
 *
 * <p>It also keeps the mock server from growing without bound: fabric8's {@link MockWebServer} queues every request
 * it receives (with its body) for {@code takeRequest()}, which nothing in the sandbox calls; a world that runs for
 * hours, or a benchmark with thousands of status writes, would hold all of them. The queue is emptied here.
 */
public final class ApiRequestCounter extends Dispatcher {

    private final Dispatcher delegate;
    private final MockWebServer web;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    ApiRequestCounter(Dispatcher delegate, MockWebServer web) {
        this.delegate = delegate;
        this.web = web;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        counts.computeIfAbsent(key(request.getMethod(), request.getPath()), k -> new LongAdder()).increment();
        forgetRecorded();
        return delegate.dispatch(request);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    private void forgetRecorded() {
        try {
            while (web.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                // dropped: see the class comment
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts so far, by {@code "VERB resource[/subresource]"}, sorted; watches show as {@code WATCH}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public void reset() {
        counts.clear();
    }

    /**
     * {@code PUT /apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations/x/status} becomes
     * {@code PUT dmremediations/{name}/status}, a list {@code GET .../dmremediations} stays {@code GET dmremediations}:
     * the resource, whether one object was named, and the subresource; no namespace, no name.
     */
    static String key(String method, String path) {
        String p = path == null ? "" : path;
        int q = p.indexOf('?');
        String query = q < 0 ? "" : p.substring(q + 1);
        if (q >= 0) {
            p = p.substring(0, q);
        }
        String verb = method == null ? "?" : method.toUpperCase(Locale.ROOT);
        if ("GET".equals(verb) && query.contains("watch=true")) {
            verb = "WATCH";
        }
        String[] parts = p.replaceAll("^/+", "").split("/");
        // /api/v1/... or /apis/group/version/...
        int i = parts.length > 0 && "apis".equals(parts[0]) ? 3 : 2;
        if (i + 2 < parts.length && "namespaces".equals(parts[i])) {
            i += 2;
        }
        if (i >= parts.length) {
            return verb + " " + p;
        }
        StringBuilder key = new StringBuilder(verb).append(' ').append(parts[i]);
        if (i + 1 < parts.length) {
            key.append("/{name}");
        }
        if (i + 2 < parts.length) {
            key.append('/').append(parts[i + 2]);
        }
        return key.toString();
    }
}
