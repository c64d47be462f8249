package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.dm.DmMaster;
import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.SyncProgress;
import io.dmremediation.domain.Unit;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the relay detour: which tasks it touches, how each relay mode is stopped, whose downstream. */
class RelayDetourPlanTest {

    static final String S = "mysql-02";
    static final String BIG = "mysql-bin.000004";
    static final DmError OVERFLOW = new DmError(36069, "sync-unit", "upstream", "high",
            "get binlog event error: ERROR 1236 (HY000): binlog truncated in the middle of event", "", "");

    static Subtask sync(String task, String source, Stage stage, boolean canceled, String file, DmError... errors) {
        // DM prints the syncer's file with its relay sub-directory suffix when it reads relay
        BinlogLocation at = file == null ? null : new BinlogLocation("mysql-bin|000001." + file.substring(10), 4);
        return new Subtask(task, source, "basic-dm-worker-1", stage, Unit.SYNC, canceled, List.of(errors),
                new SyncProgress(null, at, "", "", 0, false, "local"));
    }

    @Test
    void runningTasksReadTheFileTasksPausedByAnErrorAreHeldTheRestIsLeftAlone() {
        RelayDetourPlan plan = RelayDetourPlan.of(S, BIG, List.of(
                sync("reader", S, Stage.RUNNING, false, "mysql-bin.000004"),
                sync("failed", S, Stage.PAUSED, false, "mysql-bin.000003", OVERFLOW),
                sync("pastFile", S, Stage.PAUSED, false, "mysql-bin.000005", OVERFLOW),
                sync("pastByPerson", S, Stage.PAUSED, true, "mysql-bin.000005"),
                sync("done", S, Stage.FINISHED, false, "mysql-bin.000002"),
                new Subtask("loading", S, "w", Stage.RUNNING, Unit.LOAD, false, List.of(), null),
                sync("otherSource", "mysql-01", Stage.RUNNING, false, "mysql-bin.000001")));
        assertThat(plan.refusal()).isEmpty();
        assertThat(plan.readers()).containsExactly("reader");
        assertThat(plan.held()).containsExactly("failed");
        // each task's stage on the source is recorded before anything is stopped
        assertThat(plan.stages()).containsEntry("reader", "Running").containsEntry("failed", "Paused (error)")
                .containsEntry("pastByPerson", "Paused (by a person)").containsEntry("done", "Finished")
                .doesNotContainKey("otherSource");
    }

    @Test
    void aPersonsPauseThatStillNeedsTheFileIsARefusalNotAStop() {
        RelayDetourPlan plan = RelayDetourPlan.of(S, BIG, List.of(
                sync("reader", S, Stage.RUNNING, false, "mysql-bin.000004"),
                sync("mine", S, Stage.PAUSED, true, "mysql-bin.000004")));
        assertThat(plan.refusal()).hasValueSatisfying(r -> assertThat(r)
                .contains("task mine was paused by a person").contains("does not stop and start"));
        assertThat(plan.held()).doesNotContain("mine");
    }

    @Test
    void aHeldTaskPausedByAPersonOnAnotherSourceIsARefusal() {
        RelayDetourPlan plan = RelayDetourPlan.of(S, BIG, List.of(
                sync("both", S, Stage.PAUSED, false, "mysql-bin.000004", OVERFLOW),
                sync("both", "mysql-01", Stage.PAUSED, true, "mysql-bin.000009")));
        assertThat(plan.refusal()).hasValueSatisfying(r -> assertThat(r)
                .contains("a person paused it on source mysql-01"));
    }

    @Test
    void aPassingStageOrAPauseWithoutErrorThatNeedsTheFileWaits() {
        assertThat(RelayDetourPlan.of(S, BIG, List.of(sync("t", S, Stage.RESUMING, false, "mysql-bin.000003")))
                .refusal()).hasValueSatisfying(r -> assertThat(r).contains("FixRelayMeta runs once it settles"));
        assertThat(RelayDetourPlan.of(S, BIG, List.of(sync("t", S, Stage.PAUSED, false, "mysql-bin.000003")))
                .refusal()).hasValueSatisfying(r -> assertThat(r).contains("paused without an error"));
        // an unknown position counts as needing the file
        assertThat(RelayDetourPlan.needsFile(sync("t", S, Stage.PAUSED, false, null), BIG)).isTrue();
    }

