package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * DM-master's OpenAPI {@code /api/v1} (gin + oapi-codegen), served only with {@code openapi = true} (§1).
 * The routes depend on the version (§2.1 v6+, §2.4 v5.3/v5.4) and come from one table that also feeds the
 * spec at {@code /api/v1/dm.json}. Errors: HTTP 400 {@code {"error_code","error_msg"}} (§1).
 */
final class OpenApi {

    static final String PREFIX = "/api/v1/";
    private static final Set<String> V6_STAGE_FILTER = Set.of("Stopped", "Running", "Finished");

    /** One route: method, path template ({@code {x}} = one segment), operation id, handler. */
    record Route(String method, String template, String operationId,
                 BiFunction<HttpRequest, Map<String, String>, HttpReply> handler) {

        Map<String, String> match(String method, String path) {
            if (!this.method.equals(method)) {
                return null;
            }
            String[] t = template.split("/", -1);
            String[] p = path.split("/", -1);
            if (t.length != p.length) {
                return null;
            }
            Map<String, String> vars = new LinkedHashMap<>();
            for (int i = 0; i < t.length; i++) {
                if (t[i].startsWith("{") && t[i].endsWith("}")) {
                    if (p[i].isEmpty()) {
                        return null;
                    }
                    vars.put(t[i].substring(1, t[i].length() - 1), p[i]);
                } else if (!t[i].equals(p[i])) {
                    return null;
                }
            }
            return vars;
        }
    }

    private final Cluster c;
    private final Scheduler scheduler;
    private final List<Route> routes;

    OpenApi(Cluster cluster, Scheduler scheduler) {
        this.c = cluster;
        this.scheduler = scheduler;
        this.routes = cluster.version.openApiV6() ? v6Routes() : v5Routes();
    }

    List<Route> routes() {
        return routes;
    }

