package io.dmremediation.dm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DM-master's legacy HTTP gateway {@code /apis/v1alpha1} (grpc-gateway over the gRPC service dmctl uses; always on
 * since DM 2.0; routes in pingcap/tiflow:dm/proto/dmmaster.proto:10-105, dm-facts §1.1). On its own it is a full
 * {@link DmMaster} for a DM-master without OpenAPI: it cannot list tasks nor control relay (no HTTP mapping).
 */
public final class GatewayClient implements DmMaster {

    static final String STATUS = "/apis/v1alpha1/status/";
    static final String TASKS = "/apis/v1alpha1/tasks";
    static final String MEMBERS = "/apis/v1alpha1/members?worker=true";

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * GetCfg's {@code CfgType} by number ({@code TaskType = 1}, {@code SourceType = 4}, pingcap/tiflow:dm/proto/dmmaster.proto).
     * The name is refused: DM's gogo-generated enums are not in the registry grpc-gateway v1.16 reads query
     * parameters through, so {@code ?type=TaskType} gets HTTP 400 "strconv.ParseInt: parsing \"TaskType\": invalid
     * syntax" (seen on real DM, docs/real-dm-checks.md); a JSON body takes names, a query parameter only numbers.
     */
    static final String TASK_TYPE = "1";
    static final String SOURCE_TYPE = "4";
    /** OperateTask's stop op: {@code Delete} since DM v6, {@code Stop} in v5.x (TaskOp, dmworker.proto). */
    private static final String DELETE = "Delete";
    private static final String STOP = "Stop";

    private final DmHttp http;
    private final AtomicReference<String> stopOp = new AtomicReference<>(DELETE);

    public GatewayClient(String baseUrl) {
        this(baseUrl, DmHttpSettings.DEFAULTS);
    }

    public GatewayClient(String baseUrl, DmHttpSettings settings) {
        this(new DmHttp(baseUrl, settings));
    }

    GatewayClient(DmHttp http) {
        this.http = http;
    }

    @Override
    public String baseUrl() {
        return http.baseUrl();
    }

    @Override
    public DmApi api() {
        return DmApi.GATEWAY;
    }

    /** One {@code GET /apis/v1alpha1/status/{task}} per task; none named: every task at once ({@link #queryStatusAll}). */
    @Override
    public DmSnapshot status(Collection<String> tasks) {
        if (tasks.isEmpty()) {
            return queryStatusAll(List.of());
        }
        SnapshotBuilder out = new SnapshotBuilder();
        for (String task : new LinkedHashSet<>(tasks)) {
            queryStatus(task).ifPresent(out::addAll);
        }
        return out.build();
    }

