package io.dmremediation.dm;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * DM's JSON to the domain snapshot. Pure: no I/O. Every method either returns a complete result or throws
 * {@link DmBadReplyException} (JSON that DM does not send: not JSON, truncated, wrong types, missing required parts)
 * or {@link DmErrorReplyException} (a well-formed reply in which DM-master says no). Never a half-read snapshot,
 * never another unchecked exception. Unknown fields are ignored: DM adds fields between versions.
 */
public final class DmStatusJson {

    private DmStatusJson() {
    }

    /**
     * Gateway {@code GET /apis/v1alpha1/status/{task}} and dmctl {@code query-status <task>} (full form), or dmctl's
     * summary form {@code query-status} without a task (dm-facts §3). Top-level {@code result: false} is DM's error
     * reply and throws {@link DmErrorReplyException}; a source entry with {@code result: false} becomes a
     * {@code SourceState} with {@code queryError}.
     */
    public static DmSnapshot parseQueryStatus(String json) {
        return guarded(() -> QueryStatusJson.parse(JsonTree.parseObject(json, "DM reply")));
    }

    /**
     * OpenAPI {@code GET /api/v1/tasks/{t}/status}, any version (dm-facts §2.3): errors come from {@code error_msg}
     * (absent in v5.3/5.4, bare messages in v6.0/6.1, terror lines in v6.2+); an entry with an empty stage and an
     * {@code error_msg} is a failed worker query and becomes {@code SourceState.queryError}, not a subtask.
     */
    public static DmSnapshot parseOpenApiTaskStatus(String json) {
        return guarded(() -> OpenApiJson.taskStatus(JsonTree.parseObject(json, "DM reply")));
    }

    /** OpenAPI {@code GET /api/v1/tasks?with_status=true}; tasks without {@code status_list} give no subtasks. */
    public static DmSnapshot parseOpenApiTaskList(String json) {
        return guarded(() -> {
            SnapshotBuilder out = new SnapshotBuilder();
            parseOpenApiTaskListByTask(json).values().forEach(out::addAll);
            return out.build();
        });
    }

    /** Gateway {@code GET /apis/v1alpha1/members?worker=true}: the workers, in DM's order. */
    public static List<Worker> parseGatewayMembers(String json) {
        return guarded(() -> GatewayJson.members(JsonTree.parseObject(json, "DM reply")));
    }

    /** OpenAPI {@code GET /api/v1/cluster/workers}. */
    public static List<Worker> parseOpenApiWorkers(String json) {
        return guarded(() -> OpenApiJson.workers(JsonTree.parseObject(json, "DM reply")));
    }

    /**
     * OpenAPI {@code GET /api/v1/sources/{s}/status}: one Relay per entry with a {@code relay_status} (null means
     * relay is off on that worker). OpenAPI shows the relay stage but never the relay error text nor the relay file
     * position: {@code errors} is empty and {@code relayBinlog} null; the gateway status has both.
     */
    public static List<Relay> parseOpenApiSourceStatus(String source, String json) {
        return guarded(() -> OpenApiJson.sourceStatus(source, JsonTree.parseObject(json, "DM reply")));
    }

    /**
     * What an on-call engineer pastes into {@code diagnose}: a gateway/dmctl query-status JSON (full or summary), an
     * OpenAPI task status or task list, a bare ProcessError object or its {@code "Key": value,} lines, or DM error
     * lines (one error per line; blank lines and {@code #} lines skipped). Text before the JSON (a tiup banner) and
     * terminal colour codes are tolerated.
     */
    public static DmSnapshot parseAny(String text) {
        return readPasted(text).snapshot();
    }

    /**
     * As {@link #parseAny}, saying whether the errors were picked out of input that is not whole DM output (a reply
     * cut off, a log line quoting an error, a reply inside another text): {@link Pasted#recovered()}. Such errors
     * lack part of their context, so a reader should trust their class less. Refused only when no DM error is in it.
     */
    public static Pasted readPasted(String text) {
        return guarded(() -> PastedText.read(text));
    }

    // ---- used by the clients ----

    static Map<String, DmSnapshot> parseOpenApiTaskListByTask(String json) {
        return guarded(() -> OpenApiJson.taskListByTask(JsonTree.parseObject(json, "DM reply")));
    }

    static List<String> parseOpenApiTaskNames(String json) {
        return guarded(() -> OpenApiJson.taskNames(JsonTree.parseObject(json, "DM reply")));
    }

    /** The live OpenAPI spec ({@code GET /api/v1/dm.json}): which generation of the API it describes. */
    static OpenApiSupport parseOpenApiSpec(String json) {
        return guarded(() -> {
            JsonNode root = JsonTree.parseObject(json, "OpenAPI spec");
            JsonNode paths = JsonTree.object(root.get("paths"), "spec.paths");
            if (paths.has(OpenApiSupport.V6_MARKER)) {
                return OpenApiSupport.V6;
            }
            if (paths.has(OpenApiSupport.V5_MARKER)) {
                return OpenApiSupport.V5;
            }
            // neither marker: a DM newer than this code; v6's routes are the ones every later version kept
            return OpenApiSupport.V6;
        });
    }

    static String parseGatewayConfig(String json) {
        return guarded(() -> GatewayJson.config(JsonTree.parseObject(json, "DM reply")));
    }

    static void checkGatewayOperation(String json, List<String> secrets) {
        guarded(() -> {
            GatewayJson.operation(JsonTree.parseObject(json, "DM reply"), secrets);
            return null;
        });
    }

    /**
     * {@code StartTaskResponse}: {@code result: false} is a refusal (its {@code msg}, or the precheck's
     * {@code checkResult} when {@code msg} is empty, dm-facts §1.2); with {@code result: true} the task exists, and
     * what each source reports about its subtask is status, not a refusal.
     */
    static void checkGatewayStart(String json, List<String> secrets) {
        guarded(() -> {
            GatewayJson.started(JsonTree.parseObject(json, "DM reply"), secrets);
            return null;
        });
    }

    // ---- shared helpers ----

    static DmErrorReplyException errorReply(String dmMessage) {
        return errorReply(dmMessage, List.of());
    }

    static DmErrorReplyException errorReply(String dmMessage, List<String> secrets) {
        String text = SafeText.oneLine(dmMessage, secrets);
        if (text.isEmpty()) {
            return new DmErrorReplyException(0, "", "DM-master replied result: false without a message");
        }
        return new DmErrorReplyException(SafeText.codeIn(dmMessage), text, "DM-master replied with an error: " + text);
    }

    static String nullIfEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static <T> T guarded(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (DmMasterException e) {
            throw e;
        } catch (RuntimeException e) {
            // a safety net: a reader bug must still surface as "could not read the reply", not as a crash
            throw new DmBadReplyException("DM reply could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
