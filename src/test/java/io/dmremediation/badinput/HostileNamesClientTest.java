package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.dm.DmMasterConnection;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.dm.DmStatusJson;
import io.dmremediation.dm.GatewayClient;
import io.dmremediation.dm.OpenApiClient;
import io.dmremediation.dm.OpenApiSupport;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Task, source and worker names that try to change what a request means: quotes, backticks, {@code ;}, line breaks
 * (request splitting), {@code ../} and already-encoded {@code %2F} (path traversal), {@code ?} and {@code #} (query
 * and fragment injection), NUL, 10 kB names, unicode. In DM's replies they are opaque strings; in the client's
 * requests each stays exactly one percent-encoded path segment, checked on the raw request line as it came over the
 * wire; {@code ""}, {@code .} and {@code ..} are refused before anything is sent.
 */
class HostileNamesClientTest {

    static final String LONG = "订".repeat(1000) + "x".repeat(7000);

    static List<String> hostileNames() {
        return List.of("orders\"", "orders'", "`orders`", "orders; DROP TABLE dm_meta.x; --", "a\nb", "a\r\nb",
                "orders HTTP/1.1\r\nHost: evil\r\n\r\nGET /x", "../members", "..%2Fmembers", "a/../../b", "%2e%2e",
                "%2F", "50%", "?type=SourceType", "a#frag", "a b+c", "a\u0000b", "a\tb", "\\..\\", "..;", "...",
                ". ", " ..", "..\u0000", "訂單 v2", "emoji 𝄞", "\u202Eevil", "\u00A0", "${jndi:ldap://x}", "<script>",
                "&op=Delete", "task/../../api/v1/dm.json", LONG);
    }

    private WireServer dm;