    private List<Route> v6Routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/api/v1/dm.json", "GetDocJSON", (q, v) -> spec()));
        r.add(new Route("GET", "/api/v1/tasks", "DMAPIGetTaskList", (q, v) -> listTasks(q)));
        r.add(new Route("GET", "/api/v1/tasks/{task-name}", "DMAPIGetTask", (q, v) -> getTask(q, v.get("task-name"))));
        r.add(new Route("PUT", "/api/v1/tasks/{task-name}", "DMAPIUpdateTask", (q, v) -> updateTask(q, v.get("task-name"))));
        r.add(new Route("DELETE", "/api/v1/tasks/{task-name}", "DMAPIDeleteTask", (q, v) -> deleteTaskV6(q, v.get("task-name"))));
        r.add(new Route("GET", "/api/v1/tasks/{task-name}/status", "DMAPIGetTaskStatus", (q, v) -> taskStatus(v.get("task-name"))));
        r.add(new Route("POST", "/api/v1/tasks/{task-name}/start", "DMAPIStartTask", (q, v) -> startTask(q, v.get("task-name"))));
        r.add(new Route("POST", "/api/v1/tasks/{task-name}/stop", "DMAPIStopTask", (q, v) -> stopTask(q, v.get("task-name"))));
        r.add(new Route("GET", "/api/v1/sources", "DMAPIGetSourceList", (q, v) -> listSources(q)));
        r.add(new Route("GET", "/api/v1/sources/{source-name}", "DMAPIGetSource", (q, v) -> getSource(q, v.get("source-name"))));
        r.add(new Route("GET", "/api/v1/sources/{source-name}/status", "DMAPIGetSourceStatus", (q, v) -> sourceStatus(v.get("source-name"))));
        r.add(new Route("POST", "/api/v1/sources/{source-name}/relay/enable", "DMAPIEnableRelay", (q, v) -> relay(q, v.get("source-name"), true)));
        r.add(new Route("POST", "/api/v1/sources/{source-name}/relay/disable", "DMAPIDisableRelay", (q, v) -> relay(q, v.get("source-name"), false)));
        r.add(new Route("GET", "/api/v1/cluster/workers", "DMAPIGetClusterWorkerList", (q, v) -> workers()));
        r.add(new Route("GET", "/api/v1/cluster/masters", "DMAPIGetClusterMasterList", (q, v) -> masters()));
        return r;
    }

    private List<Route> v5Routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/api/v1/dm.json", "GetDocJSON", (q, v) -> spec()));
        r.add(new Route("GET", "/api/v1/tasks", "DMAPIGetTaskList", (q, v) -> listTasks(q)));
        r.add(new Route("DELETE", "/api/v1/tasks/{task-name}", "DMAPIDeleteTask", (q, v) -> deleteTaskV5(q, v.get("task-name"))));
        r.add(new Route("GET", "/api/v1/tasks/{task-name}/status", "DMAPIGetTaskStatus", (q, v) -> taskStatus(v.get("task-name"))));
        r.add(new Route("POST", "/api/v1/tasks/{task-name}/pause", "DMAPIPauseTask", (q, v) -> pauseResumeV5(q, v.get("task-name"), false)));
        r.add(new Route("POST", "/api/v1/tasks/{task-name}/resume", "DMAPIResumeTask", (q, v) -> pauseResumeV5(q, v.get("task-name"), true)));
        r.add(new Route("GET", "/api/v1/sources", "DMAPIGetSourceList", (q, v) -> listSources(q)));
        r.add(new Route("GET", "/api/v1/sources/{source-name}/status", "DMAPIGetSourceStatus", (q, v) -> sourceStatus(v.get("source-name"))));
        r.add(new Route("POST", "/api/v1/sources/{source-name}/start-relay", "DMAPIStartRelay", (q, v) -> relayV5(q, v.get("source-name"), "start")));
        r.add(new Route("POST", "/api/v1/sources/{source-name}/stop-relay", "DMAPIStopRelay", (q, v) -> relayV5(q, v.get("source-name"), "stop")));
        r.add(new Route("POST", "/api/v1/sources/{source-name}/pause-relay", "DMAPIPauseRelay", (q, v) -> relayV5(q, v.get("source-name"), "pause")));
        r.add(new Route("POST", "/api/v1/sources/{source-name}/resume-relay", "DMAPIResumeRelay", (q, v) -> relayV5(q, v.get("source-name"), "resume")));
        r.add(new Route("GET", "/api/v1/cluster/workers", "DMAPIGetClusterWorkerList", (q, v) -> workers()));
        r.add(new Route("GET", "/api/v1/cluster/masters", "DMAPIGetClusterMasterList", (q, v) -> masters()));
        return r;
    }

    HttpReply handle(HttpRequest r) {
        for (Route route : routes) {
            Map<String, String> vars = route.match(r.method(), r.path());
            if (vars != null) {
                try {
                    return route.handler().apply(r, vars);
                } catch (DmApiException e) {
                    return error(e.error());
                } catch (BindError e) {
                    return HttpReply.ginJson(400, OpenApiJson.error(0, e.getMessage()));
                }
            }
        }
        // gin without a matching route
        return HttpReply.text(404, "404 page not found");
    }

    /** A DM error reply (terrorHTTPErrorHandler): 400 with the terror string and code. */
    static HttpReply error(ProcessError e) {
        return HttpReply.ginJson(400, OpenApiJson.error(e.code(), e.terrorString()));
    }

    // ---- tasks --------------------------------------------------------------------------------------------

    private HttpReply listTasks(HttpRequest q) {
        boolean withStatus = c.version.openApiV6() && q.flag("with_status");
        String stage = c.version.openApiV6() ? q.param("stage") : null;
        if (stage != null && !V6_STAGE_FILTER.contains(stage)) {
            // rejected by OapiRequestValidator before the handler: the TaskStage enum of v6.0–v8.5 (§2.1)
            ObjectNode o = Json.object();
            o.put("error", "parameter \"stage\" in query has an error: value is not one of the allowed values");
            return HttpReply.ginJson(400, o);
        }
        List<String> sourceFilter = c.version.openApiV6() && q.param("source_name_list") != null
                ? q.params("source_name_list") : null;
        ArrayNode data = c.call(() -> {
            ArrayNode arr = Json.array();
            for (TaskState t : c.tasks.values()) {
                List<ObjectNode> statuses = stage != null || withStatus ? statusList(t.name()) : null;
                if (stage != null && statuses.stream().anyMatch(s -> !stage.equals(s.path("stage").asText()))) {
                    continue;
                }
                if (sourceFilter != null && !Set.copyOf(sourceFilter).equals(t.expected.keySet())) {
                    continue;
                }
                ObjectNode task = OpenApiJson.task(t, c);
                if (withStatus) {
                    task.putArray("status_list").addAll(statuses);
                }
                arr.add(task);
            }
            return arr;
        });
        return HttpReply.ginJson(200, OpenApiJson.list(data));
    }

    private HttpReply getTask(HttpRequest q, String name) {
        boolean withStatus = q.flag("with_status");
        ObjectNode out = c.call(() -> {
            TaskState t = c.tasks.get(name);
            if (t == null) {
                throw new DmApiException(ErrorCatalog.taskNotExist(name));
            }
            ObjectNode task = OpenApiJson.task(t, c);
            if (withStatus) {
                task.putArray("status_list").addAll(statusList(name));
            }
            return task;
        });
        return HttpReply.ginJson(200, out);
    }

    /**
     * Task status (§2.3): unknown task 46018. v6+ lists a source whose worker cannot be queried with only
     * {@code error_msg}; v5.x fails the whole request instead (it finds no subtask status for that source).
     */
    private HttpReply taskStatus(String name) {
        ObjectNode out = c.call(() -> {
            if (!c.tasks.containsKey(name)) {
                throw new DmApiException(ErrorCatalog.taskNotExist(name));
            }
            ArrayNode data = Json.array();
            data.addAll(statusList(name));
            return OpenApiJson.list(data);
        });
        return HttpReply.ginJson(200, out);
    }

    private List<ObjectNode> statusList(String task) {
        List<ObjectNode> out = new ArrayList<>();
        for (StatusViews.SourceView sv : StatusViews.forSources(c, task, scheduler.taskSources(task))) {
            if (!sv.ok() || sv.subtasks().isEmpty()) {
                if (!c.version.openApiV6()) {
                    throw new DmApiException(ErrorCatalog.openApiCommon(
                            "can not find subtask status task name: " + task + "."));
                }
                out.add(OpenApiJson.unreachableSubTaskStatus(task, sv));
                continue;
            }
            out.add(OpenApiJson.subTaskStatus(sv, sv.subtasks().get(0), c.version));
        }
        return out;
    }

    private HttpReply startTask(HttpRequest q, String name) {
        JsonNode body = bind(q);
        List<String> sources = strings(body, "source_name_list");
        String startTime = body == null || !body.hasNonNull("start_time") ? null : body.get("start_time").asText();
        boolean removeMeta = body != null && body.path("remove_meta").asBoolean(false);
        long now = System.nanoTime();
        c.run(() -> scheduler.openApiStart(name, sources, startTime, removeMeta, now));
        return HttpReply.empty(200);
    }

    private HttpReply stopTask(HttpRequest q, String name) {
        JsonNode body = bind(q);
        List<String> sources = strings(body, "source_name_list");
        long now = System.nanoTime();
        c.run(() -> scheduler.openApiStop(name, sources, now));
        return HttpReply.empty(200);
    }

    private HttpReply updateTask(HttpRequest q, String name) {
        JsonNode body = bind(q);
        JsonNode task = body == null ? null : body.get("task");
        if (task == null || !task.isObject()) {
            throw new BindError("request body has an error: doesn't match the schema: property \"task\" is missing");
        }
        String taskName = task.path("name").asText(name);
        JsonNode tc = task.path("target_config");
        TaskConfig.TargetDb target = new TaskConfig.TargetDb(tc.path("host").asText(""), tc.path("port").asInt(4000),
                tc.path("user").asText(""), tc.path("password").asText(""));
        Map<String, Position> metas = new LinkedHashMap<>();
        for (JsonNode sc : task.path("source_config").path("source_conf")) {
            if (sc.hasNonNull("binlog_name")) {
                metas.put(sc.path("source_name").asText(),
                        new Position(sc.get("binlog_name").asText(), sc.path("binlog_pos").asLong(4)));
            }
        }
        ObjectNode out = c.call(() -> {
            scheduler.openApiUpdate(taskName, target, metas);
            ObjectNode o = Json.object();
            o.put("check_result", Scheduler.CHECK_PASSED);
            o.set("task", OpenApiJson.task(c.tasks.get(taskName), c));
            return o;
        });
        return HttpReply.ginJson(200, out);
    }

    private HttpReply deleteTaskV6(HttpRequest q, String name) {
        boolean force = q.flag("force");
        c.run(() -> scheduler.openApiV6Delete(name, force));
        return HttpReply.empty(204);
    }

    private HttpReply deleteTaskV5(HttpRequest q, String name) {
        List<String> sources = q.param("source_name_list") == null ? List.of() : q.params("source_name_list");
        c.run(() -> scheduler.openApiV5Delete(name, sources));
        return HttpReply.empty(204);
    }

    /** v5.x pause/resume: the body is a JSON array of source names (§2.4). */
    private HttpReply pauseResumeV5(HttpRequest q, String name, boolean resume) {
        JsonNode body = bind(q);
        List<String> sources = new ArrayList<>();
        if (body != null && body.isArray()) {
            body.forEach(n -> sources.add(n.asText()));
        }
        long now = System.nanoTime();
        c.run(() -> {
            List<String> s = sources.isEmpty() ? scheduler.taskSources(name) : sources;
            scheduler.updateExpected(name, resume ? SimStage.RUNNING : SimStage.PAUSED, s, now);
        });
        return HttpReply.empty(200);
    }

    // ---- sources and relay --------------------------------------------------------------------------------

    private HttpReply listSources(HttpRequest q) {
        boolean withStatus = c.version.openApiV6() && q.flag("with_status");
        String enableRelay = c.version.openApiV6() ? q.param("enable_relay") : null;
        ArrayNode data = c.call(() -> {
            ArrayNode arr = Json.array();
            for (SourceState s : c.sources.values()) {
                // the filter looks at named relay workers only: an enable-relay source counts as relay off
                // (openapi_controller.go:213-223@v8.5.4, §2.1)
                if (enableRelay != null && Boolean.parseBoolean(enableRelay) != !s.relayWorkers.isEmpty()) {
                    continue;
                }
                ObjectNode o = OpenApiJson.source(s, c.version);
                if (withStatus) {
                    o.putArray("status_list").addAll(sourceStatusList(s));
                    ArrayNode names = o.putArray("task_name_list");
                    c.tasks.values().stream().filter(t -> t.expected.containsKey(s.id)).forEach(t -> names.add(t.name()));
                }
                arr.add(o);
            }
            return arr;
        });
        return HttpReply.ginJson(200, OpenApiJson.list(data));
    }

    /** Get source: an unknown source is a bare 404 (DMAPIGetSource). */
    private HttpReply getSource(HttpRequest q, String name) {
        boolean withStatus = q.flag("with_status");
        ObjectNode out = c.call(() -> {
            SourceState s = c.sources.get(name);
            if (s == null) {
                return null;
            }
            ObjectNode o = OpenApiJson.source(s, c.version);
            if (withStatus) {
                o.putArray("status_list").addAll(sourceStatusList(s));
            }
            return o;
        });
        return out == null ? HttpReply.empty(404) : HttpReply.ginJson(200, out);
    }

    private HttpReply sourceStatus(String name) {
        ObjectNode out = c.call(() -> {
            SourceState s = c.sources.get(name);
            if (s == null) {
                throw new DmApiException(ErrorCatalog.sourceCfgNotExist(name));
            }
            return OpenApiJson.list(sourceStatusList(s));
        });
        return HttpReply.ginJson(200, out);
    }

    /**
     * {@code DMAPIGetSourceStatus}: the bound worker's answer and one per relay-only (named, unbound) worker
     * ({@code getSourceStatusListFromWorker} asks the bound and the relay workers, {@code
     * pingcap/tiflow:dm/master/openapi_controller.go:78-113@v8.5.4}); a source not bound to a live worker shows only
     * its name.
     */
    private ArrayNode sourceStatusList(SourceState s) {
        ArrayNode data = Json.array();
        data.add(sourceStatusOf(s));
        for (String w : s.relayWorkers) {
            WorkerState ws = c.workers.get(w);
            if (!w.equals(s.boundWorker) && ws != null && ws.up) {
                data.add(OpenApiJson.sourceStatus(StatusViews.forRelayWorker(c, s, w)));
            }
        }
        return data;
    }

    private ObjectNode sourceStatusOf(SourceState s) {
        if (c.liveWorker(s) == null) {
            ObjectNode o = Json.object();
            o.put("source_name", s.id);
            o.put("worker_name", "");
            return o;
        }
        return OpenApiJson.sourceStatus(StatusViews.forSource(c, null, s.id));
    }

    /**
     * v6+ {@code POST /api/v1/sources/{s}/relay/enable|disable} ({@code DMAPIEnableRelay}/{@code DMAPIDisableRelay},
     * {@code pingcap/tiflow:dm/master/openapi_view.go:403-427@v8.5.4}): an absent or {@code null}
     * {@code worker_name_list} names the bound worker, an explicit list (the empty one too) is passed on (§7.1).
     */
    private HttpReply relay(HttpRequest q, String source, boolean enable) {
        JsonNode body = bind(q);
        List<String> names = workerNames(body);
        long now = System.nanoTime();
        String fromFile = body == null || !body.hasNonNull("relay_binlog_name") ? null
                : body.get("relay_binlog_name").asText();
        c.run(() -> {
            List<String> workers = scheduler.boundWorkerIfUnnamed(source, names);
            if (enable) {
                if (fromFile != null) {
                    scheduler.setRelayBinlogName(source, fromFile);
                }
                scheduler.startRelay(source, workers, now);
            } else {
                scheduler.stopRelay(source, workers, now);
            }
        });
        return HttpReply.empty(200);
    }

    /**
     * v5.3/v5.4 {@code start-relay}/{@code stop-relay} ({@code DMAPIStartRelay}/{@code DMAPIStopRelay},
     * {@code pingcap/tiflow:dm/dm/master/openapi.go:239-287@v5.4.0}): the required {@code worker_name_list} goes to
     * the scheduler as it is, so {@code []} takes the no-name path (§2.4, §7.1); {@code pause-relay}/{@code
     * resume-relay} set the expected relay stage of the source.
     */
    private HttpReply relayV5(HttpRequest q, String source, String op) {
        JsonNode body = bind(q);
        if (("start".equals(op) || "stop".equals(op)) && (body == null || !body.has("worker_name_list"))) {
            throw new BindError("request body has an error: doesn't match the schema: property \"worker_name_list\" is missing");
        }
        List<String> names = workerNames(body);
        String fromFile = body == null || !body.hasNonNull("relay_binlog_name") ? null
                : body.get("relay_binlog_name").asText();
        long now = System.nanoTime();
        c.run(() -> {
            switch (op) {
                case "start" -> {
                    if (fromFile != null) {
                        scheduler.setRelayBinlogName(source, fromFile);
                    }
                    scheduler.startRelay(source, names == null ? List.of() : names, now);
                }
                case "stop" -> scheduler.stopRelay(source, names == null ? List.of() : names, now);
                case "pause" -> scheduler.pauseRelay(source);
                default -> scheduler.resumeRelay(source, now);
            }
        });
        return HttpReply.empty(200);
    }

    /** {@code worker_name_list}: null when absent or JSON null (Go's nil pointer), else the names. */
    private static List<String> workerNames(JsonNode body) {
        if (body == null || !body.has("worker_name_list") || body.get("worker_name_list").isNull()) {
            return null;
        }
        JsonNode list = body.get("worker_name_list");
        if (!list.isArray()) {
            throw new BindError("json: cannot unmarshal " + list.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + " into Go struct field EnableRelayRequest.worker_name_list of type openapi.WorkerNameList");
        }
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private HttpReply workers() {
        ArrayNode data = c.call(() -> {
            ArrayNode arr = Json.array();
            c.workers.values().forEach(w -> arr.add(OpenApiJson.worker(w, c)));
            return arr;
        });
        return HttpReply.ginJson(200, OpenApiJson.list(data));
    }

    private HttpReply masters() {
        ArrayNode data = Json.array();
        data.add(OpenApiJson.master(c));
        return HttpReply.ginJson(200, OpenApiJson.list(data));
    }

    /**
     * The live spec. DM v6.0 to v6.5.1 dereference the TiUP cluster topology in this handler without a nil check
     * (pingcap/tiflow:dm/dm/master/openapi_view.go:117@v6.1.0, fixed by #8638 in v6.5.2/v7.1.0): on a cluster TiUP did
     * not deploy it panics and gin's recovery answers 500 with no body (seen on real DM v6.5.0,
     * docs/real-dm-checks.md). The simulator has no topology, so its v6.1 flavour always does.
     */
    private HttpReply spec() {
        if (c.version == DmVersion.V6_1) {
            return HttpReply.text(500, "");
        }
        return HttpReply.ginJson(200, OpenApiSpec.render(routes, c.version));
    }

    // ---- gin binding --------------------------------------------------------------------------------------

    /** gin's {@code c.Bind}: a bad body is an error whose text becomes {@code error_msg} with code 0. */
    private static final class BindError extends RuntimeException {
        BindError(String message) {
            super(message);
        }
    }

    /**
     * gin's {@code c.Bind} picks the binding from the Content-Type: JSON decodes the body, and an empty JSON
     * body is {@code EOF}; any other type is form binding, which ignores a JSON body.
     */
    private static JsonNode bind(HttpRequest q) {
        if (!q.jsonBody()) {
            return null;
        }
        if (q.body() == null || q.body().isBlank()) {
            throw new BindError("EOF");
        }
        try {
            return Json.parse(q.body());
        } catch (JsonProcessingException e) {
            throw new BindError("invalid character in JSON body: " + e.getOriginalMessage());
        }
    }

    private static List<String> strings(JsonNode body, String field) {
        List<String> out = new ArrayList<>();
        if (body != null && body.get(field) != null && body.get(field).isArray()) {
            body.get(field).forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
