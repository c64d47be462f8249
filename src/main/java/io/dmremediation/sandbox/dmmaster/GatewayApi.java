package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DM-master's legacy HTTP gateway {@code /apis/v1alpha1} (§1.1): grpc-gateway over the gRPC service, always on.
 * Replies are proto messages in jsonpb ({@link GatewayJson}); DM errors come back as HTTP 200 with
 * {@code result: false} and the terror string in {@code msg}; a body the gateway cannot decode is HTTP 400
 * with grpc-gateway's error body (code 3, InvalidArgument).
 */
final class GatewayApi {

    static final String PREFIX = "/apis/v1alpha1/";

    private static final List<String> TASK_OPS_V5 =
            List.of("InvalidOp", "Stop", "Pause", "Resume", "Start", "Update", "AutoResume");
    private static final List<String> CFG_TYPES =
            List.of("InvalidType", "TaskType", "MasterType", "WorkerType", "SourceType", "TaskTemplateType");

    private final Cluster c;
    private final Scheduler scheduler;

    GatewayApi(Cluster cluster, Scheduler scheduler) {
        this.c = cluster;
        this.scheduler = scheduler;
    }

    /** Which RPC a path and method map to (dmmaster.proto:10-105), or null. */
    enum Rpc { START_TASK, OPERATE_TASK, GET_CFG, QUERY_STATUS, LIST_MEMBER }

    static Rpc route(HttpRequest r) {
        String rest = r.path().startsWith(PREFIX) ? r.path().substring(PREFIX.length()) : null;
        if (rest == null) {
            return null;
        }
        String[] seg = rest.split("/", -1);
        String m = r.method();
        if (seg.length == 1 && seg[0].equals("tasks") && m.equals("POST")) {
            return Rpc.START_TASK;
        }
        if (seg.length == 2 && seg[0].equals("tasks") && !seg[1].isEmpty()) {
            return m.equals("PUT") ? Rpc.OPERATE_TASK : m.equals("GET") ? Rpc.GET_CFG : null;
        }
        // an empty name matches too: grpc-gateway v1.16 keeps the empty last segment and captures it
        // (runtime/mux.go:206, runtime/pattern.go:185-196), DM-master then answers for every task
        if (seg.length == 2 && seg[0].equals("status") && m.equals("GET")) {
            return Rpc.QUERY_STATUS;
        }
        if (seg.length == 1 && seg[0].equals("members") && m.equals("GET")) {
            return Rpc.LIST_MEMBER;
        }
        return null;
    }

    HttpReply handle(HttpRequest r) {
        Rpc rpc = route(r);
        if (rpc == null) {
            // grpc-gateway v1's default OtherErrorHandler: http.Error, plain text
            return HttpReply.text(404, "Not Found\n");
        }
        String name = r.path().substring(r.path().lastIndexOf('/') + 1);
        try {
            return switch (rpc) {
                case START_TASK -> startTask(r);
                case OPERATE_TASK -> operateTask(r, name);
                case GET_CFG -> getCfg(r, name);
                case QUERY_STATUS -> queryStatus(r, name);
                case LIST_MEMBER -> listMember(r);
            };
        } catch (BadRequest e) {
            return HttpReply.json(400, GatewayJson.grpcError(3, e.getMessage()));
        }
    }

    /** The reply of a DM-side failure for this route's response type ({@code result:false}). */
    HttpReply dmError(HttpRequest r, ProcessError e) {
        Rpc rpc = route(r);
        String msg = e.terrorString();
        ObjectNode o;
        if (rpc == null) {
            o = Json.object();
            o.put("result", false);
            o.put("msg", msg);
        } else {
            o = switch (rpc) {
                case START_TASK -> GatewayJson.startTask(new Scheduler.StartOutcome(false, msg, List.of(), ""));
                case OPERATE_TASK -> GatewayJson.operateTask(new Scheduler.OperateOutcome(opName(r), false, msg, List.of()));
                case GET_CFG -> GatewayJson.getCfg(false, msg, "");
                case QUERY_STATUS -> GatewayJson.queryStatusList(false, msg, List.of(), c.version);
                case LIST_MEMBER -> {
                    ObjectNode m = Json.object();
                    m.put("result", false);
                    m.put("msg", msg);
                    m.putArray("members");
                    yield m;
                }
            };
        }
        return HttpReply.json(200, o);
    }

