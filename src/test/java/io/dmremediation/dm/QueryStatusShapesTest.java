package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import org.junit.jupiter.api.Test;

/**
 * Gateway / dmctl query-status shapes that the samples folder has no real output of, each built from a real sample
 * ({@link Samples#PAUSED_10006}, {@link Samples#RUNNING}) by changing only what the cited DM source says differs.
 */
class QueryStatusShapesTest {

    /** A ProcessError as unit.NewProcessError fills it (pingcap/tiflow:dm/unit/unit.go:75-97). */
    static ObjectNode processError(int code, String errClass, String scope, String message, String rawCause) {
        return Samples.JSON.createObjectNode().put("ErrCode", code).put("ErrClass", errClass).put("ErrScope", scope)
                .put("ErrLevel", "high").put("Message", message).put("RawCause", rawCause).put("Workaround", "");
    }

    /** ProcessResult{isCanceled, errors, detail} (dmworker.proto ProcessResult). */
    static ObjectNode result(boolean canceled, ObjectNode... errors) {
        ObjectNode r = Samples.JSON.createObjectNode().put("isCanceled", canceled);
        ArrayNode list = r.putArray("errors");
        for (ObjectNode e : errors) {
            list.add(e);
        }
        r.putNull("detail");
        return r;
    }

    private static ObjectNode firstSource(ObjectNode reply) {
        return (ObjectNode) reply.withArray("sources").get(0);
    }

    private static ObjectNode firstSubtask(ObjectNode reply) {
        return (ObjectNode) firstSource(reply).withArray("subTaskStatus").get(0);
    }

