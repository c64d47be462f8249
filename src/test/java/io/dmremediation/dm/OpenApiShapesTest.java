package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import io.dmremediation.domain.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OpenAPI replies in each DM version's shape. No real runtime sample with an error exists (dm-facts §3.4), so these
 * are built from the schema (SubTaskStatus, pingcap/tiflow:dm/openapi/gen.types.go:501-549, dm.yaml:1604) and the
 * error_msg format of getTaskStatus (dm/master/openapi_controller.go:537-659), with the values of the real
 * dmctl samples (task fk-lab, src-01, dm-worker-0, binlog.000002).
 */
class OpenApiShapesTest {

    private static final String SYNC_STATUS = "\"sync_status\": {\"total_events\": 13, \"total_tps\": 0, "
            + "\"recent_tps\": 0, \"master_binlog\": \"(binlog.000002, 5946)\", \"master_binlog_gtid\": \"\", "
            + "\"syncer_binlog\": \"(binlog.000002, 4965)\", \"syncer_binlog_gtid\": \"\", \"blocking_ddls\": [], "
            + "\"unresolved_groups\": [], \"synced\": false, \"binlog_type\": \"remote\", \"seconds_behind_master\": 0}";

    static String subTaskStatus(String stage, String unit, String errorMsgJson) {
        return "{\"name\": \"fk-lab\", \"source_name\": \"src-01\", \"worker_name\": \"dm-worker-0\", "
                + "\"stage\": \"" + stage + "\", \"unit\": \"" + unit + "\", \"unresolved_ddl_lock_id\": \"\", "
                + SYNC_STATUS + (errorMsgJson == null ? "" : ", \"error_msg\": " + errorMsgJson) + "}";
    }

    static String status(String... entries) {
        return "{\"total\": " + entries.length + ", \"data\": [" + String.join(",", entries) + "]}";
    }