    /** No leader: the RPC returns terror 38043 as a gRPC error (codes.Unknown), which the gateway maps to 500. */
    HttpReply notLeader(ProcessError e) {
        return HttpReply.json(500, GatewayJson.grpcError(2, e.terrorString()));
    }

    private String opName(HttpRequest r) {
        try {
            JsonNode body = Json.parse(r.body());
            return body == null ? "InvalidOp" : decodeOp(body.get("op"));
        } catch (JsonProcessingException | BadRequest e) {
            return "InvalidOp";
        }
    }

    // ---- RPCs ---------------------------------------------------------------------------------------------

    private HttpReply startTask(HttpRequest r) {
        JsonNode body = body(r);
        String task = text(body, "task");
        List<String> sources = strings(body, "sources");
        boolean removeMeta = body != null && body.path("removeMeta").asBoolean(false);
        long now = System.nanoTime();
        Scheduler.StartOutcome out = c.call(() -> scheduler.startTask(task, sources, removeMeta, now));
        return HttpReply.json(200, GatewayJson.startTask(out));
    }

    private HttpReply operateTask(HttpRequest r, String name) {
        JsonNode body = body(r);
        String op = decodeOp(body == null ? null : body.get("op"));
        List<String> sources = strings(body, "sources");
        long now = System.nanoTime();
        Scheduler.OperateOutcome out = c.call(() -> scheduler.operateTask(name, op, sources, now));
        return HttpReply.json(200, GatewayJson.operateTask(out));
    }

    /**
     * GetCfg (server.go): the task config regenerated from what DM-master stored (§1.2, {@link ConfigRender}), the
     * source config, the worker config; the type comes from the {@code type} query parameter as a number (§1.1;
     * TaskType = 1, SourceType = 4); none is
     * InvalidType.
     */
    private HttpReply getCfg(HttpRequest r, String name) {
        String type = decodeEnum(r.param("type"), CFG_TYPES);
        ObjectNode out = c.call(() -> switch (type) {
            case "TaskType" -> {
                TaskState t = c.tasks.get(name);
                yield t == null ? GatewayJson.getCfg(false, "task not found", "")
                        : GatewayJson.getCfg(true, "", ConfigRender.task(t.config,
                                new ArrayList<>(t.expected.keySet()), c.version));
            }
            case "SourceType" -> {
                SourceState s = c.sources.get(name);
                yield s == null ? GatewayJson.getCfg(false, "source not found", "")
                        : GatewayJson.getCfg(true, "", s.yaml(c.version));
            }
            case "MasterType" -> name.equals(c.masterName)
                    ? GatewayJson.getCfg(true, "", "name = \"" + c.masterName + "\"\nopenapi = true\n")
                    : GatewayJson.getCfg(false, "master not found", "");
            case "WorkerType" -> {
                WorkerState w = c.workers.get(name);
                yield w == null ? GatewayJson.getCfg(false, "worker not found", "")
                        : GatewayJson.getCfg(true, "", ConfigRender.worker(w, c.masterPeerUrl));
            }
            case "TaskTemplateType" -> GatewayJson.getCfg(false, "task not found", "");
            default -> GatewayJson.getCfg(false, "invalid config op '" + type + "'", "");
        });
        return HttpReply.json(200, out);
    }

