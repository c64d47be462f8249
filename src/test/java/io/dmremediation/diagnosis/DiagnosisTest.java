package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosisTest {

    private static final DmError INVALID = Dm.terror(Dm.INVALID_CONN_V75);
    private static final DmError INVALID_BEGIN = Dm.pe(10007, "database", "not-set",
            "execute statement failed: begin", "invalid connection");
    private static final DmError BAD = Dm.pe(10006, "database", "not-set", "execute statement failed: commit",
            "driver: bad connection");
    private static final DmError DDL_FAILED = Dm.pe(36061, "sync-unit", "internal",
            "fail to handle ddl job for `db`.`t`", "");

    private static DmSnapshot subtasks(Subtask... s) {
        return new DmSnapshot(List.of(s), List.of(), List.of(), List.of());
    }

    @Test
    void emptySnapshotHasNoFindings() {
        assertThat(Diagnosis.diagnose(DmSnapshot.EMPTY)).isEmpty();
        assertThat(Diagnosis.diagnose(new DmSnapshot(null, null, null, null))).isEmpty();
    }

    @Test
    void healthyRunningSubtaskIsNoFinding() {
        assertThat(Diagnosis.diagnose(subtasks(Dm.subtask("orders", "src-1", Stage.RUNNING, Unit.SYNC)))).isEmpty();
    }

    @Test
    void humanPauseIsNoFinding() {
        Subtask paused = new Subtask("orders", "src-1", "w1", Stage.PAUSED, Unit.SYNC, true, List.of(), null);
        assertThat(Diagnosis.diagnose(subtasks(paused))).isEmpty();
    }

    @Test
    void humanPauseWithErrorsIsReportedButUnknown() {
        Subtask paused = new Subtask("orders", "src-1", "w1", Stage.PAUSED, Unit.SYNC, true, List.of(INVALID), null);
        List<Finding> f = Diagnosis.diagnose(subtasks(paused));
        assertThat(f).hasSize(1);
        assertThat(f.get(0).errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(f.get(0).remedy()).isEqualTo(Remedy.NONE);
        assertThat(f.get(0).reason()).contains("paused by a person").contains("invalid-connection");
        assertThat(f.get(0).evidence()).containsExactly(INVALID);
    }

    @Test
    void pausedSubtaskWithTheFaqErrorCarriesEverything() {
        List<Finding> f = Diagnosis.diagnose(subtasks(Dm.paused("orders", "src-1", Unit.SYNC, INVALID)));
        assertThat(f).hasSize(1);
        Finding x = f.get(0);
        assertThat(x.task()).isEqualTo("orders");
        assertThat(x.source()).isEqualTo("src-1");
        assertThat(x.worker()).isEqualTo("worker-src-1");
        assertThat(x.unit()).isEqualTo(Unit.SYNC);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.INVALID_CONNECTION);
        assertThat(x.remedy()).isEqualTo(Remedy.RESTART_TASK);
        assertThat(x.primary()).isEqualTo(INVALID);
        assertThat(x.reason()).startsWith("Code 10006").endsWith(".").doesNotContain("\n");
    }

    @Test
    void severalErrorsOfOneFaqClassKeepTheClassAndAllEvidence() {
        Finding x = Diagnosis.diagnose(subtasks(Dm.paused("orders", "src-1", Unit.SYNC, INVALID, INVALID_BEGIN)))
                .get(0);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.INVALID_CONNECTION);
        assertThat(x.evidence()).containsExactly(INVALID, INVALID_BEGIN);
        assertThat(x.reason()).contains("all 2 errors are the same FAQ error");
    }

    @Test
    void faqErrorBesideAnUnknownErrorIsUnknownAndNamesIt() {
        Finding x = Diagnosis.diagnose(subtasks(Dm.paused("orders", "src-1", Unit.SYNC, INVALID, DDL_FAILED))).get(0);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        // the error that made it unknown comes first, the rest keep DM's order
        assertThat(x.evidence()).containsExactly(DDL_FAILED, INVALID);
        assertThat(x.reason()).contains("invalid-connection").contains("36061").contains("fail to handle ddl job");
    }

    @Test
    void faqErrorBesideALookAlikeIsUnknown() {
        DmError dup = Dm.pe(10006, "database", "not-set", "execute statement failed: INSERT INTO `db`.`t` VALUES (?)",
                "Error 1062 (23000): Duplicate entry '5' for key 't.PRIMARY'");
        Finding x = Diagnosis.diagnose(subtasks(Dm.paused("orders", "src-1", Unit.SYNC, INVALID, dup))).get(0);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(x.primary()).isEqualTo(dup);
        assertThat(x.reason()).contains("duplicate");
    }

    @Test
    void errorsOfTwoFaqClassesAreUnknown() {
        Finding x = Diagnosis.diagnose(subtasks(Dm.paused("orders", "src-1", Unit.SYNC, BAD, INVALID))).get(0);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(x.evidence()).containsExactly(BAD, INVALID);
        assertThat(x.reason()).contains("bad-connection").contains("invalid-connection").contains("2 different FAQ classes");

        Finding y = Diagnosis.diagnose(subtasks(Dm.paused("orders", "src-1", Unit.SYNC,
                Dm.parseRelay11038(Dm.CHECKSUM), Dm.duplicate30029()))).get(0);
        assertThat(y.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(y.reason()).contains("syncer-binlog-overflow").contains("relay-binlog-overflow");
    }

    @Test
    void relayWithErrorsIsARelayFinding() {
        Relay r = Dm.relay("src-1", Stage.PAUSED, Dm.tcpReader30015(Dm.MYSQL_TRUNCATED));
        List<Finding> f = Diagnosis.diagnose(new DmSnapshot(List.of(), List.of(r), List.of(), List.of()));
        assertThat(f).hasSize(1);
        Finding x = f.get(0);
        assertThat(x.task()).isNull();
        assertThat(x.source()).isEqualTo("src-1");
        assertThat(x.worker()).isEqualTo("worker-src-1");
        assertThat(x.unit()).isEqualTo(Unit.RELAY);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.RELAY_BINLOG_OVERFLOW);
        assertThat(x.remedy()).isEqualTo(Remedy.FIX_RELAY_META);
        assertThat(x.reason()).contains("30015").contains("binlog truncated");
    }

    @Test
    void pausedRelayWithoutErrorsIsNoFinding() {
        Relay r = Dm.relay("src-1", Stage.PAUSED);
        assertThat(Diagnosis.diagnose(new DmSnapshot(List.of(), List.of(r), List.of(), List.of()))).isEmpty();
    }

    @Test
    void relayLookAlikeIsUnknown() {
        Relay r = Dm.relay("src-1", Stage.PAUSED, Dm.tcpReader30015(Dm.MYSQL_PURGED));
        Finding x = Diagnosis.diagnose(new DmSnapshot(List.of(), List.of(r), List.of(), List.of())).get(0);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(x.reason()).contains("purged");
    }

    @Test
    void sourceLevelErrorsAndQueryFailuresAreUnknown() {
        SourceState withErrors = new SourceState("src-2", "w2", List.of(INVALID, DDL_FAILED), null);
        SourceState unreachable = new SourceState("src-1", "w1", List.of(), "[code=38008:class=dm-master:scope=internal:"
                + "level=high], Message: grpc request error, RawCause: rpc error: code = Unavailable");
        List<Finding> f = Diagnosis.diagnose(new DmSnapshot(List.of(), List.of(), List.of(withErrors, unreachable),
                List.of()));
        assertThat(f).hasSize(2);
        Finding q = f.get(0);
        assertThat(q.source()).isEqualTo("src-1");
        assertThat(q.task()).isNull();
        assertThat(q.worker()).isEqualTo("w1");
        assertThat(q.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(q.evidence()).isEmpty();
        assertThat(q.primary()).isNull();
        assertThat(q.reason()).contains("could not query worker w1").contains("38008");
        Finding s = f.get(1);
        assertThat(s.source()).isEqualTo("src-2");
        assertThat(s.task()).isNull();
        assertThat(s.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(s.evidence()).containsExactly(INVALID, DDL_FAILED);
        assertThat(s.reason()).contains("source-level").contains("1 more");
    }

    @Test
    void orderIsByTaskThenSourceWithRelaysAndSourcesAfter() {
        DmSnapshot snap = new DmSnapshot(
                List.of(Dm.paused("zeta", "src-1", Unit.SYNC, INVALID),
                        Dm.paused("alpha", "src-2", Unit.SYNC, Dm.parseRelay11038(Dm.CHECKSUM)),
                        Dm.subtask("alpha", "src-3", Stage.RUNNING, Unit.SYNC),
                        Dm.paused("alpha", "src-1", Unit.SYNC, BAD)),
                List.of(Dm.relay("src-2", Stage.PAUSED, Dm.duplicate30029()),
                        Dm.relay("src-1", Stage.PAUSED, Dm.tcpReader30015(Dm.CHECKSUM))),
                List.of(new SourceState("src-0", "w0", List.of(), "worker-client not found")),
                List.of());
        List<Finding> f = Diagnosis.diagnose(snap);
        assertThat(f).extracting(Finding::task, Finding::source).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alpha", "src-1"),
                org.assertj.core.groups.Tuple.tuple("alpha", "src-2"),
                org.assertj.core.groups.Tuple.tuple("zeta", "src-1"),
                org.assertj.core.groups.Tuple.tuple(null, "src-1"),
                org.assertj.core.groups.Tuple.tuple(null, "src-2"),
                org.assertj.core.groups.Tuple.tuple(null, "src-0"));
        assertThat(f).extracting(Finding::errorClass).containsExactly(ErrorClass.BAD_CONNECTION,
                ErrorClass.SYNCER_BINLOG_OVERFLOW, ErrorClass.INVALID_CONNECTION, ErrorClass.RELAY_BINLOG_OVERFLOW,
                ErrorClass.RELAY_BINLOG_OVERFLOW, ErrorClass.UNKNOWN);
        // a pure function: same input, same output
        assertThat(Diagnosis.diagnose(snap)).isEqualTo(f);
    }

    @Test
    void relayAndSyncerOverflowOnOneSourceGiveTwoFindings() {
        DmSnapshot snap = new DmSnapshot(
                List.of(Dm.paused("orders", "src-1", Unit.SYNC, Dm.posTooBig11106())),
                List.of(Dm.relay("src-1", Stage.PAUSED, Dm.duplicate30029())), List.of(), List.of());
        assertThat(Diagnosis.diagnose(snap)).extracting(Finding::unit, Finding::errorClass).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Unit.SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
                org.assertj.core.groups.Tuple.tuple(Unit.RELAY, ErrorClass.RELAY_BINLOG_OVERFLOW));
    }

    @Test
    void overflowSignatureInTheLoadUnitIsUnknown() {
        Finding x = Diagnosis.diagnose(subtasks(Dm.paused("orders", "src-1", Unit.LOAD,
                Dm.parseRelay11038(Dm.CHECKSUM)))).get(0);
        assertThat(x.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(x.unit()).isEqualTo(Unit.LOAD);
    }

    @Test
    void theRealPausedSampleIsAForeignKeyLookAlike() throws IOException {
        // dmctl v8.5.4 query-status: Sync unit Paused with 10006, RawCause Error 1451 (dm-facts §3.4)
        String json = Files.readString(RealErrorStringsTest.SAMPLES.resolve(
                "dmctl-query-status-task-paused-sync-db-error-10006.json"));
        Map<String, String> f = RealErrorStringsTest.jsonFields(json);
        DmError e = new DmError(Integer.parseInt(f.get("ErrCode")), f.get("ErrClass"), f.get("ErrScope"),
                f.get("ErrLevel"), f.get("Message"), f.get("RawCause"), f.get("Workaround"));
        assertThat(e.code()).isEqualTo(10006);
        assertThat(e.rawCause()).startsWith("Error 1451");
        Subtask st = new Subtask(f.get("name"), f.get("source"), f.get("worker"), Stage.parse(f.get("stage")),
                Unit.parse(f.get("unit")), false, List.of(e), null);
        List<Finding> findings = Diagnosis.diagnose(subtasks(st));
        assertThat(findings).hasSize(1);
        assertThat(findings.get(0)).extracting(Finding::task, Finding::source, Finding::worker, Finding::unit,
                Finding::errorClass).containsExactly("fk-lab", "src-01", "dm-worker-0", Unit.SYNC, ErrorClass.UNKNOWN);
        assertThat(findings.get(0).reason()).contains("foreign-key");
    }

    @Test
    void theRealRunningSampleHasNoFinding() throws IOException {
        String json = Files.readString(RealErrorStringsTest.SAMPLES.resolve("dmctl-query-status-task-running-sync.json"));
        Map<String, String> f = RealErrorStringsTest.jsonFields(json);
        assertThat(json).contains("\"result\": null");
        Subtask st = new Subtask(f.get("name"), f.get("source"), f.get("worker"), Stage.parse(f.get("stage")),
                Unit.parse(f.get("unit")), false, List.of(), null);
        assertThat(st.stage()).isEqualTo(Stage.RUNNING);
        assertThat(Diagnosis.diagnose(subtasks(st))).isEmpty();
    }
}
