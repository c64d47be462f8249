package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.condition;
import static io.dmremediation.operator.OperatorTestSupport.conditionIs;
import static io.dmremediation.operator.OperatorTestSupport.eventually;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static io.dmremediation.operator.OperatorTestSupport.reasons;
import static io.dmremediation.operator.OperatorTestSupport.row;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.StoppedTask;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.DownstreamSecret;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.StandInKubelet;
import io.dmremediation.sandbox.dmmaster.Fault;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The safety promises of the README played in the sandbox world, one acceptance test per promise (the fast layer's
 * {@link SafetyMatrixTest} plays every step against every fault): a task the operator stopped is never lost, a
 * deletion mid-playbook finishes what the playbook started, the downstream password goes only where the Secret allows,
 * one cluster has one limit however it is named, and only DM's own word proves a stop.
 */
class SafetyPromisesTest {

    static final String S1 = SandboxWorld.SOURCE_1;
    SandboxWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    /** A world whose operator guards task orders, healthy. */
    void guardOrders() {
        world = SandboxWorld.builder().build();
        world.startOperator();
        guardHealthy(world, resource("guard"), "orders", S1);
    }

    DMRemediation resource(String name) {
        DMRemediation r = world.remediation(name, "orders");
        r.getSpec().policies.badConnection.waitForAutoResume = "0s";
        return r;
    }

    @Test
    void aStartDmKeepsRefusingLeavesTheTaskStoppedLoudlyUntilAPersonStartsIt() throws Exception {
        guardOrders();
        // DM refuses every start-task (its precheck failing, say) once the operator has stopped the task
        world.dm().replyFault(Fault.dmError(), "POST", "/apis/v1alpha1/tasks");
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);

        awaitStatus(world, "guard", s -> !s.leftStopped.isEmpty());
        DMRemediationStatus s = status(world, "guard");
        StoppedTask left = s.leftStopped.get(0);
        assertThat(left.task).isEqualTo("orders");
        assertThat(world.dm().taskExists("orders")).isFalse();
        assertThat(s.phase).isEqualTo("Escalated");
        assertThat(conditionIs(s, "TaskLeftStopped", "True")).isTrue();
        assertThat(condition(s, "TaskLeftStopped").orElseThrow().getMessage()).contains("orders", left.configSecret);
        assertThat(row(s, "orders").leftStopped).isTrue();
        assertThat(row(s, "orders").configSecret).isEqualTo(left.configSecret);
        assertThat(reasons(world, "guard", "TaskLeftStopped")).isEqualTo(1);
        assertThat(s.history.get(0).outcome).isEqualTo("LeftStopped");
        Secret saved = world.client().secrets().inNamespace(SandboxWorld.NAMESPACE).withName(left.configSecret).get();
        String config = new String(Base64.getDecoder().decode(saved.getData().get(left.configKey)),
                StandardCharsets.UTF_8);
        assertThat(config).contains("name: orders").contains(world.downstreamPassword());

