package io.dmremediation.dm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.util.List;
import java.util.Map;

/**
 * DM-master's OpenAPI {@code /api/v1} (only with {@code openapi = true}; spec pingcap/tiflow:dm/openapi/spec/dm.yaml,
 * dm-facts §2). Read-mostly: task status and lists, workers, relay state, and relay on/off.
 *
 * <p>It deliberately does not implement {@link DmMaster}: OpenAPI has no pause/resume in v6+, and its task "stop"
 * only pauses the subtask on the worker (dm-facts §2.2), so a checkpoint edit would not be re-read. Task control
 * goes through {@link GatewayClient}; {@link DmMasterConnection} combines the two.
 */
public final class OpenApiClient {

    static final String SPEC = "/api/v1/dm.json";
    static final String TASKS = "/api/v1/tasks";
    static final String TASKS_WITH_STATUS = "/api/v1/tasks?with_status=true";
    static final String WORKERS = "/api/v1/cluster/workers";
    static final String SOURCES = "/api/v1/sources/";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DmHttp http;
    private final OpenApiSupport version;

    /** A client for a DM-master known to serve this OpenAPI generation; see {@link #detect(String, DmHttpSettings)}. */
    public OpenApiClient(String baseUrl, DmHttpSettings settings, OpenApiSupport version) {
        this(new DmHttp(baseUrl, settings), version);
    }

    OpenApiClient(DmHttp http, OpenApiSupport version) {
        if (version == null || !version.on()) {
            throw new IllegalArgumentException("an OpenApiClient needs a DM-master with OpenAPI");
        }
        this.http = http;
        this.version = version;
    }

    /**
     * {@code GET /api/v1/dm.json}, the live spec: 404 means OpenAPI is off; 200 JSON tells v6+ (has
     * {@code /api/v1/tasks/{task-name}/start}) from v5.3/5.4 (has {@code …/pause}). Any other answer is an error,
     * not "off": a DM-master in trouble must not look like one without OpenAPI.
     */
    public static OpenApiSupport detect(String baseUrl, DmHttpSettings settings) {
        return detect(new DmHttp(baseUrl, settings));
    }

    static OpenApiSupport detect(DmHttp http) {
        DmHttp.Reply r = http.get(SPEC);
        if (r.status() == 404) {
            return OpenApiSupport.OFF;
        }
        if (r.status() == 500 && r.body().isBlank() && v6TaskRouteAnswers(http)) {
            return OpenApiSupport.V6;
        }
        if (r.status() != 200) {
            throw http.statusError(r, List.of());
        }
        return http.parse(r, DmStatusJson::parseOpenApiSpec);
    }

    /**
     * DM v6.0 to v6.5.1 panic in {@code GET /api/v1/dm.json} unless TiUP stored the cluster topology
     * ({@code info.Topology} is nil: pingcap/tiflow:dm/master/openapi_view.go:117@v6.5.0, fixed by #8638 in v6.5.2
     * and v7.1.0); gin's recovery answers 500 with an empty body. Seen on real DM v6.5.0 (docs/real-dm-checks.md),
     * the way a DM-master under TiDB Operator runs. Only v6+ has {@code GET /api/v1/tasks/{task-name}}: a task it
     * knows (200) or DM's own "not exist" error (400 with {@code error_code}) proves the v6 OpenAPI; v5.4 answers
     * that route with {@code {"error":"method not allowed"}}. Anything else leaves the 500 an error.
     */
    private static boolean v6TaskRouteAnswers(DmHttp http) {
        DmHttp.Reply probe = http.get(TASKS + "/" + V6_PROBE_TASK);
        return probe.status() == 200 || probe.status() == 400 && probe.body().contains("\"error_code\"");
    }

    /** A task name nobody uses, to probe the v6 get-task route. */
    static final String V6_PROBE_TASK = "dmr-openapi-probe";

    public OpenApiSupport version() {
        return version;
    }

    /** {@code GET /api/v1/tasks}: every task's name. */
    public List<String> taskNames() {
        return http.parse(http.checkOpenApi(http.get(TASKS)), DmStatusJson::parseOpenApiTaskNames);
    }

    /** {@code GET /api/v1/tasks?with_status=true} (v6+): every task with its subtasks' status, in one request. */
    public Map<String, DmSnapshot> tasksWithStatus() {
        if (version != OpenApiSupport.V6) {
            throw new DmUnsupportedException(http.where() + " runs the v5.3/5.4 OpenAPI, whose task list has no status");
        }
        return http.parse(http.checkOpenApi(http.get(TASKS_WITH_STATUS)), DmStatusJson::parseOpenApiTaskListByTask);
    }

    /** {@code GET /api/v1/tasks/{task}/status}. */
    public DmSnapshot taskStatus(String task) {
        DmHttp.Reply r = http.get(TASKS + "/" + DmHttp.segment(task, "task") + "/status");
        return http.parse(http.checkOpenApi(r), DmStatusJson::parseOpenApiTaskStatus);
    }

    /** {@code GET /api/v1/cluster/workers}. */
    public List<Worker> workers() {
        return http.parse(http.checkOpenApi(http.get(WORKERS)), DmStatusJson::parseOpenApiWorkers);
    }

    /** {@code GET /api/v1/sources/{source}/status}: the source's relay on each worker (see DmMaster#relayStatus). */
    public List<Relay> sourceStatus(String source) {
        DmHttp.Reply r = http.get(SOURCES + DmHttp.segment(source, "source") + "/status");
        return http.parse(http.checkOpenApi(r), body -> DmStatusJson.parseOpenApiSourceStatus(source, body));
    }

    /** v6+ {@code POST /api/v1/sources/{s}/relay/enable}, v5.3/5.4 {@code …/start-relay}; body {@code worker_name_list}. */
    public void enableRelay(String source, List<String> workers) {
        relay(source, version == OpenApiSupport.V6 ? "relay/enable" : "start-relay", workers);
    }

    /**
     * As {@link #enableRelay}, with {@code relay_binlog_name}: DM-master stores it in the source config first
     * ({@code pingcap/tiflow:dm/master/openapi_controller.go:252-274@v8.5.4}, {@code dm/dm/master/openapi.go:251-273@v5.4.0}).
     */
    public void enableRelayFrom(String source, List<String> workers, String relayBinlogName) {
        relay(source, version == OpenApiSupport.V6 ? "relay/enable" : "start-relay", workers, relayBinlogName);
    }

    /** v6+ {@code POST /api/v1/sources/{s}/relay/disable}, v5.3/5.4 {@code …/stop-relay}; body {@code worker_name_list}. */
    public void disableRelay(String source, List<String> workers) {
        relay(source, version == OpenApiSupport.V6 ? "relay/disable" : "stop-relay", workers);
    }

    /**
     * The list is always sent, the empty one too: v6+ handlers fill in the bound worker only when it is absent or
     * null, so {@code []} is the no-name path (dm-facts §7.1).
     */
    private void relay(String source, String action, List<String> workers) {
        relay(source, action, workers, null);
    }

    private void relay(String source, String action, List<String> workers, String relayBinlogName) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("worker_name_list");
        workers.forEach(list::add);
        if (relayBinlogName != null) {
            body.put("relay_binlog_name", relayBinlogName);
        }
        http.checkOpenApi(http.send("POST", SOURCES + DmHttp.segment(source, "source") + "/" + action, body.toString()));
    }
}