    @Test
    void relayErrorUnderSourceStatusRelayStatus() {
        // RelayStatus (dmworker.proto:184): relay paused on an upstream ERROR 1236, errors under relayStatus.result
        // (dm-facts §3.2); relaySubDir is "<uuid>.<suffix>" (dm-facts §7). The subtask keeps running.
        ObjectNode reply = Samples.tree(Samples.RUNNING);
        ObjectNode relay = ((ObjectNode) firstSource(reply).get("sourceStatus")).putObject("relayStatus");
        relay.put("masterBinlog", "(mysql-bin.004452, 1204)").put("masterBinlogGtid", "")
                .put("relaySubDir", "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001")
                .put("relayBinlog", "(mysql-bin.004451, 2453)").put("relayBinlogGtid", "")
                .put("relayCatchUpMaster", false).put("stage", "Paused");
        relay.set("result", result(false, processError(30015, "relay-unit", "upstream",
                "TCPReader get relay event with error",
                "ERROR 1236 (HY000): binlog truncated in the middle of event; consider out of disk space on master")));

        DmSnapshot s = DmStatusJson.parseQueryStatus(reply.toString());

        assertThat(s.relays()).hasSize(1);
        Relay r = s.relayOf("src-01").orElseThrow();
        assertThat(r.worker()).isEqualTo("dm-worker-0");
        assertThat(r.stage()).isEqualTo(Stage.PAUSED);
        assertThat(r.relaySubDir()).isEqualTo("53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001");
        assertThat(r.relayBinlog()).isEqualTo(new BinlogLocation("mysql-bin.004451", 2453));
        assertThat(r.masterBinlog()).isEqualTo(new BinlogLocation("mysql-bin.004452", 1204));
        assertThat(r.catchUpMaster()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo(30015);
            assertThat(e.errClass()).isEqualTo("relay-unit");
            assertThat(e.rawCause()).startsWith("ERROR 1236 (HY000)");
        });
        assertThat(s.subtasks().get(0).stage()).isEqualTo(Stage.RUNNING);
        assertThat(s.subtasks().get(0).errors()).isEmpty();
    }

    @Test
    void sourceLevelErrorsUnderSourceStatusResult() {
        // SourceStatus.result (dmworker.proto:176), dm-facts §3.2 "source-level errors"
        ObjectNode reply = Samples.tree(Samples.RUNNING);
        ((ObjectNode) firstSource(reply).get("sourceStatus")).set("result", result(false,
                processError(10001, "database", "upstream", "database driver error", "dial tcp 10.0.0.7:3306: i/o timeout")));

        DmSnapshot s = DmStatusJson.parseQueryStatus(reply.toString());

        assertThat(s.sources()).singleElement().satisfies(src -> {
            assertThat(src.source()).isEqualTo("src-01");
            assertThat(src.queryError()).isNull();
            assertThat(src.errors()).extracting(DmError::code).containsExactly(10001);
            assertThat(src.errors().get(0).rawCause()).isEqualTo("dial tcp 10.0.0.7:3306: i/o timeout");
        });
    }

    @Test
    void unreachableWorkerIsASourceWithQueryError() {
        // getStatusFromWorkers' handleErr (dm/master/server.go:1130-1215): result false, msg = err.Error(),
        // sourceStatus{source, worker if known}, no subtasks. 38029 = ErrMasterWorkerArgsExtractor (dm-facts §2.3).
        ObjectNode reply = Samples.tree(Samples.RUNNING);
        String msg = "[code=38029:class=dm-master:scope=internal:level=high], Message: src-02 relevant worker-client not found";
        ObjectNode failed = reply.withArray("sources").addObject().put("result", false).put("msg", msg);
        failed.putObject("sourceStatus").put("source", "src-02").put("worker", "").putNull("result").putNull("relayStatus");
        failed.putArray("subTaskStatus");

        DmSnapshot s = DmStatusJson.parseQueryStatus(reply.toString());

        assertThat(s.sources()).containsExactly(
                new SourceState("src-01", "dm-worker-0", java.util.List.of(), null),
                new SourceState("src-02", null, java.util.List.of(), msg));
        assertThat(s.subtasks()).extracting(Subtask::source).containsExactly("src-01");
    }

    @Test
    void aPauseByAPersonIsCanceledWithoutErrors() {
        // ProcessResult.isCanceled: "when Stop or Pause is requested from external" (dmworker.proto ProcessResult)
        ObjectNode reply = Samples.tree(Samples.RUNNING);
        firstSubtask(reply).put("stage", "Paused").set("result", result(true));

        Subtask t = DmStatusJson.parseQueryStatus(reply.toString()).subtasks().get(0);

        assertThat(t.stage()).isEqualTo(Stage.PAUSED);
        assertThat(t.canceled()).isTrue();
        assertThat(t.errors()).isEmpty();
    }

    @Test
    void twoSourcesEachWithItsOwnWorker() {
        ObjectNode reply = Samples.tree(Samples.PAUSED_10006);
        ObjectNode second = firstSource(Samples.tree(Samples.RUNNING)).deepCopy();
        ((ObjectNode) second.get("sourceStatus")).put("source", "src-02").put("worker", "dm-worker-1");
        reply.withArray("sources").add(second);

        DmSnapshot s = DmStatusJson.parseQueryStatus(reply.toString());

        assertThat(s.subtasks()).extracting(Subtask::source, Subtask::worker, Subtask::stage).containsExactly(
                tuple("src-01", "dm-worker-0", Stage.PAUSED),
                tuple("src-02", "dm-worker-1", Stage.RUNNING));
        assertThat(s.subtasksOnSource("src-02")).hasSize(1);
    }

    @Test
    void int64AsStringsOrNumbersAndNullLocations() {
        // jsonpb prints int64 as strings (dm-facts §3.1); a number is accepted too. Empty positions (a sync unit that
        // has not read anything yet) give no location.
        ObjectNode reply = Samples.tree(Samples.RUNNING);
        ObjectNode sync = (ObjectNode) firstSubtask(reply).get("sync");
        sync.put("totalEvents", "9223372036854775807").put("masterBinlog", "").put("syncerBinlog", "");

        Subtask t = DmStatusJson.parseQueryStatus(reply.toString()).subtasks().get(0);
        assertThat(t.sync().totalEvents()).isEqualTo(Long.MAX_VALUE);
        assertThat(t.sync().masterBinlog()).isNull();
        assertThat(t.sync().syncerBinlog()).isNull();

        sync.put("totalEvents", 41);
        assertThat(DmStatusJson.parseQueryStatus(reply.toString()).subtasks().get(0).sync().totalEvents()).isEqualTo(41);
    }

    @Test
    void relaySuffixedSyncerBinlogIsKeptAsDmPrintsIt() {
        // syncer_binlog may carry the relay sub-dir suffix when reading relay (dm-facts §2.3, §6)
        ObjectNode reply = Samples.tree(Samples.RUNNING);
        ((ObjectNode) firstSubtask(reply).get("sync")).put("syncerBinlog", "(mysql-bin|000001.004451, 2453)")
                .put("binlogType", "local");

        Subtask t = DmStatusJson.parseQueryStatus(reply.toString()).subtasks().get(0);

        assertThat(t.sync().syncerBinlog()).isEqualTo(new BinlogLocation("mysql-bin|000001.004451", 2453));
        assertThat(t.sync().syncerBinlog().plainFile()).isEqualTo("mysql-bin.004451");
        assertThat(t.sync().binlogType()).isEqualTo("local");
    }

    @Test
    void loadUnitHasNoSyncProgressAndStagesReadInAnyCase() {
        // SubTaskStatus oneof status (dmworker.proto:205): a Load unit reports "load", not "sync"
        ObjectNode reply = Samples.tree(Samples.RUNNING);
        ObjectNode st = firstSubtask(reply);
        st.remove("sync");
        st.put("unit", "load").put("stage", "running");
        st.putObject("load").put("finishedBytes", "1024").put("totalBytes", "4096").put("progress", "25.00 %");

        Subtask t = DmStatusJson.parseQueryStatus(reply.toString()).subtasks().get(0);

        assertThat(t.unit()).isEqualTo(Unit.LOAD);
        assertThat(t.stage()).isEqualTo(Stage.RUNNING);
        assertThat(t.sync()).isNull();
    }

    @Test
    void unknownFieldsFromNewerDmAreIgnored() {
        ObjectNode reply = Samples.tree(Samples.PAUSED_10006);
        reply.put("newTopLevel", 1);
        firstSubtask(reply).putObject("validation").put("stage", "Running").put("processedRows", "7");
        ((ObjectNode) firstSubtask(reply).get("sync")).put("ioTotalBytes", "123456").put("dumpIOTotalBytes", "0");

        assertThat(DmStatusJson.parseQueryStatus(reply.toString()))
                .isEqualTo(DmStatusJson.parseQueryStatus(Samples.read(Samples.PAUSED_10006)));
    }

    @Test
    void topLevelResultFalseIsDmsErrorReply() {
        // QueryStatus for a task DM-master does not know: extractSources (dm/master/server.go) returns
        // result false + "task %s has no source or not exist, please check the task name and status"
        String reply = "{\"result\": false, \"msg\": \"task orders has no source or not exist, please check the task "
                + "name and status\", \"sources\": []}";

        assertThatThrownBy(() -> DmStatusJson.parseQueryStatus(reply))
                .isInstanceOfSatisfying(DmErrorReplyException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DmMasterException.Kind.ERROR_REPLY);
                    assertThat(e.code()).isZero();
                    assertThat(e.isTaskNotFound()).isTrue();
                    assertThat(e.isTaskAlreadyExists()).isFalse();
                    assertThat(e.dmMessage()).startsWith("task orders has no source or not exist");
                });
    }

    @Test
    void errorReplyCarriesTheTerrorCode() {
        String reply = "{\"result\": false, \"msg\": \"[code=38032:class=dm-master:scope=internal:level=high], "
                + "Message: request is not forwarded to leader\", \"sources\": []}";

        assertThatThrownBy(() -> DmStatusJson.parseQueryStatus(reply))
                .isInstanceOfSatisfying(DmErrorReplyException.class, e -> assertThat(e.code()).isEqualTo(38032));
    }
}
