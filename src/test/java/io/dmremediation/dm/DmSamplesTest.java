package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.SyncProgress;
import io.dmremediation.domain.Unit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every real DM output in {@code shared/dm-samples}, read with concrete values asserted. */
class DmSamplesTest {

    @Test
    void everyJsonSampleIsCoveredHere() {
        // a sample added to the folder must get its own test in this class
        assertThat(Samples.jsonFiles()).containsExactlyInAnyOrderElementsOf(Set.of(
                Samples.PAUSED_10006, Samples.RUNNING, Samples.SUMMARY, Samples.OPENAPI_TASK));
    }

    @Test
    void pausedSyncUnitWithDbError10006() {
        DmSnapshot s = DmStatusJson.parseQueryStatus(Samples.read(Samples.PAUSED_10006));

        assertThat(s.subtasks()).hasSize(1);
        Subtask t = s.subtasks().get(0);
        assertThat(t.task()).isEqualTo("fk-lab");
        assertThat(t.source()).isEqualTo("src-01");
        assertThat(t.worker()).isEqualTo("dm-worker-0");
        assertThat(t.stage()).isEqualTo(Stage.PAUSED);
        assertThat(t.unit()).isEqualTo(Unit.SYNC);
        assertThat(t.canceled()).isFalse();

        assertThat(t.errors()).hasSize(1);
        DmError e = t.errors().get(0);
        assertThat(e.code()).isEqualTo(10006);
        assertThat(e.errClass()).isEqualTo("database");
        assertThat(e.scope()).isEqualTo("not-set");
        assertThat(e.level()).isEqualTo("high");
        assertThat(e.message()).startsWith("startLocation: [position: (binlog.000002, 5194)")
                .endsWith("execute statement failed: DELETE FROM `fk_lab`.`parent` WHERE `id` = ? LIMIT 1");
        assertThat(e.rawCause()).startsWith("Error 1451 (23000): Cannot delete or update a parent row")
                .contains("CONSTRAINT `fk_res` FOREIGN KEY (`parent_id`)");
        assertThat(e.workaround()).isEmpty();

        SyncProgress p = t.sync();
        assertThat(p.masterBinlog()).isEqualTo(new BinlogLocation("binlog.000002", 5946));
        assertThat(p.syncerBinlog()).isEqualTo(new BinlogLocation("binlog.000002", 4965));
        assertThat(p.totalEvents()).isEqualTo(13);
        assertThat(p.synced()).isFalse();
        assertThat(p.binlogType()).isEqualTo("remote");
        assertThat(p.masterBinlogGtid()).isEmpty();

        assertThat(s.relays()).isEmpty(); // "relayStatus": null
        assertThat(s.sources()).containsExactly(new SourceState("src-01", "dm-worker-0", List.of(), null));
        assertThat(s.workers()).isEmpty();
    }

    @Test
    void runningSyncUnitWithNullResult() {
        DmSnapshot s = DmStatusJson.parseQueryStatus(Samples.read(Samples.RUNNING));

        Subtask t = s.subtasks().get(0);
        assertThat(t.stage()).isEqualTo(Stage.RUNNING);
        assertThat(t.unit()).isEqualTo(Unit.SYNC);
        assertThat(t.errors()).isEmpty(); // "result": null
        assertThat(t.canceled()).isFalse();
        assertThat(t.sync().synced()).isTrue();
        assertThat(t.sync().totalEvents()).isEqualTo(41);
        assertThat(t.sync().masterBinlog()).isEqualTo(new BinlogLocation("binlog.000002", 10047));
        assertThat(t.sync().syncerBinlog()).isEqualTo(t.sync().masterBinlog());
        assertThat(t.sync().syncerBinlogGtid()).isEqualTo("00000000-0000-0000-0000-000000000000:0");
    }

    @Test
    void summaryWithoutTaskName() {
        DmSnapshot s = DmStatusJson.parseQueryStatus(Samples.read(Samples.SUMMARY));

        assertThat(s.subtasks()).extracting(Subtask::task, Subtask::source, Subtask::stage).containsExactly(
                tuple("test", "mysql-replica-01", Stage.RUNNING),
                tuple("test", "mysql-replica-02", Stage.RUNNING),
                tuple("test2", "mysql-replica-01", Stage.PAUSED),
                tuple("test2", "mysql-replica-02", Stage.PAUSED));
        assertThat(s.subtasks()).allSatisfy(t -> {
            assertThat(t.unit()).isEqualTo(Unit.UNKNOWN);
            assertThat(t.worker()).isNull();
            assertThat(t.errors()).isEmpty(); // "Paused" without "Error - ": paused by a person
        });
    }

    @Test
    void summaryErrorStatusBecomesAPausedSubtaskThatPointsToTheFullQuery() {
        // query_status.go (wrapTaskResult) writes this text when a subtask is Paused with errors (dm-facts §3.3)
        ObjectNode reply = Samples.tree(Samples.SUMMARY);
        String text = "Error - Some error occurred in subtask. Please run `query-status test2` to get more details.";
        ((ObjectNode) reply.withArray("tasks").get(1)).put("taskStatus", text);

        DmSnapshot s = DmStatusJson.parseQueryStatus(reply.toString());

        assertThat(s.subtasksOf("test2")).hasSize(2).allSatisfy(t -> {
            assertThat(t.stage()).isEqualTo(Stage.PAUSED);
            assertThat(t.errors()).containsExactly(DmError.ofText(text));
        });
        assertThat(s.subtasksOf("test")).allSatisfy(t -> assertThat(t.errors()).isEmpty());
    }

