package io.dmremediation.sandbox.dmmaster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Every request the simulator received, in order; bodies with their passwords blanked out. */
final class RequestLog {

    /**
     * {@code password: x} in YAML, also inside a JSON string, where lines end in a literal {@code \n} and
     * quotes are escaped ({@code password: \"x\"}).
     */
    private static final Pattern YAML_PASSWORD =
            Pattern.compile("(password\\s*:\\s*)(\\\\\"[^\"\\\\]*\\\\\"|\"[^\"\\\\]*\"|'[^']*'|[^\\s\\\\\"',}]+)");
    /** {@code "password": "x"} in JSON. */
    private static final Pattern JSON_PASSWORD = Pattern.compile("(\"password\"\\s*:\\s*)\"[^\"]*\"");

    private final List<RecordedRequest> entries = new ArrayList<>();

    synchronized void add(String method, String path, String query, String body) {
        entries.add(new RecordedRequest(method, path, query == null ? "" : query, redact(body), Instant.now()));
    }

    synchronized List<RecordedRequest> all() {
        return List.copyOf(entries);
    }

    synchronized List<RecordedRequest> matching(String method, String pathPrefix) {
        return entries.stream()
                .filter(r -> method == null || r.method().equalsIgnoreCase(method))
                .filter(r -> pathPrefix == null || r.path().startsWith(pathPrefix))
                .toList();
    }

    synchronized void clear() {
        entries.clear();
    }

    static String redact(String body) {
        if (body == null || body.isEmpty()) {
            return "";
        }
        String out = JSON_PASSWORD.matcher(body).replaceAll("$1\"******\"");
        return YAML_PASSWORD.matcher(out).replaceAll("$1******");
    }
}
