package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * A small {@code /api/v1/dm.json}: the real one is the full OpenAPI document (§1); this one lists the paths and
 * operations the simulated version serves, so a client can tell v5.x paths (§2.4) from v6+ ones (§2.1).
 */
final class OpenApiSpec {

    private OpenApiSpec() {
    }

    static ObjectNode render(List<OpenApi.Route> routes, DmVersion version) {
        ObjectNode root = Json.object();
        root.put("openapi", "3.0.0");
        ObjectNode info = root.putObject("info");
        info.put("title", "DM OpenAPI Spec");
        info.put("version", "1.0.0");
        info.put("description", "DM-master simulator, " + version.release());
        root.putArray("servers").addObject().put("url", "/");
        ObjectNode paths = root.putObject("paths");
        for (OpenApi.Route r : routes) {
            ObjectNode item = paths.has(r.template()) ? (ObjectNode) paths.get(r.template()) : paths.putObject(r.template());
            ObjectNode op = item.putObject(r.method().toLowerCase(Locale.ROOT));
            op.put("operationId", r.operationId());
            op.putObject("responses").putObject(r.method().equals("DELETE") ? "204" : "200").put("description", "ok");
        }
        return root;
    }
}