    @BeforeEach
    void start() throws IOException {
        dm = new WireServer();
        // DM's "not found" for every gateway route, OpenAPI's 400 for every OpenAPI route, 200 for relay control
        dm.otherwise((req, out) -> {
            String t = req.target();
            if (t.startsWith("/api/v1/dm.json")) {
                WireServer.json(404, "404 page not found").respond(req, out);
            } else if (t.contains("/relay/") || t.contains("-relay")) {
                WireServer.json(200, "").respond(req, out);
            } else if (t.startsWith("/api/v1/")) {
                WireServer.json(400, "{\"error_msg\": \"[code=46018:class=scheduler:scope=internal:level=medium], "
                        + "Message: task with name x not exist\", \"error_code\": 46018}").respond(req, out);
            } else {
                WireServer.json("{\"result\": false, \"msg\": \"task x has no source or not exist\", \"sources\": [],"
                        + " \"cfg\": \"\"}").respond(req, out);
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        dm.close();
    }

    /** RFC 3986 unreserved characters stay, every other UTF-8 byte is %XX: written independently of the client. */
    static String encode(String name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append(String.format("%%%02X", c));
            }
        }
        return b.toString();
    }

    static String decode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The operations that put a name into a URL, with the request each must send ({n}: the name's segment). */
    private Map<String, BiConsumer<String, List<String>>> operations() {
        GatewayClient gateway = new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS);
        OpenApiClient v6 = new OpenApiClient(dm.url(), DmHttpSettings.DEFAULTS, OpenApiSupport.V6);
        OpenApiClient v5 = new OpenApiClient(dm.url(), DmHttpSettings.DEFAULTS, OpenApiSupport.V5);
        Map<String, BiConsumer<String, List<String>>> ops = new LinkedHashMap<>();
        ops.put("GET /apis/v1alpha1/status/{n}", (n, w) -> gateway.queryStatus(n));
        ops.put("GET /apis/v1alpha1/tasks/{n}?type=1", (n, w) -> gateway.taskConfig(n));
        ops.put("GET /apis/v1alpha1/tasks/{n}?type=4", (n, w) -> gateway.sourceConfig(n));
        ops.put("PUT /apis/v1alpha1/tasks/{n} stop", (n, w) -> gateway.stopTask(n));
        ops.put("PUT /apis/v1alpha1/tasks/{n} pause", (n, w) -> gateway.pauseTask(n));
        ops.put("PUT /apis/v1alpha1/tasks/{n} resume", (n, w) -> gateway.resumeTask(n));
        ops.put("GET /api/v1/tasks/{n}/status", (n, w) -> v6.taskStatus(n));
        ops.put("GET /api/v1/sources/{n}/status", (n, w) -> v6.sourceStatus(n));
        ops.put("POST /api/v1/sources/{n}/relay/enable", v6::enableRelay);
        ops.put("POST /api/v1/sources/{n}/relay/disable", v6::disableRelay);
        ops.put("POST /api/v1/sources/{n}/start-relay", v5::enableRelay);
        ops.put("POST /api/v1/sources/{n}/stop-relay", v5::disableRelay);
        return ops;
    }

    @Test
    void everyNameStaysOnePercentEncodedSegmentOnTheWire() {
        List<String> problems = new ArrayList<>();
        int calls = 0;
        for (Map.Entry<String, BiConsumer<String, List<String>>> op : operations().entrySet()) {
            String[] spec = op.getKey().split(" ");
            for (String name : hostileNames()) {
                dm.forget();
                // the worker list goes in the JSON body: hostile worker names must arrive intact there
                List<String> workers = List.of(name, "dm-worker-0");
                Throwable t = catchThrowable(() -> op.getValue().accept(name, workers));
                calls++;
                String what = op.getKey() + " for " + Harness.shorten(Harness.printable(name), 60);
                if (t != null && !(t instanceof DmMasterException)) {
                    problems.add(what + ": escaped as " + t);
                    continue;
                }
                if (t != null && t.getMessage().contains("\n")) {
                    problems.add(what + ": a message of more than one line: " + Harness.printable(t.getMessage()));
                }
                List<WireServer.Request> sent = dm.requests();
                String expected = spec[1].replace("{n}", encode(name));
                if (sent.size() != 1) {
                    problems.add(what + ": " + sent.size() + " requests");
                    continue;
                }
                WireServer.Request r = sent.get(0);
                if (!r.method().equals(spec[0]) || !r.target().equals(expected)
                        || !r.requestLine().equals(spec[0] + " " + expected + " HTTP/1.1")) {
                    problems.add(what + ": sent '" + Harness.shorten(Harness.printable(r.requestLine()), 200) + "'");
                    continue;
                }
                String[] template = spec[1].split("\\?")[0].split("/");
                String[] actual = r.path().split("/", -1);
                int at = List.of(template).indexOf("{n}");
                if (actual.length != template.length || !decode(actual[at]).equals(utf8(name))) {
                    problems.add(what + ": the name is not one segment that decodes back: " + r.path());
                }
                if (!r.target().matches("[A-Za-z0-9._~%/?=&-]+") || List.of(actual).contains("..")
                        || List.of(actual).contains(".")) {
                    problems.add(what + ": raw characters or dot segments in " + r.target());
                }
                if (op.getKey().startsWith("POST")) {
                    JsonNode body = json(r.body());
                    if (body == null || !body.path("worker_name_list").path(0).asText().equals(utf8(name))) {
                        problems.add(what + ": worker name not intact in the body " + Harness.printable(r.body()));
                    }
                }
            }
        }
        assertThat(problems).as("%d calls", calls).isEmpty();
        assertThat(calls).isEqualTo(operations().size() * hostileNames().size());
    }

    @Test
    void errorMessagesNamingAHostileTaskStayOneLine() {
        // GetCfg with result true and an empty cfg: the client's own refusal names the task
        dm.otherwise(WireServer.json("{\"result\": true, \"msg\": \"\", \"cfg\": \"\"}"));
        GatewayClient gateway = new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS);
        for (String name : hostileNames()) {
            assertThatThrownBy(() -> gateway.taskConfig(name)).as(Harness.printable(name))
                    .isInstanceOf(DmMasterException.class)
                    .hasMessageContaining("returned an empty config for task")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r").hasSizeLessThan(600));
        }
    }