        // a person starts it from the saved config: the operator lets go of the record and of the Secret
        world.dm().clearFaults();
        world.dm().startTask(config);
        awaitStatus(world, "guard", x -> x.leftStopped.isEmpty());
        eventually().until(() -> world.client().secrets().inNamespace(SandboxWorld.NAMESPACE)
                .withName(left.configSecret).get() == null);
        assertThat(conditionIs(status(world, "guard"), "TaskLeftStopped", "False")).isTrue();
        assertThat(reasons(world, "guard", "TaskRunningAgain")).isEqualTo(1);
    }

    @Test
    void deletedWhileTheFixJobRunsNothingStartsUntilItEndsAndTheFixIsCarriedThrough() throws Exception {
        guardOrders();
        world.kubelet().behave("dmr-fix-checkpoint-", StandInKubelet.Behaviour.HANG);
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        awaitStatus(world, "guard", s -> s.active != null && "WaitFixJob".equals(s.active.step));

        int startsBefore = world.dm().startCount("orders");
        world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE).withName("guard").delete();
        Thread.sleep(3000);
        assertThat(world.dm().taskExists("orders")).as("nothing is started while the fix Job may still write")
                .isFalse();
        assertThat(world.get("guard")).as("the finalizer holds while the task is stopped").isNotNull();
        ActiveRemediation a = status(world, "guard").active;
        assertThat(a.windingDown).isTrue();

        world.kubelet().release("dmr-fix-checkpoint-");
        eventually().atMost(Duration.ofSeconds(90)).until(() -> world.get("guard") == null);
        assertThat(world.dm().taskExists("orders")).isTrue();
        assertThat(world.dm().taskSafeMode("orders", S1)).as("its own safe-mode is back").isFalse();
        assertThat(world.dm().startCount("orders") - startsBefore).as("safe-mode start, then the restore")
                .isEqualTo(2);
        assertThat(world.client().secrets().inNamespace(SandboxWorld.NAMESPACE)
                .withLabel(ConfigVault.LABEL_REMEDIATION).list().getItems()).as("no Secret with a password left")
                .isEmpty();
    }

    @Test
    void aFixWhoseOutcomeIsLostAfterItsCommitIsCarriedThroughInSafeModeNeverTheOriginalConfig() throws Exception {
        guardOrders();
        world.kubelet().behave("dmr-fix-checkpoint-", StandInKubelet.Behaviour.RUN_THEN_DIE);
        int startsBefore = world.dm().startCount("orders");
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");

        awaitStatus(world, "guard", s -> s.active == null && !s.history.isEmpty());
        DMRemediationStatus s = status(world, "guard");
        assertThat(s.history.get(0).outcome).as(s.history.get(0).detail).isEqualTo("Succeeded");
        assertThat(world.kubelet().runs().stream().map(StandInKubelet.Run::job))
                .anyMatch(j -> j.startsWith("dmr-inspect-checkpoint-"));
        assertThat(world.dm().startCount("orders") - startsBefore).as("safe mode first, then the restore")
                .isEqualTo(2);
        assertThat(world.dm().replaySkippedEvents("orders", S1)).as("nothing of the big file was skipped").isFalse();
        assertThat(world.dm().taskSafeMode("orders", S1)).isFalse();
    }

    @Test
    void anAddressNotTheNamespacesOwnGetsNoPasswordUntilTheSecretAllowsIt() throws Exception {
        world = SandboxWorld.builder().build();
        world.startOperator();
        DMRemediation r = resource("guard");
        r.getSpec().cluster.dmClusterRef = null;
        r.getSpec().cluster.masterAddress = SandboxWorld.MASTER_URL;
        r.getSpec().cluster.workerSelector = new LabelSelector(null, Map.of("app.kubernetes.io/instance",
                SandboxWorld.CLUSTER));
        guardHealthy(world, r, "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);

        awaitStatus(world, "guard", s -> row(s, "orders").decision != null
                && row(s, "orders").decision.startsWith("Skip"));
        Thread.sleep(2000);
        assertThat(row(status(world, "guard"), "orders").decision).contains(DownstreamSecret.ALLOWED_MASTERS);
        assertThat(world.dm().stopCount("orders")).as("nothing done without the Secret's consent").isZero();

        world.client().secrets().inNamespace(SandboxWorld.NAMESPACE).withName(SandboxWorld.DOWNSTREAM_SECRET)
                .edit(sec -> {
                    sec.getStringData().put(DownstreamSecret.ALLOWED_MASTERS, "http://basic-dm-master.dm.svc:8261");
                    return sec;
                });
        awaitStatus(world, "guard", s -> s.history.stream().anyMatch(h -> "Succeeded".equals(h.outcome)));
    }

    @Test
    void oneClusterNamedTwoWaysHasOneLimit() throws Exception {
        world = SandboxWorld.builder().build();
        world.startOperator();
        world.client().secrets().inNamespace(SandboxWorld.NAMESPACE).withName(SandboxWorld.DOWNSTREAM_SECRET)
                .edit(sec -> {
                    sec.getStringData().put(DownstreamSecret.ALLOWED_MASTERS, SandboxWorld.MASTER_URL);
                    return sec;
                });
        guardHealthy(world, resource("by-ref"), "orders", S1);
        DMRemediation byAddress = world.remediation("by-address", "invoices");
        byAddress.getSpec().policies.badConnection.waitForAutoResume = "0s";
        byAddress.getSpec().cluster.dmClusterRef = null;
        byAddress.getSpec().cluster.masterAddress = SandboxWorld.MASTER_URL + "/";
        byAddress.getSpec().cluster.workerSelector = new LabelSelector(null, Map.of("app.kubernetes.io/instance",
                SandboxWorld.CLUSTER));
        byAddress.getSpec().maxConcurrentRemediations = 5;
        guardHealthy(world, byAddress, "invoices", S1);

        // the first remediation holds the cluster's one slot (limit 1 from by-ref) while its fix Job hangs
        world.kubelet().behave("dmr-fix-checkpoint-", StandInKubelet.Behaviour.HANG);
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        awaitStatus(world, "by-ref", s -> s.active != null && "WaitFixJob".equals(s.active.step));
        world.dm().injectBadConnection("invoices", S1, Integer.MAX_VALUE);
        awaitStatus(world, "by-address", s -> row(s, "invoices").decision != null
                && row(s, "invoices").decision.contains("maxConcurrentRemediations"));
        Thread.sleep(2000);
        assertThat(status(world, "by-address").active).as("one cluster, one limit, however it is named").isNull();
        assertThat(world.dm().stopCount("invoices")).isZero();

        world.kubelet().release("dmr-fix-checkpoint-");
        awaitStatus(world, "by-address", s -> s.history.stream().anyMatch(h -> "Succeeded".equals(h.outcome)));
    }

    @Test
    void onlyDmsOwnAnswerProvesAStop() throws Exception {
        world = SandboxWorld.builder().build();
        // once the stop is on record: DM-master answers the stop and the status lists with nothing in them, and
        // still holds the task
        world.startOperator(o -> o.withStepGate((a, step) -> {
            if ("StopTask".equals(step)) {
                world.dm().replyFault(Fault.empty(), "PUT", "/apis/v1alpha1/tasks/orders");
                world.dm().replyFault(Fault.empty(), "GET", "/apis/v1alpha1/status/orders");
                world.dm().replyFault(Fault.empty(), "GET", "/api/v1/tasks/orders/status");
                world.dm().clearRequests();
            }
        }));
        guardHealthy(world, resource("guard"), "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        awaitStatus(world, "guard", s -> s.active != null && "VerifyStopped".equals(s.active.step));

        Thread.sleep(5000);
        assertThat(world.dm().taskExists("orders")).isTrue();
        assertThat(world.dm().countRequests("POST", "/apis/v1alpha1/tasks")).as("no start-task for a task DM holds")
                .isZero();
        DMRemediationStatus s = status(world, "guard");
        assertThat(s.active.step).isEqualTo("VerifyStopped");
        assertThat(s.active.message).contains("waiting for DM-master to drop orders");
    }
}
