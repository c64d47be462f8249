package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.conditionIs;
import static io.dmremediation.operator.OperatorTestSupport.eventually;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.sandbox.DmWorkerPods;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.StandInKubelet;
import io.dmremediation.sandbox.dmmaster.Fault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Faults of DM-master, the Kubernetes API, the Jobs and the downstream, each during a remediation. */
class FaultsSurvivedTest {

    static final String S1 = SandboxWorld.SOURCE_1;
    static final String S2 = SandboxWorld.SOURCE_2;
    SandboxWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    /** Runs {@code action} once, right after the given step did its work (the operator carries on). */
    static StepGate after(String step, BiConsumer<ActiveRemediation, String> action) {
        AtomicBoolean done = new AtomicBoolean();
        return (a, s) -> {
            if (s.equals(step) && done.compareAndSet(false, true)) {
                action.accept(a, s);
            }
        };
    }

    void startWorld(StepGate gate, String task, String source) {
        world = SandboxWorld.builder().dmRequestTimeout(Duration.ofSeconds(1)).build();
        world.startOperator(o -> o.withStepGate(gate));
        guardHealthy(world, world.remediation("guard", task), task, source);
    }

    HistoryEntry awaitOutcome() {
        awaitStatus(world, "guard", s -> s.active == null && s.history.stream().anyMatch(h -> !"Planned".equals(h.outcome)));
        return status(world, "guard").history.stream().filter(h -> h.action.startsWith("Fix") || h.action.equals("RestartTask"))
                .findFirst().orElseThrow();
    }

    @Test
    void aDmMasterLeaderChangeMidPlaybookIsWaitedOut() {
        // the election lasts until the test ends it, so a slow machine cannot see it over before it looks
        startWorld(after("StopTask", (a, s) -> world.dm().replyFault(Fault.notLeader())), "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        // while there is no leader the playbook holds at its step and says so
        awaitStatus(world, "guard", s -> s.active != null && s.active.message != null
                && s.active.message.startsWith("waiting for DM-master") && conditionIs(s, "Degraded", "True"));
        world.dm().clearFaults();
        HistoryEntry h = awaitOutcome();
        assertThat(h.outcome).as(h.detail).isEqualTo("Succeeded");
        assertThat(world.dm().stopCount("orders")).isEqualTo(1);
        assertThat(world.dm().subtaskStage("orders", S1)).isEqualTo("Running");
        awaitStatus(world, "guard", s -> conditionIs(s, "Degraded", "False"));
    }

    @Test
    void dmErrorRepliesAndTruncatedJsonGiveDegradedNoActionAndRecovery() throws Exception {
        world = SandboxWorld.builder().build();
        world.startOperator();
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);
        int round = 0;
        for (Fault fault : List.of(Fault.dmError(), Fault.truncated())) {
            round++;
            world.dm().replyFault(fault);
            world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
            awaitStatus(world, "guard", s -> "Degraded".equals(s.phase));
            Thread.sleep(3000);
            assertThat(world.dm().stopCount("orders")).as(fault + ": no action while DM-master misbehaves")
                    .isEqualTo(round - 1);
            world.dm().clearFaults();
            int expected = round;
            awaitStatus(world, "guard", s -> s.history.size() == expected && s.active == null
                    && "Healthy".equals(s.phase));
            assertThat(world.dm().stopCount("orders")).isEqualTo(round);
        }
    }

    @Test
    void updateConflictsOnTheResourceDoNotRepeatAStep() {
        // another writer changes the resource while a step runs: the operator's next status write conflicts
        startWorld(after("StopTask", (a, s) -> world.client().resources(DMRemediation.class)
                .inNamespace(SandboxWorld.NAMESPACE).withName("guard").edit(r -> {
                    r.getMetadata().getLabels().put("touched-by", "someone-else");
                    return r;
                })), "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        HistoryEntry h = awaitOutcome();
        assertThat(h.outcome).as(h.detail).isEqualTo("Succeeded");
        assertThat(world.dm().stopCount("orders")).isEqualTo(1);
        assertThat(world.get("guard").getMetadata().getLabels()).containsEntry("touched-by", "someone-else");
    }

    @Test
    void aDeletedFixJobIsCreatedAgainAndTheFixRunsOnce() {
        world = SandboxWorld.builder().build();
        world.kubelet().behave("dmr-fix-checkpoint-", StandInKubelet.Behaviour.HANG);
        world.startOperator();
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        // active: the kubelet has admitted the Job as hanging, so switching to RUN below cannot make this one run
        eventually().until(() -> world.client().batch().v1().jobs().inNamespace(SandboxWorld.NAMESPACE).list()
                .getItems().stream().anyMatch(j -> j.getMetadata().getName().startsWith("dmr-fix-checkpoint-")
                        && j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getActive())));
        // someone deletes the hanging Job; the next one runs
        world.kubelet().behave("dmr-fix-checkpoint-", StandInKubelet.Behaviour.RUN);
        world.client().batch().v1().jobs().inNamespace(SandboxWorld.NAMESPACE).list().getItems().stream()
                .filter(j -> j.getMetadata().getName().startsWith("dmr-fix-checkpoint-"))
                .forEach(j -> world.client().resource(j).delete());
        HistoryEntry h = awaitOutcome();
        assertThat(h.outcome).as(h.detail).isEqualTo("Succeeded");
        assertThat(world.kubelet().runs().stream().filter(r -> r.job().startsWith("dmr-fix-checkpoint-")))
                .as("the re-created Job ran the fixer once").hasSize(1);
    }