    /**
     * QueryStatus (server.go): named sources must exist; otherwise the task's sources, none meaning the task does not
     * exist; no task and no sources: every bound source (extractSources, pingcap/tiflow:dm/master/server.go:799-826
     * @v8.5.4). One entry per source; a source without a live worker gets {@code result:false} with DM-master's 38029
     * terror. Without a task name each worker lists all of its subtasks, and a task whose source got no answer at all
     * gets DM-master's placeholder entry (getStatusFromWorkers, server.go l.1096@v5.4.0, same in v8.5.4). A worker's
     * answer over gRPC's bound does not reach DM-master (38008); the whole answer over it does not pass the gateway
     * (HTTP 429, ResourceExhausted): see {@link ProtoSize}.
     */
    private HttpReply queryStatus(HttpRequest r, String name) {
        List<String> requested = r.params("sources");
        Object out = c.call(() -> {
            List<String> sources;
            if (!requested.isEmpty()) {
                List<String> invalid = requested.stream().filter(s -> !c.sources.containsKey(s)).toList();
                if (!invalid.isEmpty()) {
                    return GatewayJson.queryStatusList(false,
                            "sources " + ErrorCatalog.goList(invalid) + " haven't been added", List.of(), c.version);
                }
                sources = requested;
            } else if (!name.isEmpty()) {
                sources = scheduler.taskSources(name);
                if (sources.isEmpty()) {
                    return GatewayJson.queryStatusList(false, "task " + name + " has no source or not exist",
                            List.of(), c.version);
                }
            } else {
                sources = c.sources.values().stream().filter(s -> c.liveWorker(s) != null).map(s -> s.id).toList();
            }
            List<StatusViews.SourceView> views = new ArrayList<>();
            for (StatusViews.SourceView v : StatusViews.forSources(c, name, sources)) {
                long size = ProtoSize.response(v);
                views.add(size <= c.grpcMaxMessageBytes ? v : new StatusViews.SourceView(v.source(), "", false,
                        ErrorCatalog.grpcRequestError("rpc error: code = ResourceExhausted desc = grpc: received "
                                + "message larger than max (" + size + " vs. " + c.grpcMaxMessageBytes + ")")
                                .terrorString(), null, List.of()));
            }
            if (name.isEmpty()) {
                views.addAll(placeholders(views, requested.isEmpty() ? null : requested));
                // the answer lists sources in name order, the placeholders' among them (server.go:845-866@v8.5.4)
                views.sort(java.util.Comparator.comparing(StatusViews.SourceView::source));
            }
            long total = ProtoSize.list(true, "", views);
            if (total > c.grpcMaxMessageBytes) {
                return HttpReply.json(429, GatewayJson.grpcError(8, "grpc: received message larger than max ("
                        + total + " vs. " + c.grpcMaxMessageBytes + ")"));
            }
            return GatewayJson.queryStatusList(true, "", views, c.version);
        });
        return out instanceof HttpReply reply ? reply : HttpReply.json(200, (ObjectNode) out);
    }

    /** DM-master's entries for tasks whose source got no answer at all (only sources it did not ask). */
    private List<StatusViews.SourceView> placeholders(List<StatusViews.SourceView> answered, List<String> asked) {
        java.util.Set<String> have = new java.util.HashSet<>();
        answered.forEach(v -> have.add(v.source()));
        java.util.Map<String, List<StatusViews.SubtaskView>> bySource = new java.util.TreeMap<>();
        for (TaskState t : c.tasks.values()) {
            for (String source : t.expected.keySet()) {
                if (!have.contains(source) && (asked == null || asked.contains(source))) {
                    bySource.computeIfAbsent(source, k -> new ArrayList<>()).add(StatusViews.SubtaskView.placeholder(t.name()));
                }
            }
        }
        List<StatusViews.SourceView> out = new ArrayList<>();
        bySource.forEach((source, subs) -> out.add(new StatusViews.SourceView(source, "source not bound", false,
                "can't find task=" + subs.get(0).task() + " from dm-worker for source=" + source + ", please use dmctl "
                        + "list-member to check if worker is offline.", null, subs)));
        return out;
    }