    @Test
    void v53NoErrorMsg() {
        // dm.yaml@v5.3.0: SubTaskStatus has no error_msg; stage is a free string
        DmSnapshot s = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("Paused", "Sync", null)));

        Subtask t = s.subtasks().get(0);
        assertThat(t.task()).isEqualTo("fk-lab");
        assertThat(t.source()).isEqualTo("src-01");
        assertThat(t.worker()).isEqualTo("dm-worker-0");
        assertThat(t.stage()).isEqualTo(Stage.PAUSED);
        assertThat(t.unit()).isEqualTo(Unit.SYNC);
        assertThat(t.canceled()).isFalse();
        assertThat(t.errors()).isEmpty();
        assertThat(t.sync().masterBinlog()).isEqualTo(new BinlogLocation("binlog.000002", 5946));
        assertThat(t.sync().syncerBinlog()).isEqualTo(new BinlogLocation("binlog.000002", 4965));
        assertThat(t.sync().totalEvents()).isEqualTo(13);
        assertThat(t.sync().binlogType()).isEqualTo("remote");
        assertThat(s.sources()).containsExactly(new SourceState("src-01", "dm-worker-0", List.of(), null));
    }

    @Test
    void v60And61OneMessagePerLineWithoutCode() {
        // v6.0/v6.1 getTaskStatus: each ProcessError as Message + "\n"
        String msg = "\"execute statement failed: begin\\nparse relay log file bin.000018: binlog checksum mismatch, "
                + "data may be corrupted\\n\"";
        Subtask t = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("Paused", "Sync", msg))).subtasks().get(0);

        assertThat(t.errors()).containsExactly(
                DmError.ofText("execute statement failed: begin"),
                DmError.ofText("parse relay log file bin.000018: binlog checksum mismatch, data may be corrupted"));
    }

    @Test
    void v62TerrorLinesWithRawCauseAndWorkaround() {
        // v6.2+: "[code=%d:class=%s:scope=%s:level=%s], Message: %s" + ", RawCause: %s" + ", Workaround: %s" + "."
        // lines joined with "\n" (trailing "\n"); codes and texts from dm-facts §4 and real-error-strings.txt
        String msg = "\"[code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: "
                + "begin, RawCause: invalid connection.\\n[code=11106:class=functional:scope=internal:level=high], "
                + "Message: the given relay log pos (mysql-bin.000003, 5000) of meta config is too big, please check "
                + "it again, Workaround: If the size of the corresponding binlog file has exceeded 4GB, please follow "
                + "the solution in https://docs.pingcap.com/tidb-data-migration/stable/error-handling#the-relay-unit-"
                + "throws-error-event-from--in--diff-from-passed-in-event--or-a-replication-task-is-interrupted-with-"
                + "failing-to-get-or-parse-binlog-errors-like-get-binlog-error-error-1236-hy000-and-binlog-checksum-"
                + "mismatch-data-may-be-corrupted-returned.\\n\"";
        Subtask t = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("Paused", "Sync", msg))).subtasks().get(0);

        assertThat(t.errors()).hasSize(2);
        DmError first = t.errors().get(0);
        assertThat(first.code()).isEqualTo(10006);
        assertThat(first.errClass()).isEqualTo("database");
        assertThat(first.message()).isEqualTo("execute statement failed: begin");
        assertThat(first.rawCause()).isEqualTo("invalid connection");
        DmError second = t.errors().get(1);
        assertThat(second.code()).isEqualTo(11106);
        assertThat(second.message()).endsWith("of meta config is too big, please check it again");
        assertThat(second.rawCause()).isEmpty();
        assertThat(second.workaround()).startsWith("If the size of the corresponding binlog file has exceeded 4GB");
    }

    @Test
    void v62MessageWithANewlineStaysOneError() {
        // a failed DDL's SQL can span lines; only a line starting with the tag starts a new error
        String msg = "\"[code=36061:class=sync-unit:scope=internal:level=high], Message: fail to handle ddl job for "
                + "ALTER TABLE t\\n  ADD COLUMN c INT, RawCause: Error 1060: Duplicate column name 'c'.\\n\"";
        Subtask t = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("Paused", "Sync", msg))).subtasks().get(0);

        assertThat(t.errors()).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo(36061);
            assertThat(e.message()).isEqualTo("fail to handle ddl job for ALTER TABLE t\n  ADD COLUMN c INT");
            assertThat(e.rawCause()).isEqualTo("Error 1060: Duplicate column name 'c'");
        });
    }

    @Test
    void workerFailureIsASourceQueryErrorNotASubtask() {
        // getTaskStatus: when the worker query fails, error_msg = the raw QueryStatusResponse.msg, other fields empty
        String msg = "[code=38008:class=dm-master:scope=internal:level=high], Message: grpc request error, "
                + "RawCause: rpc error: code = Unavailable desc = connection error";
        String entry = "{\"name\": \"fk-lab\", \"source_name\": \"src-02\", \"worker_name\": \"\", \"stage\": \"\", "
                + "\"unit\": \"\", \"error_msg\": \"" + msg + "\"}";

        DmSnapshot s = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("Running", "Sync", null), entry));

        assertThat(s.subtasks()).extracting(Subtask::source).containsExactly("src-01");
        assertThat(s.sources()).contains(new SourceState("src-02", null, List.of(), msg));
    }

    @Test
    void lowerCaseStagesAndUnitsAsTheDocsPrintThem() {
        // pingcap/docs-dm:en/open-api.md shows "running"/"sync"; DM itself prints "Running"/"Sync" (dm-facts §2.3)
        Subtask lower = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("running", "sync", null))).subtasks().get(0);
        Subtask upper = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("Running", "Sync", null))).subtasks().get(0);

        assertThat(lower.stage()).isEqualTo(Stage.RUNNING);
        assertThat(lower.unit()).isEqualTo(Unit.SYNC);
        assertThat(lower).isEqualTo(upper);
    }

    @Test
    void unknownStageIsUnknownNeverHealthy() {
        Subtask t = DmStatusJson.parseOpenApiTaskStatus(status(subTaskStatus("Hibernating", "Sync", null))).subtasks().get(0);
        assertThat(t.stage()).isEqualTo(Stage.UNKNOWN);
    }

    @Test
    void taskListWithAndWithoutStatusList() {
        String list = "{\"total\": 2, \"data\": [{\"name\": \"fk-lab\", \"task_mode\": \"incremental\", \"status_list\": ["
                + subTaskStatus("Running", "Sync", null) + "]}, {\"name\": \"quiet\", \"task_mode\": \"all\"}]}";

        DmSnapshot s = DmStatusJson.parseOpenApiTaskList(list);

        assertThat(s.taskNames()).containsExactly("fk-lab");
        assertThat(DmStatusJson.parseOpenApiTaskListByTask(list)).containsOnlyKeys("fk-lab", "quiet");
        assertThat(DmStatusJson.parseOpenApiTaskListByTask(list).get("quiet")).isEqualTo(DmSnapshot.EMPTY);
        assertThat(DmStatusJson.parseOpenApiTaskNames(list)).containsExactly("fk-lab", "quiet");
    }

    @Test
    void openApiWorkers() {
        // GET /api/v1/cluster/workers (dm.yaml l.1203); bound_stage values from dm/master/scheduler/worker.go:63-66
        String reply = "{\"total\": 2, \"data\": [{\"name\": \"dm-worker-0\", \"addr\": \"10.0.0.5:8262\", "
                + "\"bound_stage\": \"bound\", \"bound_source_name\": \"src-01\"}, {\"name\": \"dm-worker-1\", "
                + "\"addr\": \"10.0.0.6:8262\", \"bound_stage\": \"free\", \"bound_source_name\": \"\"}]}";

        assertThat(DmStatusJson.parseOpenApiWorkers(reply)).containsExactly(
                new Worker("dm-worker-0", "10.0.0.5:8262", "bound", "src-01"),
                new Worker("dm-worker-1", "10.0.0.6:8262", "free", null));
    }

    @Test
    void gatewayMembersOnlyWorkers() {
        // ListMemberResponse{result,msg,members:[Members]}, Members a oneof leader|master|worker,
        // ListWorkerMember{msg, workers:[WorkerInfo{name,addr,stage,source}]} (dm/proto/dmmaster.proto)
        String reply = "{\"result\": true, \"msg\": \"\", \"members\": ["
                + "{\"leader\": {\"msg\": \"\", \"name\": \"dm-master-0\", \"addr\": \"10.0.0.2:8261\"}},"
                + "{\"master\": {\"msg\": \"\", \"masters\": [{\"name\": \"dm-master-0\", \"memberID\": \"1\", "
                + "\"alive\": true, \"peerURLs\": [], \"clientURLs\": []}]}},"
                + "{\"worker\": {\"msg\": \"\", \"workers\": [{\"name\": \"dm-worker-0\", \"addr\": \"10.0.0.5:8262\", "
                + "\"stage\": \"bound\", \"source\": \"src-01\"}, {\"name\": \"dm-worker-1\", \"addr\": \"10.0.0.6:8262\", "
                + "\"stage\": \"offline\", \"source\": \"\"}]}}]}";

        assertThat(DmStatusJson.parseGatewayMembers(reply)).containsExactly(
                new Worker("dm-worker-0", "10.0.0.5:8262", "bound", "src-01"),
                new Worker("dm-worker-1", "10.0.0.6:8262", "offline", null));
    }

    @Test
    void gatewayMembersResultFalse() {
        assertThatThrownBy(() -> DmStatusJson.parseGatewayMembers("{\"result\": false, \"msg\": \"fail to list member\", "
                + "\"members\": []}")).isInstanceOf(DmErrorReplyException.class).hasMessageContaining("fail to list member");
    }

    @Test
    void sourceStatusRelayOnAndOff() {
        // GET /api/v1/sources/{s}/status: SourceStatus{source_name, worker_name, relay_status, error_msg}
        // (dm.yaml l.187; openapi_controller.go:78-113); relay_dir is the relay sub-dir
        String reply = "{\"total\": 2, \"data\": [{\"source_name\": \"src-01\", \"worker_name\": \"dm-worker-0\", "
                + "\"relay_status\": {\"master_binlog\": \"(mysql-bin.004452, 1204)\", \"master_binlog_gtid\": \"\", "
                + "\"relay_dir\": \"53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001\", \"relay_binlog_gtid\": \"\", "
                + "\"relay_catch_up_master\": false, \"stage\": \"Paused\"}}, "
                + "{\"source_name\": \"src-01\", \"worker_name\": \"dm-worker-1\", \"relay_status\": null}]}";

        List<Relay> relays = DmStatusJson.parseOpenApiSourceStatus("src-01", reply);

        assertThat(relays).containsExactly(new Relay("src-01", "dm-worker-0", Stage.PAUSED,
                "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001", null, "",
                new BinlogLocation("mysql-bin.004452", 1204), false, List.of()));
    }
}
