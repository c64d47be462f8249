package io.dmremediation.badinput;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.dm.Samples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the fuzzers start from: every real DM output in the shared {@code dm-samples} folder, plus the shapes the
 * folder has no real sample of (OpenAPI task status with a v6.2+ {@code error_msg}, task lists, gateway replies with
 * relay errors and a failed worker query, members, workers, source status), built the way the existing tests build
 * them: from a real sample's values and DM's documented format (dm-facts §2.3, §3, §4).
 */
final class Seeds {

    static final ObjectMapper JSON = new ObjectMapper();

    private Seeds() {
    }

    static ObjectNode tree(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file of the samples folder, by name: the JSON ones and the error-strings text. */
    static Map<String, String> realSamples() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Samples.dir())) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") || n.endsWith(".txt"))
                    .sorted()
                    .forEach(n -> out.put(n, Samples.read(n)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.size() < 5) {
            throw new IllegalStateException("expected the five real samples in " + Samples.dir() + ", found " + out.keySet());
        }
        return out;
    }

    /** The verbatim error strings of real-error-strings.txt, one per entry (annotations dropped). */
    static List<String> realErrorLines() {
        List<String> lines = new ArrayList<>();
        for (String line : Samples.read(Samples.ERROR_STRINGS).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    /** v6.2+ error_msg: one terror string per ProcessError, joined with "\n", a trailing "\n" (dm-facts §2.3). */
    static final String ERROR_MSG_V62 = "[code=10006:class=database:scope=not-set:level=high], Message: execute "
            + "statement failed: begin, RawCause: invalid connection.\n"
            + "[code=11106:class=functional:scope=internal:level=high], Message: the given relay log pos "
            + "(mysql-bin.000003, 5000) of meta config is too big, please check it again, Workaround: If the size of "
            + "the corresponding binlog file has exceeded 4GB, please follow the solution in the FAQ.\n";

    /** An OpenAPI SubTaskStatus (gen.types.go:501-549) with the values of the real dmctl samples. */
    static ObjectNode openApiSubTask(String stage, String unit, String errorMsg, String binlogType) {
        ObjectNode st = JSON.createObjectNode()
                .put("name", "fk-lab").put("source_name", "src-01").put("worker_name", "dm-worker-0")
                .put("stage", stage).put("unit", unit).put("unresolved_ddl_lock_id", "");
        ObjectNode sync = st.putObject("sync_status")
                .put("total_events", 13).put("total_tps", 0).put("recent_tps", 0)
                .put("master_binlog", "(binlog.000002, 5946)").put("master_binlog_gtid", "")
                .put("syncer_binlog", "(binlog.000002, 4965)").put("syncer_binlog_gtid", "")
                .put("synced", false).put("binlog_type", binlogType).put("seconds_behind_master", 0);
        sync.putArray("blocking_ddls");
        sync.putArray("unresolved_groups");
        if (errorMsg != null) {
            st.put("error_msg", errorMsg);
        }
        return st;
    }

    static String openApiStatus(ObjectNode... entries) {
        ObjectNode root = JSON.createObjectNode().put("total", entries.length);
        ArrayNode data = root.putArray("data");
        for (ObjectNode e : entries) {
            data.add(e);
        }
        return root.toPrettyString();
    }

    /** GET /api/v1/tasks?with_status=true: Task objects with a status_list. */
    static String openApiTaskList() {
        ObjectNode root = JSON.createObjectNode().put("total", 2);
        ArrayNode data = root.putArray("data");
        ObjectNode t1 = data.addObject().put("name", "fk-lab").put("task_mode", "incremental");
        t1.putArray("status_list").add(openApiSubTask("Paused", "Sync", ERROR_MSG_V62, "remote"));
        ObjectNode t2 = data.addObject().put("name", "orders").put("task_mode", "all");
        ObjectNode running = openApiSubTask("Running", "Sync", null, "local");
        running.put("name", "orders");
        t2.putArray("status_list").add(running);
        return root.toPrettyString();
    }

    /** The paused sample with a relay paused on the FAQ's relay error and a syncer overflow error beside it. */
    static String gatewayWithRelayErrors() {
        ObjectNode reply = tree(Samples.read(Samples.PAUSED_10006));
        ObjectNode entry = (ObjectNode) reply.withArray("sources").get(0);
        ObjectNode status = (ObjectNode) entry.get("sourceStatus");
        ObjectNode relay = status.putObject("relayStatus")
                .put("masterBinlog", "(mysql-bin.004452, 1204)").put("masterBinlogGtid", "")
                .put("relaySubDir", "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001")
                .put("relayBinlog", "(mysql-bin.004451, 4)").put("relayBinlogGtid", "")
                .put("relayCatchUpMaster", false).put("stage", "Paused");
        ObjectNode relayResult = relay.putObject("result").put("isCanceled", false);
        relayResult.putArray("errors").addObject()
                .put("ErrCode", 30015).put("ErrClass", "relay-unit").put("ErrScope", "upstream").put("ErrLevel", "high")
                .put("Message", "TCPReader get relay event with error")
                .put("RawCause", "ERROR 1236 (HY000): binlog truncated in the middle of event; consider out of disk space on master")
                .put("Workaround", "");
        relayResult.putNull("detail");
        ObjectNode sub = (ObjectNode) entry.withArray("subTaskStatus").get(0);
        ObjectNode err = (ObjectNode) sub.get("result").withArray("errors").get(0);
        List<String> real = realErrorLines();
        err.put("ErrCode", 11038).put("ErrClass", "functional").put("ErrScope", "internal")
                .put("Message", real.get(3)).put("RawCause", "").put("Workaround", "");
        return reply.toPrettyString();
    }

    /** Two sources: the second worker could not be asked (result false, a terror msg, sourceStatus null). */
    static String gatewayWithFailedWorkerQuery() {
        ObjectNode reply = tree(Samples.read(Samples.RUNNING));
        ObjectNode failed = reply.withArray("sources").addObject()
                .put("result", false)
                .put("msg", "[code=38008:class=dm-master:scope=internal:level=high], Message: grpc request error, "
                        + "RawCause: rpc error: code = Unavailable desc = connection error");
        failed.putNull("sourceStatus");
        failed.putArray("subTaskStatus");
        return reply.toPrettyString();
    }

    static String gatewayMembers() {
        return "{\"result\": true, \"msg\": \"\", \"members\": ["
                + "{\"leader\": {\"msg\": \"\", \"name\": \"dm-master-0\", \"addr\": \"10.0.0.2:8261\"}},"
                + "{\"worker\": {\"msg\": \"\", \"workers\": [{\"name\": \"dm-worker-0\", \"addr\": \"10.0.0.5:8262\", "
                + "\"stage\": \"bound\", \"source\": \"src-01\"}, {\"name\": \"dm-worker-1\", \"addr\": \"10.0.0.6:8262\", "
                + "\"stage\": \"offline\", \"source\": \"\"}]}}]}";
    }

    static String openApiWorkers() {
        return "{\"total\": 2, \"data\": [{\"name\": \"dm-worker-0\", \"addr\": \"10.0.0.5:8262\", "
                + "\"bound_stage\": \"bound\", \"bound_source_name\": \"src-01\"}, {\"name\": \"dm-worker-1\", "
                + "\"addr\": \"10.0.0.6:8262\", \"bound_stage\": \"free\", \"bound_source_name\": \"\"}]}";
    }

    static String openApiSourceStatus() {
        return "{\"total\": 2, \"data\": [{\"source_name\": \"src-01\", \"worker_name\": \"dm-worker-0\", "
                + "\"relay_status\": {\"master_binlog\": \"(mysql-bin.004452, 1204)\", \"master_binlog_gtid\": \"\", "
                + "\"relay_dir\": \"53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001\", \"relay_binlog_gtid\": \"\", "
                + "\"relay_catch_up_master\": false, \"stage\": \"Paused\"}}, "
                + "{\"source_name\": \"src-01\", \"worker_name\": \"dm-worker-1\", \"relay_status\": null}]}";
    }

    /**
     * Every seed the parser fuzzers start from, by name: the real samples (JSON and text) and the built shapes. Each
     * parser is fed every seed; a seed of another shape is a realistic kind of bad input in itself (an OpenAPI reply
     * given to the gateway parser, a pasted text given to a JSON parser).
     */
    static Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>(realSamples());
        out.put("built:openapi-status-v6.2-error_msg", openApiStatus(
                openApiSubTask("Paused", "Sync", ERROR_MSG_V62, "remote"),
                openApiSubTask("", "", "[code=38029:class=dm-master:scope=internal:level=high], Message: relevant "
                        + "worker-client not found", "remote")));
        out.put("built:openapi-status-v6.0-bare-lines", openApiStatus(openApiSubTask("Paused", "Sync",
                "execute statement failed: begin\nparse relay log file bin.000018: binlog checksum mismatch, data may "
                        + "be corrupted\n", "local")));
        out.put("built:openapi-task-list", openApiTaskList());
        out.put("built:gateway-relay-errors", gatewayWithRelayErrors());
        out.put("built:gateway-failed-worker-query", gatewayWithFailedWorkerQuery());
        out.put("built:gateway-members", gatewayMembers());
        out.put("built:openapi-workers", openApiWorkers());
        out.put("built:openapi-source-status", openApiSourceStatus());
        out.put("built:error-lines", String.join("\n", realErrorLines()));
        return out;
    }
}