    // ---- RelayControl: the call each relay mode takes (dm-facts §7.1) -----------------------------------------

    static Relay relay(String worker, Stage stage) {
        return new Relay(S, worker, stage, "", null, "", null, false, List.of());
    }

    @Test
    void anEnableRelaySourceIsStoppedAndStartedWithTheEmptyListAndANamedOneByItsWorkers() {
        List<String> calls = new ArrayList<>();
        DmMaster dm = (DmMaster) Proxy.newProxyInstance(DmMaster.class.getClassLoader(), new Class<?>[] {DmMaster.class},
                (p, m, args) -> {
                    calls.add(m.getName() + " " + args[1] + (args.length > 2 ? " " + args[2] : ""));
                    return null;
                });
        RelayControl byConfig = RelayControl.of("source-id: mysql-02\nenable-relay: true\n",
                List.of(relay("basic-dm-worker-1", Stage.RUNNING))).orElseThrow();
        byConfig.stop(dm, S);
        byConfig.start(dm, S);
        byConfig.startFrom(dm, S, "mysql-bin.000005");
        RelayControl named = RelayControl.of("source-id: mysql-02\nenable-relay: false\n",
                List.of(relay("basic-dm-worker-1", Stage.PAUSED))).orElseThrow();
        named.stop(dm, S);
        named.start(dm, S);
        assertThat(calls).containsExactly("disableRelay []", "enableRelay []", "enableRelayFrom [] mysql-bin.000005",
                "disableRelay [basic-dm-worker-1]", "enableRelay [basic-dm-worker-1]");
        assertThat(RelayControl.recorded(named.mode(), named.namedWorkers())).isEqualTo(named);
        assertThat(RelayControl.recorded(byConfig.mode(), List.of())).isEqualTo(byConfig);
    }

    @Test
    void offAndOnLookOnlyAtTheRelaysTheControlOwns() {
        RelayControl named = new RelayControl(false, List.of("w1"));
        assertThat(named.off(List.of(relay("w2", Stage.RUNNING)))).isTrue();
        assertThat(named.off(List.of(relay("w1", Stage.PAUSED)))).isFalse();
        assertThat(named.on(List.of(relay("w1", Stage.PAUSED)))).isTrue();
        RelayControl byConfig = new RelayControl(true, List.of());
        assertThat(byConfig.off(List.of())).isTrue();
        assertThat(byConfig.on(List.of(relay("spare", Stage.RUNNING)))).as("the relay follows the source").isTrue();
        // no relay at all and no enable-relay: nothing to stop
        assertThat(RelayControl.of("enable-relay: false\n", List.of())).isEmpty();
    }

    // ---- DownstreamMatch ---------------------------------------------------------------------------------------

    @Test
    void aTaskWritingToAnotherDownstreamThanTheSecretsIsNamedWithoutAPassword() {
        DownstreamMatch.Endpoint secret = new DownstreamMatch.Endpoint("tidb.dm", "4000", "dm");
        String same = "name: crm\ntarget-database:\n  host: TIDB.dm\n  user: dm\n  password: '******'\n";
        assertThat(DownstreamMatch.mismatch("crm", same, secret, "downstream")).isEmpty();
        String other = "name: crm\ntarget-database:\n  host: tidb.other\n  port: 4000\n  user: dm\n  password: '******'\n";
        assertThat(DownstreamMatch.mismatch("crm", other, secret, "downstream")).hasValueSatisfying(m -> assertThat(m)
                .contains("dm@tidb.other:4000").contains("of Secret downstream").doesNotContain("******"));
        String otherUser = "name: crm\ntarget-database:\n  host: tidb.dm\n  port: 4000\n  user: root\n";
        assertThat(DownstreamMatch.mismatch("crm", otherUser, secret, "downstream")).isPresent();
    }
}