    @Test
    void aDeletedSavedConfigSecretIsNotLostWhileTheTaskIsStopped() {
        startWorld(after("VerifyStopped", (a, s) -> world.client().secrets().inNamespace(SandboxWorld.NAMESPACE)
                .withName(ConfigVault.secretName(a.id)).delete()), "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        HistoryEntry h = awaitOutcome();
        assertThat(h.outcome).as(h.detail).isEqualTo("Succeeded");
        assertThat(world.dm().taskExists("orders")).isTrue();
        assertThat(world.dm().taskConfig("orders")).doesNotContain("******");
    }

    @Test
    void aResourceDeletedMidPlaybookDoesNotLeaveItsTaskStopped() {
        world = SandboxWorld.builder().build();
        world.startOperator();
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);
        // hold the playbook after its stop: start-task fails until the resource is gone
        world.dm().replyFault(Fault.http500(), "POST", "/apis/v1alpha1/tasks");
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        awaitStatus(world, "guard", s -> s.active != null && "StartTask".equals(s.active.step));
        assertThat(world.dm().taskExists("orders")).isFalse();
        world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE).withName("guard").delete();
        world.dm().clearFaults();
        eventually().until(() -> world.get("guard") == null);
        assertThat(world.dm().taskExists("orders")).as("the clean-up started the task again").isTrue();
        assertThat(world.dm().taskConfig("orders")).doesNotContain("******");
    }

    @Test
    void aWorkerPodDeletedWhileTheRelayIsOffMovesTheSourceToTheSpareAndTheFixStillCompletes() {
        String pod = DmWorkerPods.podName(SandboxWorld.CLUSTER, 1);
        String spare = DmWorkerPods.podName(SandboxWorld.CLUSTER, 2);
        // deleted once the reader is past the big file and before the relay is on again: a worker restarted while
        // its syncer is inside a file past 4 GiB fails to resume there (FixSyncerCheckpoint's case, dm-facts §9)
        startWorld(after("RelayOn", (a, s) -> {
            String uid = world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).get().getMetadata().getUid();
            world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).delete();
            eventually().until(() -> {
                var p = world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).get();
                return p != null && !uid.equals(p.getMetadata().getUid());
            });
        }), "crm", S2);
        world.dm().injectRelayOverflow(S2, world.dm().nextBinlogFile(S2));
        HistoryEntry h = awaitOutcome();
        assertThat(h.outcome).as(h.detail).isEqualTo("Succeeded");
        // DM-master bound the source to the free worker at once (dm-facts §7.4); its relay runs there, in its dir
        assertThat(world.dm().boundWorker(S2)).isEqualTo(spare);
        assertThat(world.dm().relayStage(S2)).isEqualTo("Running");
        assertThat(world.dm().relayErrors(S2)).isEmpty();
        assertThat(world.dm().sourceEnableRelay(S2)).isTrue();
        assertThat(world.dm().workerStage(pod)).isEqualTo("free");
        eventually().until(() -> world.dm().synced("crm", S2));
    }

    @Test
    void theDownstreamGoneDuringTheCheckpointFixLeavesTheTaskAsDmHadIt() {
        // after the checks passed and the task was stopped, the downstream stops answering
        startWorld(after("VerifyStopped", (a, s) -> world.client().secrets().inNamespace(SandboxWorld.NAMESPACE)
                .withName(SandboxWorld.DOWNSTREAM_SECRET).edit(x -> {
                    x.getStringData().put("port", "9");
                    return x;
                })), "orders", S1);
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        awaitStatus(world, "guard", s -> "Escalated".equals(s.phase));
        DMRemediationStatus s = status(world, "guard");
        HistoryEntry failed = s.history.stream().filter(h -> "Failed".equals(h.outcome)).findFirst().orElseThrow();
        assertThat(failed.detail).contains("cannot connect").contains("started again with its original config");
        assertThat(world.dm().taskExists("orders")).isTrue();
        assertThat(world.dm().taskSafeMode("orders", S1)).isFalse();
    }
}
