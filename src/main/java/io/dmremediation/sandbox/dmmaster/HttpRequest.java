package io.dmremediation.sandbox.dmmaster;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request as the API handlers see it: method, decoded path, raw query, content type, body text. */
record HttpRequest(String method, String path, String rawQuery, String contentType, String body) {

    boolean jsonBody() {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("application/json");
    }

    Map<String, List<String>> query() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    List<String> params(String name) {
        return query().getOrDefault(name, List.of());
    }

    String param(String name) {
        List<String> v = params(name);
        return v.isEmpty() ? null : v.get(0);
    }

    boolean flag(String name) {
        String v = param(name);
        return v != null && (v.isEmpty() || "true".equalsIgnoreCase(v) || "1".equals(v));
    }
}