    /** ListMember (server.go): leader, masters, workers; none asked for means all three. */
    private HttpReply listMember(HttpRequest r) {
        boolean leader = r.flag("leader");
        boolean master = r.flag("master");
        boolean worker = r.flag("worker");
        if (!leader && !master && !worker) {
            leader = master = worker = true;
        }
        List<String> names = r.params("names");
        boolean fl = leader;
        boolean fm = master;
        boolean fw = worker;
        ObjectNode out = c.call(() -> {
            ObjectNode o = Json.object();
            o.put("result", true);
            o.put("msg", "");
            ArrayNode members = o.putArray("members");
            String addr = c.clientUrl.replaceFirst("^https?://", "");
            if (fl) {
                ObjectNode l = members.addObject().putObject("leader");
                l.put("msg", "");
                boolean show = names.isEmpty() || names.contains(c.masterName);
                l.put("name", show ? c.masterName : "");
                l.put("addr", show ? addr : "");
            }
            if (fm) {
                ObjectNode m = members.addObject().putObject("master");
                m.put("msg", "");
                ArrayNode masters = m.putArray("masters");
                if (names.isEmpty() || names.contains(c.masterName)) {
                    ObjectNode mi = masters.addObject();
                    mi.put("name", c.masterName);
                    mi.put("memberID", Long.toUnsignedString(memberId(c.masterName)));
                    mi.put("alive", true);
                    mi.putArray("peerURLs").add(c.masterPeerUrl);
                    mi.putArray("clientURLs").add(c.clientUrl);
                }
            }
            if (fw) {
                ObjectNode w = members.addObject().putObject("worker");
                w.put("msg", "");
                ArrayNode workers = w.putArray("workers");
                for (WorkerState ws : c.workers.values()) {
                    if (!names.isEmpty() && !names.contains(ws.name)) {
                        continue;
                    }
                    ObjectNode wi = workers.addObject();
                    wi.put("name", ws.name);
                    wi.put("addr", ws.addr);
                    wi.put("stage", c.workerStage(ws));
                    wi.put("source", c.boundSourceOf(ws.name));
                }
            }
            return o;
        });
        return HttpReply.json(200, out);
    }

    static long memberId(String name) {
        return name.hashCode() * 0x9E3779B97F4A7C15L;
    }

    // ---- jsonpb decoding ----------------------------------------------------------------------------------

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private static JsonNode body(HttpRequest r) {
        try {
            JsonNode n = Json.parse(r.body());
            if (n != null && !n.isObject()) {
                throw new BadRequest("json: cannot unmarshal " + n.getNodeType().name().toLowerCase(Locale.ROOT)
                        + " into Go value of type map[string]json.RawMessage");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new BadRequest("invalid character in request body: " + e.getOriginalMessage());
        }
    }

    /** {@code TaskOp} by name or number; an unknown name fails the way jsonpb does (§1.1: v5.x has no Delete). */
    private String decodeOp(JsonNode op) {
        List<String> names = new ArrayList<>(TASK_OPS_V5);
        if (c.version.hasTaskOpDelete()) {
            names.add("Delete");
        }
        if (op == null || op.isNull()) {
            return "InvalidOp";
        }
        if (op.isIntegralNumber()) {
            int n = op.asInt();
            return n >= 0 && n < names.size() ? names.get(n) : Integer.toString(n);
        }
        String s = op.asText();
        if (!names.contains(s)) {
            // real DM: {"code":3,"message":"unknown value \"Bogus\" for enum pb.TaskOp"}
            throw new BadRequest("unknown value \"" + s + "\" for enum pb.TaskOp");
        }
        return s;
    }

    /**
     * An enum in a query parameter: by number only. DM's gogo-generated enums are not in the registry grpc-gateway
     * v1.16 looks names up in ({@code runtime.populateField}), so it falls back to {@code strconv.ParseInt(value, 10,
     * 32)} and a name fails (seen on real DM: docs/real-dm-checks.md). An unknown number passes through.
     */
    private static String decodeEnum(String value, List<String> names) {
        if (value == null || value.isEmpty()) {
            return names.get(0);
        }
        try {
            int n = Integer.parseInt(value);
            return n >= 0 && n < names.size() ? names.get(n) : value;
        } catch (NumberFormatException e) {
            String why = value.matches("[+-]?\\d+") ? "value out of range" : "invalid syntax";
            // Go's %q of the value (strconv.Quote), close enough for ASCII
            String quoted = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            throw new BadRequest("strconv.ParseInt: parsing " + quoted + ": " + why);
        }
    }

    private static String text(JsonNode body, String field) {
        return body == null || body.get(field) == null || body.get(field).isNull() ? "" : body.get(field).asText();
    }

    private static List<String> strings(JsonNode body, String field) {
        List<String> out = new ArrayList<>();
        if (body != null && body.get(field) != null && body.get(field).isArray()) {
            body.get(field).forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