    @Test
    void emptyDotAndDotDotAreRefusedBeforeAnythingIsSent() {
        for (Map.Entry<String, BiConsumer<String, List<String>>> op : operations().entrySet()) {
            for (String name : List.of("", ".", "..")) {
                assertThatThrownBy(() -> op.getValue().accept(name, List.of("w")))
                        .as(op.getKey() + " for '" + name + "'")
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("cannot be empty");
            }
        }
        assertThat(dm.requests()).isEmpty();
    }

    @Test
    void hostileNamesRoundTripThroughTheSimulatorsDecoding() {
        // a real HTTP server (the DM-master simulator's) decodes the path: it must see exactly the name sent
        try (DmMasterSimulator sim = DmMasterSimulator.builder().worker("dm-worker-0").build()) {
            GatewayClient gateway = new GatewayClient(sim.url(), DmHttpSettings.DEFAULTS);
            List<String> problems = new ArrayList<>();
            for (String name : hostileNames()) {
                sim.clearRequests();
                Throwable t = catchThrowable(() -> {
                    Optional<DmSnapshot> s = gateway.queryStatus(name);
                    if (s.isPresent() && !s.get().subtasks().isEmpty()) {
                        throw new AssertionError("a snapshot for an unknown task");
                    }
                });
                if (t != null && !(t instanceof DmMasterException)) {
                    problems.add(Harness.printable(name) + ": " + t);
                }
                List<RecordedRequest> seen = sim.requests();
                if (seen.size() != 1 || !seen.get(0).path().equals("/apis/v1alpha1/status/" + utf8(name))) {
                    problems.add(Harness.shorten(Harness.printable(name), 60) + ": the simulator saw "
                            + seen.stream().map(r -> Harness.shorten(Harness.printable(r.path()), 80)).toList());
                }
            }
            assertThat(problems).isEmpty();
        }
    }

    @Test
    void namesInRepliesAreOpaqueStrings() {
        for (String name : hostileNames()) {
            String shown = Harness.shorten(Harness.printable(name), 60);
            ObjectNode members = Seeds.tree(Seeds.gatewayMembers());
            ObjectNode w0 = (ObjectNode) members.withArray("members").get(1).get("worker").withArray("workers").get(0);
            w0.put("name", name).put("source", name).put("addr", name);
            assertThat(DmStatusJson.parseGatewayMembers(members.toString()).get(0)).as(shown)
                    .isEqualTo(new Worker(name, name, "bound", name));

            ObjectNode workers = Seeds.tree(Seeds.openApiWorkers());
            ((ObjectNode) workers.withArray("data").get(0)).put("name", name).put("bound_source_name", name);
            assertThat(DmStatusJson.parseOpenApiWorkers(workers.toString()).get(0).name()).as(shown).isEqualTo(name);

            ObjectNode sources = Seeds.tree(Seeds.openApiSourceStatus());
            ((ObjectNode) sources.withArray("data").get(0)).put("source_name", name).put("worker_name", name + "w");
            Relay relay = DmStatusJson.parseOpenApiSourceStatus("asked", sources.toString()).get(0);
            assertThat(List.of(relay.source(), relay.worker())).as(shown).containsExactly(name, name + "w");

            ObjectNode status = Seeds.tree(Seeds.gatewayWithRelayErrors());
            ObjectNode entry = (ObjectNode) status.withArray("sources").get(0);
            ((ObjectNode) entry.get("sourceStatus")).put("source", name).put("worker", name);
            ((ObjectNode) entry.withArray("subTaskStatus").get(0)).put("name", name);
            DmSnapshot snap = DmStatusJson.parseQueryStatus(status.toString());
            assertThat(snap.subtasks().get(0).task()).as(shown).isEqualTo(name);
            assertThat(snap.relays().get(0).source()).as(shown).isEqualTo(name);

            ArrayNode list = Seeds.tree(Seeds.openApiTaskList()).withArray("data");
            ((ObjectNode) list.get(0)).put("name", name);
            ((ObjectNode) list.get(0).withArray("status_list").get(0)).put("name", name).put("source_name", name);
            ObjectNode wrapped = Seeds.JSON.createObjectNode().put("total", 2);
            wrapped.set("data", list);
            assertThat(DmStatusJson.parseOpenApiTaskList(wrapped.toString()).subtasks().get(0).task()).as(shown)
                    .isEqualTo(name);
        }
    }

