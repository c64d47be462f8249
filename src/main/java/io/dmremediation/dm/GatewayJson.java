package io.dmremediation.dm;

import static io.dmremediation.dm.JsonTree.array;
import static io.dmremediation.dm.JsonTree.object;
import static io.dmremediation.dm.JsonTree.optObject;
import static io.dmremediation.dm.JsonTree.requiredBool;
import static io.dmremediation.dm.JsonTree.requiredString;
import static io.dmremediation.dm.JsonTree.string;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.domain.Worker;
import java.util.ArrayList;
import java.util.List;

/** Gateway replies other than query-status ({@code pingcap/tiflow:dm/proto/dmmaster.proto}). */
final class GatewayJson {

    private GatewayJson() {
    }

    /**
     * {@code ListMemberResponse{result, msg, members:[Members]}}, {@code Members} a oneof {@code leader|master|worker};
     * the worker member is {@code ListWorkerMember{msg, workers:[WorkerInfo{name, addr, stage, source}]}}.
     */
    static List<Worker> members(JsonNode root) {
        resultOrThrow(root, List.of());
        List<Worker> out = new ArrayList<>();
        List<JsonNode> members = array(root, "members", "reply");
        for (int i = 0; i < members.size(); i++) {
            String path = "members[" + i + "]";
            JsonNode worker = optObject(object(members.get(i), path), "worker", path);
            if (worker == null) {
                continue;
            }
            List<JsonNode> workers = array(worker, "workers", path + ".worker");
            for (int j = 0; j < workers.size(); j++) {
                String wp = path + ".worker.workers[" + j + "]";
                JsonNode w = object(workers.get(j), wp);
                out.add(new Worker(requiredString(w, "name", wp), string(w, "addr", wp), string(w, "stage", wp),
                        DmStatusJson.nullIfEmpty(string(w, "source", wp))));
            }
        }
        return out;
    }

    /** {@code GetCfgResponse{result, msg, cfg}}: the config text, possibly empty. */
    static String config(JsonNode root) {
        resultOrThrow(root, List.of());
        return string(root, "cfg", "reply");
    }

    /**
     * {@code StartTaskResponse{result, msg, sources, checkResult}} / {@code OperateTaskResponse{op, result, msg,
     * sources}}: DM-master can say {@code result: true} and still report a source that failed
     * ({@code CommonWorkerResponse{result, msg, source, worker}}), which is a failure too.
     */
    static void operation(JsonNode root, List<String> secrets) {
        resultOrThrow(root, secrets);
        List<JsonNode> sources = array(root, "sources", "reply");
        List<String> failures = new ArrayList<>();
        int code = 0;
        for (int i = 0; i < sources.size(); i++) {
            String path = "sources[" + i + "]";
            JsonNode s = object(sources.get(i), path);
            if (!requiredBool(s, "result", path)) {
                String msg = string(s, "msg", path);
                String source = string(s, "source", path);
                failures.add((source.isEmpty() ? string(s, "worker", path) : source) + ": " + msg);
                if (code == 0) {
                    code = SafeText.codeIn(msg);
                }
            }
        }
        if (!failures.isEmpty()) {
            String text = SafeText.oneLine(String.join("; ", failures), secrets);
            throw new DmErrorReplyException(code, text, "DM-master reported failed sources: " + text);
        }
    }

    /** start-task: a refusal only when DM-master says {@code result: false}; see DmStatusJson#checkGatewayStart. */
    static void started(JsonNode root, List<String> secrets) {
        object(root, "reply");
        if (requiredBool(root, "result", "reply")) {
            array(root, "sources", "reply");
            return;
        }
        String msg = string(root, "msg", "reply");
        JsonNode check = root.get("checkResult");
        if (msg.isBlank() && check != null && check.isTextual() && !check.asText().isBlank()) {
            msg = check.asText();
        }
        throw DmStatusJson.errorReply(msg, secrets);
    }

    private static void resultOrThrow(JsonNode root, List<String> secrets) {
        object(root, "reply");
        if (!requiredBool(root, "result", "reply")) {
            throw DmStatusJson.errorReply(string(root, "msg", "reply"), secrets);
        }
    }
}
