package io.dmremediation.dm;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Canned DM-master replies for the client tests, each shaped after the DM source named in its comment, and filled
 * from the real samples where one exists.
 */
final class DmReplies {

    private DmReplies() {
    }

    /** The live spec of v6+: has {@code /api/v1/tasks/{task-name}/start} (dm.yaml l.639). */
    static String specV6() {
        return "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"DM OpenAPI Spec\", \"version\": \"1.0.0\"}, \"paths\": {"
                + "\"/api/v1/tasks\": {}, \"/api/v1/tasks/{task-name}/status\": {}, "
                + "\"/api/v1/tasks/{task-name}/start\": {}, \"/api/v1/tasks/{task-name}/stop\": {}, "
                + "\"/api/v1/sources/{source-name}/relay/enable\": {}, \"/api/v1/sources/{source-name}/relay/disable\": {}}}";
    }

    /** The live spec of v5.3/5.4: pause/resume and start-relay/stop-relay (dm.yaml@v5.3.0, dm-facts §2.4). */
    static String specV5() {
        return "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"DM OpenAPI Spec\", \"version\": \"1.0.0\"}, \"paths\": {"
                + "\"/api/v1/tasks\": {}, \"/api/v1/tasks/{task-name}/status\": {}, "
                + "\"/api/v1/tasks/{task-name}/pause\": {}, \"/api/v1/tasks/{task-name}/resume\": {}, "
                + "\"/api/v1/sources/{source-name}/start-relay\": {}, \"/api/v1/sources/{source-name}/stop-relay\": {}}}";
    }

    /** A real dmctl sample, renamed to this task (QueryStatusListResponse, dmmaster.proto:179-188). */
    static String gatewayStatus(String sample, String task) {
        ObjectNode reply = Samples.tree(sample);
        ((ObjectNode) reply.withArray("sources").get(0).withArray("subTaskStatus").get(0)).put("name", task);
        return reply.toString();
    }

    /**
     * QueryStatus without a task name ({@code GET /apis/v1alpha1/status/}): one entry for {@code source} listing a
     * subtask per task, each from the real sample given beside its name ({@code task, sample, task, sample, ...}).
     */
    static String gatewayStatusAll(String source, String... taskAndSample) {
        ObjectNode reply = Samples.tree(taskAndSample[1]);
        ObjectNode entry = (ObjectNode) reply.withArray("sources").get(0);
        ((ObjectNode) entry.get("sourceStatus")).put("source", source);
        com.fasterxml.jackson.databind.node.ArrayNode subs = entry.putArray("subTaskStatus");
        for (int i = 0; i < taskAndSample.length; i += 2) {
            ObjectNode st = (ObjectNode) Samples.tree(taskAndSample[i + 1]).withArray("sources").get(0)
                    .withArray("subTaskStatus").get(0);
            subs.add(st.put("name", taskAndSample[i]));
        }
        return reply.toString();
    }

    /** grpc-gateway's answer when DM-master's own answer is over gRPC's bound: 429, ResourceExhausted (8). */
    static String gatewayTooLarge() {
        return "{\"code\": 8, \"message\": \"grpc: received message larger than max (5242880 vs. 4194304)\", "
                + "\"details\": []}";
    }

    /** QueryStatus for an unknown task (extractSources, dm/master/server.go). */
    static String gatewayTaskNotFound(String task) {
        return "{\"result\": false, \"msg\": \"task " + task + " has no source or not exist, please check the task "
                + "name and status\", \"sources\": []}";
    }

    /** A SubTaskStatus inside a with_status task list; the values of the real samples. */
    static String openApiTask(String task, String stage, String errorMsg) {
        return "{\"name\": \"" + task + "\", \"task_mode\": \"incremental\", \"status_list\": [{\"name\": \"" + task
                + "\", \"source_name\": \"src-01\", \"worker_name\": \"dm-worker-0\", \"stage\": \"" + stage
                + "\", \"unit\": \"Sync\", \"sync_status\": {\"total_events\": 41, \"master_binlog\": "
                + "\"(binlog.000002, 10047)\", \"syncer_binlog\": \"(binlog.000002, 10047)\", \"synced\": true, "
                + "\"binlog_type\": \"remote\"}" + (errorMsg == null ? "" : ", \"error_msg\": \"" + errorMsg + "\"") + "}]}";
    }

    static String openApiList(String... tasks) {
        return "{\"total\": " + tasks.length + ", \"data\": [" + String.join(",", tasks) + "]}";
    }

    /** OperateTaskResponse{op, result, msg, sources[CommonWorkerResponse]} (dmmaster.proto). */
    static String operateOk(String op) {
        return "{\"op\": \"" + op + "\", \"result\": true, \"msg\": \"\", \"sources\": [{\"result\": true, "
                + "\"msg\": \"\", \"source\": \"src-01\", \"worker\": \"dm-worker-0\"}]}";
    }

    /** ErrMasterInvalidOperateOp "invalid op %s on %s", code 38041 (dm/pkg/terror/error_list.go), result false. */
    static String operateInvalidOp(String op) {
        return "{\"op\": \"" + op + "\", \"result\": false, \"msg\": \"[code=38041:class=dm-master:scope=internal:"
                + "level=medium], Message: invalid op " + op + " on task\", \"sources\": []}";
    }

    /**
     * grpc-gateway v1's error body for a request it cannot decode: HTTP 400, InvalidArgument (3), the golang/protobuf
     * jsonpb message for an enum value the proto does not have (DM v5.x TaskOp has no Delete).
     */
    static String gatewayUnknownEnum(String op) {
        // as real DM sends it (docs/real-dm-checks.md): no "error" key
        String m = "unknown value \\\"" + op + "\\\" for enum pb.TaskOp";
        return "{\"code\": 3, \"message\": \"" + m + "\", \"details\": []}";
    }

    /** StartTaskResponse{result, msg, sources, checkResult} (dmmaster.proto). */
    static String startOk() {
        return "{\"result\": true, \"msg\": \"\", \"sources\": [{\"result\": true, \"msg\": \"\", \"source\": "
                + "\"src-01\", \"worker\": \"dm-worker-0\"}], \"checkResult\": \"\"}";
    }

    /** ErrSchedulerSubTaskExist, 46014 (dm-facts §4, §8). */
    static String startExists(String task) {
        return "{\"result\": false, \"msg\": \"[code=46014:class=scheduler:scope=internal:level=medium], Message: "
                + "subtasks with name " + task + " for sources [src-01] already exist, Workaround: Please use "
                + "`query-status` command to see tasks.\", \"sources\": [], \"checkResult\": \"\"}";
    }

    /** GetCfgResponse{result, msg, cfg} (dmmaster.proto; GetCfg in dm/master/server.go). */
    static String config(String yaml) {
        return Samples.JSON.createObjectNode().put("result", true).put("msg", "").put("cfg", yaml).toString();
    }

    static String configNotFound(String what) {
        return "{\"result\": false, \"msg\": \"" + what + " not found\", \"cfg\": \"\"}";
    }

    /** OpenAPI error (terrorHTTPErrorHandler, dm/master/openapi_view.go:958-975). */
    static String openApiError(int code, String msg) {
        return Samples.JSON.createObjectNode().put("error_msg", msg).put("error_code", code).toString();
    }
}