    @Test
    void openApiTaskObjectInATaskListGivesNoSubtasks() {
        // the fixture is an OpenAPI Task without status_list, as GET /api/v1/tasks lists it
        String list = "{\"total\": 1, \"data\": [" + Samples.read(Samples.OPENAPI_TASK) + "]}";

        assertThat(DmStatusJson.parseOpenApiTaskList(list)).isEqualTo(DmSnapshot.EMPTY);
        assertThat(DmStatusJson.parseOpenApiTaskListByTask(list)).containsOnlyKeys("test");
        assertThat(DmStatusJson.parseOpenApiTaskNames(list)).containsExactly("test");
        assertThat(DmStatusJson.parseAny(list)).isEqualTo(DmSnapshot.EMPTY);
    }

    @Test
    void aBrokenTaskListNeverShowsTheTargetPassword() {
        ObjectNode task = Samples.tree(Samples.OPENAPI_TASK);
        task.putObject("status_list"); // wrong type: an object where DM sends an array
        String list = "{\"total\": 1, \"data\": [" + task + "]}";

        assertThatThrownBy(() -> DmStatusJson.parseOpenApiTaskList(list))
                .isInstanceOf(DmBadReplyException.class)
                .hasMessageContaining("data[0].status_list")
                .hasMessageNotContaining("123456");
    }

    @Test
    void pastedDmctlOutputWithTiupBannerAndColourCode() {
        // the sample was trimmed of a tiup banner line and an ANSI reset (SOURCES.md); parseAny takes them back
        String pasted = "Starting component `dmctl`: dmctl --master-addr 127.0.0.1:8261 query-status fk-lab\n\u001B[0m" + Samples.read(Samples.PAUSED_10006);

        assertThat(DmStatusJson.parseAny(pasted)).isEqualTo(DmStatusJson.parseQueryStatus(Samples.read(Samples.PAUSED_10006)));
    }

    @Test
    void everyQueryStatusSampleReadsTheSameThroughParseAny() {
        for (String name : List.of(Samples.PAUSED_10006, Samples.RUNNING, Samples.SUMMARY)) {
            assertThat(DmStatusJson.parseAny(Samples.read(name))).as(name)
                    .isEqualTo(DmStatusJson.parseQueryStatus(Samples.read(name)));
        }
    }

    @Test
    void realErrorStringsFileAsOnePaste() {
        DmSnapshot s = DmStatusJson.parseAny(Samples.read(Samples.ERROR_STRINGS));

        // six error lines and one ProcessError fragment; '#' annotation lines and blank lines skipped
        assertThat(s.subtasks()).hasSize(7).allSatisfy(t -> {
            assertThat(t.task()).isNull();
            assertThat(t.source()).isNull();
            assertThat(t.worker()).isNull();
            assertThat(t.stage()).isEqualTo(Stage.UNKNOWN);
            assertThat(t.unit()).isEqualTo(Unit.UNKNOWN);
            assertThat(t.errors()).hasSize(1);
        });
        List<DmError> e = s.subtasks().stream().map(t -> t.errors().get(0)).toList();
        assertThat(e).extracting(DmError::code).containsExactly(10006, 10003, 30015, 0, 0, 11038, 10006);

        assertThat(e.get(0).message()).isEqualTo("execute statement failed: begin");
        assertThat(e.get(0).rawCause()).isEqualTo("invalid connection");
        assertThat(e.get(1).scope()).isEqualTo("downstream");
        assertThat(e.get(1).message()).isEqualTo("database driver: invalid connection");
        assertThat(e.get(2).errClass()).isEqualTo("relay-unit");
        assertThat(e.get(2).message()).endsWith("ERROR 1236 (HY000): Could not open log file");
        assertThat(e.get(3).message()).endsWith("binlog checksum mismatch, data may be corrupted");
        assertThat(e.get(4).message()).endsWith("get event err EOF, need 1567488104 but got 316323");
        assertThat(e.get(5).errClass()).isEqualTo("functional");
        assertThat(e.get(5).message()).endsWith("binlog checksum mismatch, data may be corrupted");

        DmError fragment = e.get(6);
        assertThat(fragment.errClass()).isEqualTo("database");
        assertThat(fragment.scope()).isEqualTo("not-set");
        assertThat(fragment.level()).isEqualTo("high");
        assertThat(fragment.message()).startsWith("startLocation: [position: (mysql-bin.000029, 971322922)")
                .endsWith("execute statement failed: begin");
        assertThat(fragment.rawCause()).isEqualTo("sql: connection is already closed");
        assertThat(fragment.workaround()).isEmpty();
    }

    @Test
    void theFragmentAloneAndAsAnObject() {
        String all = Samples.read(Samples.ERROR_STRINGS);
        String fragment = all.substring(all.indexOf("\"ErrCode\""));

        DmError fromLines = DmStatusJson.parseAny(fragment).subtasks().get(0).errors().get(0);
        DmError fromObject = DmStatusJson.parseAny("{\n" + fragment + "\n}").subtasks().get(0).errors().get(0);

        assertThat(fromLines.code()).isEqualTo(10006);
        assertThat(fromLines.rawCause()).isEqualTo("sql: connection is already closed");
        assertThat(fromObject).isEqualTo(fromLines);
    }
}