    @Test
    void hostileNamesFromDmsOwnTaskListNeverCrashTheConnection() {
        // with no tasks named and a source too large for one status request, DmMasterConnection asks OpenAPI for
        // every task and then the gateway about each one that is not healthy, and OpenAPI about each source read
        // through relay: the names come from DM itself, so "", "." and ".." can come too. The answer is a snapshot
        // or a typed error, and every follow-up request still carries its name as one encoded segment.
        dm.otherwise((req, out) -> {
            if (req.path().startsWith("/api/v1/sources/")) {
                // the relay of every source is paused: each task reading it gets the gateway's detailed status
                WireServer.json("{\"total\": 1, \"data\": [{\"source_name\": \"x\", \"worker_name\": \"w\", "
                        + "\"relay_status\": {\"stage\": \"Paused\"}}]}").respond(req, out);
            } else {
                WireServer.json("{\"result\": false, \"msg\": \"task x has no source or not exist\"}").respond(req, out);
            }
        });
        List<String> names = new ArrayList<>(List.of("", ".", ".."));
        names.addAll(hostileNames());
        List<String> problems = new ArrayList<>();
        int calls = 0;
        // v6+ lists tasks with their status; v5.3/5.4 lists bare names and the gateway is asked about each
        for (String marker : List.of("/api/v1/tasks/{task-name}/start", "/api/v1/tasks/{task-name}/pause")) {
            dm.on("GET", "/api/v1/dm.json", WireServer.json("{\"paths\": {\"" + marker + "\": {}}}"));
            for (String name : names) {
                for (String sourceName : List.of(name, "src-01")) {
                    calls++;
                    String problem = statusOfDmListing(name, sourceName);
                    if (problem != null) {
                        problems.add(marker + ", task " + Harness.shorten(Harness.printable(name), 40) + " on source "
                                + Harness.shorten(Harness.printable(sourceName), 40) + ": " + problem);
                    }
                }
            }
        }
        assertThat(problems).as("%d calls", calls).isEmpty();
        assertThat(calls).isEqualTo(2 * 2 * names.size());
    }

    /** One status() of a DM-master listing one paused task with this name on this source; null when all is well. */
    private String statusOfDmListing(String name, String sourceName) {
        ArrayNode data = Seeds.JSON.createArrayNode();
        ObjectNode task = data.addObject().put("name", name);
        task.putArray("status_list").add(Seeds.openApiSubTask("Paused", "Sync", Seeds.ERROR_MSG_V62, "local")
                .put("name", name).put("source_name", sourceName));
        ObjectNode reply = Seeds.JSON.createObjectNode().put("total", 1);
        reply.set("data", data);
        dm.on("GET", "/api/v1/tasks", WireServer.json(reply.toString()));
        // the one request for every task cannot answer: a source's worker answer is over DM's gRPC bound
        dm.on("GET", "/apis/v1alpha1/status/", WireServer.json("{\"result\": true, \"msg\": \"\", \"sources\": [{"
                + "\"result\": false, \"msg\": \"grpc request error: received message larger than max\", "
                + "\"sourceStatus\": {\"source\": \"src-01\"}, \"subTaskStatus\": []}]}"));
        dm.forget();
        DmMasterConnection conn = DmMasterClients.connect(dm.url(), DmHttpSettings.DEFAULTS);
        Throwable t = catchThrowable(() -> conn.status(List.of()));
        if (t != null) {
            // this DM-master answers everything consistently: even a typed error would be a wrong answer here
            return "threw " + t + " at " + t.getStackTrace()[0];
        }
        for (WireServer.Request r : dm.requests()) {
            List<String> parts = List.of(r.path().split("/", -1));
            if (parts.contains("..") || parts.contains(".") || r.target().contains("//")
                    || !r.target().matches("[A-Za-z0-9._~%/?=&-]+")) {
                return "sent " + Harness.shorten(Harness.printable(r.target()), 100);
            }
        }
        return null;
    }

    private static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String s) {
        try {
            return Seeds.JSON.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }
}
