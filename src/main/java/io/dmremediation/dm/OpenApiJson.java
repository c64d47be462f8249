package io.dmremediation.dm;

import static io.dmremediation.dm.JsonTree.array;
import static io.dmremediation.dm.JsonTree.bool;
import static io.dmremediation.dm.JsonTree.int64;
import static io.dmremediation.dm.JsonTree.location;
import static io.dmremediation.dm.JsonTree.object;
import static io.dmremediation.dm.JsonTree.optObject;
import static io.dmremediation.dm.JsonTree.requiredArray;
import static io.dmremediation.dm.JsonTree.requiredString;
import static io.dmremediation.dm.JsonTree.string;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.SyncProgress;
import io.dmremediation.domain.Unit;
import io.dmremediation.domain.Worker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DM's OpenAPI JSON ({@code /api/v1}, dm-facts §2): task status ({@code SubTaskStatus}, gen.types.go:501-549),
 * task lists, workers and source status. Every list reply is {@code {"total": n, "data": [...]}}.
 */
final class OpenApiJson {

    private static final String TAG = "[code=";

    private OpenApiJson() {
    }

    /** {@code GET /api/v1/tasks/{t}/status}: {@code {"total","data":[SubTaskStatus]}}. */
    static DmSnapshot taskStatus(JsonNode root) {
        object(root, "reply");
        SnapshotBuilder out = new SnapshotBuilder();
        List<JsonNode> data = requiredArray(root, "data", "reply");
        for (int i = 0; i < data.size(); i++) {
            subTaskStatus(data.get(i), "data[" + i + "]", out);
        }
        return out.build();
    }

    /** {@code GET /api/v1/tasks?with_status=true}: one snapshot per task, in DM's order. */
    static Map<String, DmSnapshot> taskListByTask(JsonNode root) {
        object(root, "reply");
        Map<String, DmSnapshot> byTask = new LinkedHashMap<>();
        List<JsonNode> data = requiredArray(root, "data", "reply");
        for (int i = 0; i < data.size(); i++) {
            String path = "data[" + i + "]";
            JsonNode task = object(data.get(i), path);
            String name = requiredString(task, "name", path);
            SnapshotBuilder out = new SnapshotBuilder();
            List<JsonNode> statuses = array(task, "status_list", path);
            for (int j = 0; j < statuses.size(); j++) {
                subTaskStatus(statuses.get(j), path + ".status_list[" + j + "]", out);
            }
            byTask.put(name, out.build());
        }
        return byTask;
    }

    /** {@code GET /api/v1/tasks}: the task names. */
    static List<String> taskNames(JsonNode root) {
        return new ArrayList<>(taskListByTask(root).keySet());
    }

    private static void subTaskStatus(JsonNode n, String path, SnapshotBuilder out) {
        object(n, path);
        String task = requiredString(n, "name", path);
        String source = DmStatusJson.nullIfEmpty(requiredString(n, "source_name", path));
        String worker = DmStatusJson.nullIfEmpty(string(n, "worker_name", path));
        String stage = string(n, "stage", path);
        String errorMsg = string(n, "error_msg", path);
        if (stage.isBlank() && !errorMsg.isBlank()) {
            // DM-master could not ask the worker: error_msg is the raw master message, the rest is empty
            // (getTaskStatus, dm/master/openapi_controller.go:537-659)
            out.add(new SourceState(source, worker, List.of(), errorMsg.strip()));
            return;
        }
        out.add(new SourceState(source, worker, List.of(), null));
        JsonNode sync = optObject(n, "sync_status", path);
        out.add(new Subtask(task, source, worker, Stage.parse(stage), Unit.parse(string(n, "unit", path)), false,
                errorLines(errorMsg), sync == null ? null : sync(sync, path + ".sync_status")));
    }

    private static SyncProgress sync(JsonNode s, String path) {
        return new SyncProgress(
                location(s, "master_binlog", path),
                location(s, "syncer_binlog", path),
                string(s, "master_binlog_gtid", path),
                string(s, "syncer_binlog_gtid", path),
                int64(s, "total_events", path),
                bool(s, "synced", path),
                string(s, "binlog_type", path));
    }

    /**
     * {@code error_msg}: v6.2+ writes one terror string per error, each starting with {@code [code=}, joined with
     * "\n"; v6.0/v6.1 write one bare {@code Message} per line. A Message can itself hold a newline (the failed SQL),
     * so with tagged lines a line without the tag continues the error before it.
     */
    static List<DmError> errorLines(String errorMsg) {
        List<DmError> out = new ArrayList<>();
        if (errorMsg == null || errorMsg.isBlank()) {
            return out;
        }
        String[] lines = errorMsg.split("\\r?\\n");
        boolean tagged = errorMsg.strip().startsWith(TAG);
        StringBuilder current = null;
        for (String line : lines) {
            if (!tagged) {
                if (!line.isBlank()) {
                    out.add(DmErrorText.parse(line));
                }
                continue;
            }
            if (line.startsWith(TAG)) {
                if (current != null) {
                    out.add(DmErrorText.parse(current.toString()));
                }
                current = new StringBuilder(line);
            } else if (current != null && !line.isEmpty()) {
                current.append('\n').append(line);
            }
        }
        if (current != null) {
            out.add(DmErrorText.parse(current.toString()));
        }
        return out;
    }

    /** {@code GET /api/v1/cluster/workers}: {@code {"total","data":[{name,addr,bound_stage,bound_source_name}]}}. */
    static List<Worker> workers(JsonNode root) {
        object(root, "reply");
        List<Worker> out = new ArrayList<>();
        List<JsonNode> data = requiredArray(root, "data", "reply");
        for (int i = 0; i < data.size(); i++) {
            String path = "data[" + i + "]";
            JsonNode w = object(data.get(i), path);
            out.add(new Worker(requiredString(w, "name", path), string(w, "addr", path),
                    string(w, "bound_stage", path), DmStatusJson.nullIfEmpty(string(w, "bound_source_name", path))));
        }
        return out;
    }

    /**
     * {@code GET /api/v1/sources/{s}/status}: one Relay per entry whose {@code relay_status} is set. OpenAPI gives no
     * relay error text (only the stage) and no relay file position, so {@code errors} is empty and
     * {@code relayBinlog} null; {@code relaySubDir} is {@code relay_dir} (dm-facts §2.3).
     */
    static List<Relay> sourceStatus(String source, JsonNode root) {
        object(root, "reply");
        List<Relay> out = new ArrayList<>();
        List<JsonNode> data = requiredArray(root, "data", "reply");
        for (int i = 0; i < data.size(); i++) {
            String path = "data[" + i + "]";
            JsonNode s = object(data.get(i), path);
            String name = string(s, "source_name", path);
            String worker = DmStatusJson.nullIfEmpty(string(s, "worker_name", path));
            JsonNode relay = optObject(s, "relay_status", path);
            if (relay == null) {
                continue;
            }
            String rp = path + ".relay_status";
            out.add(new Relay(name.isEmpty() ? source : name, worker,
                    Stage.parse(string(relay, "stage", rp)),
                    string(relay, "relay_dir", rp),
                    null,
                    string(relay, "relay_binlog_gtid", rp),
                    location(relay, "master_binlog", rp),
                    bool(relay, "relay_catch_up_master", rp),
                    List.of()));
        }
        return out;
    }
}