    /**
     * {@code GET /apis/v1alpha1/status/{task}}: full ProcessErrors, relay and source errors. Empty when DM-master
     * does not know the task ("task … has no source or not exist").
     */
    public Optional<DmSnapshot> queryStatus(String task) {
        DmHttp.Reply r = http.get(STATUS + DmHttp.segment(task, "task"));
        try {
            return Optional.of(http.parse(http.checkGateway(r, List.of()), DmStatusJson::parseQueryStatus));
        } catch (DmErrorReplyException e) {
            if (e.isTaskNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * {@code GET /apis/v1alpha1/status/}, the task name left empty: every subtask of every bound source (or, with
     * {@code sources}, of those sources and their relay workers) in one request. grpc-gateway v1.16's router takes
     * the empty last segment as the {@code name} parameter (pingcap/tiflow:go.mod@v8.5.4 pins
     * grpc-ecosystem/grpc-gateway v1.16.0: runtime/mux.go:206 splits the path keeping the empty segment,
     * runtime/pattern.go:185-196 captures it), and DM-master's QueryStatus with no name asks each source's worker
     * once for all of its subtasks (pingcap/tiflow:dm/master/server.go:799-826@v8.5.4 {@code extractSources}: the
     * bound sources; l.828-866, {@code getStatusFromWorkers} with {@code taskName ""}; dm/worker/status.go:48-60: a
     * worker lists every subtask for an empty name). Same in v5.3.0 and v6.1.0 (dm/dm/master/server.go). From v5.4
     * a task whose source has no worker gets an entry of its own (server.go:1096@v5.4.0). It carries what the FAQ
     * rules need: every ProcessError with code, class, Message and RawCause, {@code isCanceled}, the relay status
     * and errors of each source's worker.
     *
     * <p>DM's gateway reaches DM-master's gRPC with a default client (dm/master/http_handler.go:47-52@v8.5.4), so a
     * reply over gRPC's 4 MiB default comes back as HTTP 429 (ResourceExhausted, grpc-gateway runtime/errors.go:37);
     * that is a {@link DmReplyTooLargeException}, as is a reply over this client's own bound.
     */
    public DmSnapshot queryStatusAll(List<String> sources) {
        StringBuilder path = new StringBuilder(STATUS);
        char sep = '?';
        for (String s : sources) {
            path.append(sep).append("sources=").append(DmHttp.queryValue(s, "source"));
            sep = '&';
        }
        DmHttp.Reply r = http.get(path.toString());
        if (r.status() == 429) {
            DmHttpStatusException e = http.statusError(r, List.of());
            if (e.detail().contains("larger than max")) {
                throw new DmReplyTooLargeException(e.getMessage());
            }
            throw e;
        }
        return http.parse(http.checkGateway(r, List.of()), DmStatusJson::parseQueryStatus);
    }

    @Override
    public Optional<List<String>> taskNames() {
        return Optional.empty();
    }

    /** {@code GET /apis/v1alpha1/tasks/{task}?type=1} (TaskType) → {@code GetCfgResponse.cfg}. */
    @Override
    public String taskConfig(String task) {
        String cfg = config(task, "task", TASK_TYPE);
        if (cfg.isBlank()) {
            // the name on one line, bounded: exception messages are one line, and a task name can hold anything
            throw new DmErrorReplyException(0, "", http.where() + " returned an empty config for task "
                    + SafeText.oneLine(task));
        }
        return cfg;
    }

    /** {@code GET /apis/v1alpha1/tasks/{source}?type=4} (SourceType); empty on "source not found" or an empty config. */
    @Override
    public Optional<String> sourceConfig(String source) {
        try {
            String cfg = config(source, "source", SOURCE_TYPE);
            return cfg.isBlank() ? Optional.empty() : Optional.of(cfg);
        } catch (DmErrorReplyException e) {
            if (e.dmMessage().toLowerCase(Locale.ROOT).contains("source not found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String config(String name, String what, String type) {
        DmHttp.Reply r = http.get(TASKS + "/" + DmHttp.segment(name, what) + "?type=" + type);
        return http.parse(http.checkGateway(r, List.of()), DmStatusJson::parseGatewayConfig);
    }

    /**
     * {@code PUT /apis/v1alpha1/tasks/{task}} with {@code {"op":"Delete"}}; a DM that rejects the op (v5.x has no
     * {@code Delete}: grpc-gateway answers 400 for the unknown enum, or DM-master "invalid op") gets one retry with
     * {@code {"op":"Stop"}}, and the op that worked is used from then on. The reverse holds after an upgrade.
     */
    @Override
    public void stopTask(String task) {
        String op = stopOp.get();
        try {
            operate(task, op);
        } catch (DmHttpStatusException | DmErrorReplyException e) {
            if (!rejectsOp(e, op)) {
                throw e;
            }
            String other = op.equals(DELETE) ? STOP : DELETE;
            operate(task, other);
            stopOp.compareAndSet(op, other);
        }
    }

    @Override
    public void pauseTask(String task) {
        operate(task, "Pause");
    }

    @Override
    public void resumeTask(String task) {
        operate(task, "Resume");
    }

    private void operate(String task, String op) {
        ObjectNode body = JSON.createObjectNode().put("op", op);
        DmHttp.Reply r = http.send("PUT", TASKS + "/" + DmHttp.segment(task, "task"), body.toString());
        http.parse(http.checkGateway(r, List.of()), b -> {
            DmStatusJson.checkGatewayOperation(b, List.of());
            return null;
        });
    }

    private static boolean rejectsOp(DmMasterException e, String op) {
        if (e instanceof DmHttpStatusException s) {
            // grpc-gateway cannot decode the enum value: 400 {"code": 3, "message": "unknown value \"Delete\" for enum pb.TaskOp"}
            String d = s.detail().toLowerCase(Locale.ROOT);
            return s.status() == 400 && (d.contains("enum") || d.contains("taskop") || d.contains(op.toLowerCase(Locale.ROOT)));
        }
        // ErrMasterInvalidOperateOp "invalid op %s on %s" (dm/pkg/terror/error_list.go)
        return ((DmErrorReplyException) e).dmMessage().toLowerCase(Locale.ROOT)
                .contains("invalid op " + op.toLowerCase(Locale.ROOT));
    }

    /**
     * {@code POST /apis/v1alpha1/tasks} with {@code {"task": yaml, "sources": []}}. The YAML's password values are
     * masked in any error message, in case DM quotes them back.
     */
    @Override
    public void startTask(String taskYaml) {
        if (taskYaml == null || taskYaml.isBlank()) {
            throw new IllegalArgumentException("task config is empty");
        }
        List<String> secrets = SafeText.secretValuesOf(taskYaml);
        ObjectNode body = JSON.createObjectNode().put("task", taskYaml);
        body.putArray("sources");
        DmHttp.Reply r = http.send("POST", TASKS, body.toString());
        http.parse(http.checkGateway(r, secrets), b -> {
            DmStatusJson.checkGatewayStart(b, secrets);
            return null;
        });
    }

    /** {@code GET /apis/v1alpha1/members?worker=true}. */
    @Override
    public List<Worker> workers() {
        DmHttp.Reply r = http.get(MEMBERS);
        return http.parse(http.checkGateway(r, List.of()), DmStatusJson::parseGatewayMembers);
    }

    @Override
    public Optional<List<Relay>> relayStatus(String source) {
        return Optional.empty();
    }

    @Override
    public void disableRelay(String source, List<String> workers) {
        throw noRelayControl();
    }

    @Override
    public void enableRelay(String source, List<String> workers) {
        throw noRelayControl();
    }

    @Override
    public void enableRelayFrom(String source, List<String> workers, String relayBinlogName) {
        throw noRelayControl();
    }

    DmUnsupportedException noRelayControl() {
        return new DmUnsupportedException("relay control needs DM-master's openapi = true: " + http.where()
                + " has no OpenAPI, and the gateway has no relay routes");
    }

    /** Forgets which stop op works. */
    @Override
    public void redetect() {
        stopOp.set(DELETE);
    }

    /** The op stopTask sends first: {@code Delete} until a DM-master turned it down. */
    String stopOp() {
        return stopOp.get();
    }
}
