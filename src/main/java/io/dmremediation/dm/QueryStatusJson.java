package io.dmremediation.dm;

import static io.dmremediation.dm.JsonTree.array;
import static io.dmremediation.dm.JsonTree.bool;
import static io.dmremediation.dm.JsonTree.int64;
import static io.dmremediation.dm.JsonTree.location;
import static io.dmremediation.dm.JsonTree.object;
import static io.dmremediation.dm.JsonTree.optObject;
import static io.dmremediation.dm.JsonTree.requiredArray;
import static io.dmremediation.dm.JsonTree.requiredBool;
import static io.dmremediation.dm.JsonTree.requiredInt32;
import static io.dmremediation.dm.JsonTree.requiredString;
import static io.dmremediation.dm.JsonTree.string;
import static io.dmremediation.dm.JsonTree.stringArray;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.SyncProgress;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * dmctl {@code query-status} / gateway {@code GET /apis/v1alpha1/status/{task}} JSON (jsonpb, dm-facts §3):
 * {@code QueryStatusListResponse{result, msg, sources[QueryStatusResponse]}}
 * (pingcap/tiflow:dm/proto/dmmaster.proto:179-188, dm/proto/dmworker.proto), and dmctl's summary mode
 * {@code {result, msg, tasks[{taskName, taskStatus, sources}]}} (dm/ctl/master/query_status.go:115-165).
 */
final class QueryStatusJson {

    /** dmctl's summary {@code taskStatus} for a task that needs the detailed query (query_status.go). */
    static final String SUMMARY_ERROR_PREFIX = "Error - ";

    private QueryStatusJson() {
    }

    static DmSnapshot parse(JsonNode root) {
        object(root, "reply");
        boolean result = requiredBool(root, "result", "reply");
        if (!result) {
            throw DmStatusJson.errorReply(string(root, "msg", "reply"));
        }
        if (!root.has("sources") && root.has("tasks")) {
            return summary(root);
        }
        SnapshotBuilder out = new SnapshotBuilder();
        List<JsonNode> entries = requiredArray(root, "sources", "reply");
        for (int i = 0; i < entries.size(); i++) {
            sourceEntry(entries.get(i), "sources[" + i + "]", out);
        }
        return out.build();
    }

    private static void sourceEntry(JsonNode entry, String path, SnapshotBuilder out) {
        object(entry, path);
        boolean ok = requiredBool(entry, "result", path);
        JsonNode status = optObject(entry, "sourceStatus", path);
        if (status == null && ok) {
            throw new DmBadReplyException("DM reply lacks " + path + ".sourceStatus");
        }
        String statusPath = path + ".sourceStatus";
        String source = status == null ? null : DmStatusJson.nullIfEmpty(string(status, "source", statusPath));
        String worker = status == null ? null : DmStatusJson.nullIfEmpty(string(status, "worker", statusPath));
        List<DmError> sourceErrors = List.of();
        if (status != null) {
            JsonNode result = optObject(status, "result", statusPath);
            sourceErrors = result == null ? List.of() : errors(result, statusPath + ".result");
            JsonNode relay = optObject(status, "relayStatus", statusPath);
            if (relay != null) {
                out.add(relay(relay, statusPath + ".relayStatus", source, worker));
            }
        }
        String queryError = null;
        if (!ok) {
            // DM-master could not ask the worker (getStatusFromWorkers, dm/master/server.go:1130-1215)
            String msg = string(entry, "msg", path);
            queryError = msg.isBlank() ? "DM-master could not query this source's worker" : msg;
        }
        out.add(new SourceState(source, worker, sourceErrors, queryError));
        List<JsonNode> subtasks = array(entry, "subTaskStatus", path);
        for (int j = 0; j < subtasks.size(); j++) {
            out.add(subtask(subtasks.get(j), path + ".subTaskStatus[" + j + "]", source, worker));
        }
    }

    private static Subtask subtask(JsonNode st, String path, String source, String worker) {
        object(st, path);
        String name = requiredString(st, "name", path);
        Stage stage = Stage.parse(requiredString(st, "stage", path));
        Unit unit = Unit.parse(string(st, "unit", path));
        JsonNode result = optObject(st, "result", path);
        boolean canceled = result != null && bool(result, "isCanceled", path + ".result");
        List<DmError> errors = result == null ? List.of() : errors(result, path + ".result");
        JsonNode sync = optObject(st, "sync", path);
        return new Subtask(name, source, worker, stage, unit, canceled, errors,
                sync == null ? null : sync(sync, path + ".sync"));
    }

    private static SyncProgress sync(JsonNode sync, String path) {
        return new SyncProgress(
                location(sync, "masterBinlog", path),
                location(sync, "syncerBinlog", path),
                string(sync, "masterBinlogGtid", path),
                string(sync, "syncerBinlogGtid", path),
                int64(sync, "totalEvents", path),
                bool(sync, "synced", path),
                string(sync, "binlogType", path));
    }

    private static Relay relay(JsonNode r, String path, String source, String worker) {
        JsonNode result = optObject(r, "result", path);
        return new Relay(source, worker,
                Stage.parse(requiredString(r, "stage", path)),
                string(r, "relaySubDir", path),
                location(r, "relayBinlog", path),
                string(r, "relayBinlogGtid", path),
                location(r, "masterBinlog", path),
                bool(r, "relayCatchUpMaster", path),
                result == null ? List.of() : errors(result, path + ".result"));
    }

    /** {@code ProcessResult.errors} (dmworker.proto ProcessResult/ProcessError). */
    static List<DmError> errors(JsonNode result, String path) {
        List<JsonNode> list = array(result, "errors", path);
        List<DmError> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(processError(list.get(i), path + ".errors[" + i + "]"));
        }
        return out;
    }

    /** One {@code ProcessError}: {@code ErrCode} is a JSON number, the rest strings (dm-facts §3.1). */
    static DmError processError(JsonNode e, String path) {
        object(e, path);
        return new DmError(requiredInt32(e, "ErrCode", path),
                string(e, "ErrClass", path), string(e, "ErrScope", path), string(e, "ErrLevel", path),
                string(e, "Message", path), string(e, "RawCause", path), string(e, "Workaround", path));
    }

    private static DmSnapshot summary(JsonNode root) {
        SnapshotBuilder out = new SnapshotBuilder();
        List<JsonNode> tasks = requiredArray(root, "tasks", "reply");
        for (int i = 0; i < tasks.size(); i++) {
            String path = "tasks[" + i + "]";
            JsonNode t = object(tasks.get(i), path);
            String name = requiredString(t, "taskName", path);
            String status = requiredString(t, "taskStatus", path);
            Stage stage;
            List<DmError> errors;
            if (status.startsWith(SUMMARY_ERROR_PREFIX)) {
                // the summary hides the error itself; keep dmctl's text so a reader knows to run the full query
                stage = Stage.PAUSED;
                errors = List.of(DmError.ofText(status));
            } else {
                stage = Stage.parse(status);
                errors = List.of();
            }
            for (String source : stringArray(t, "sources", path)) {
                out.add(new Subtask(name, source, null, stage, Unit.UNKNOWN, false, errors, null));
            }
        }
        return out.build();
    }
}
