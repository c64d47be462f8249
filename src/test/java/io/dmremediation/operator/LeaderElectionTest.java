package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.eventually;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.dmmaster.Fault;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas on one API: only the Lease holder acts; when it goes, the other finishes what was in flight. */
class LeaderElectionTest {

    static final String S1 = SandboxWorld.SOURCE_1;
    SandboxWorld world;
    OperatorRunner second;

    @AfterEach
    void tearDown() {
        if (second != null) {
            second.close();
        }
        world.close();
    }

    static OperatorRunner.LeaderElection lease(String identity) {
        // a renew deadline a stalled CI machine cannot miss: a lost lease mid-test would be a false failure
        return new OperatorRunner.LeaderElection("dm-remediation-operator", SandboxWorld.NAMESPACE, identity, () -> { },
                Duration.ofSeconds(10), Duration.ofSeconds(7), Duration.ofMillis(500));
    }

    Lease theLease() {
        return world.client().leases().inNamespace(SandboxWorld.NAMESPACE).withName("dm-remediation-operator").get();
    }

    @Test
    void onlyTheLeaderActsAndTheOtherTakesOverMidPlaybook() {
        world = SandboxWorld.builder().build();
        world.startOperator(o -> o.withLeaderElection(lease("replica-a")));
        eventually().until(() -> theLease() != null && "replica-a".equals(theLease().getSpec().getHolderIdentity()));
        second = OperatorRunner.start(world.operatorOptions().withLeaderElection(lease("replica-b")));
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);

        // hold the leader's remediation after its stop: start-task fails
        world.dm().replyFault(Fault.http500(), "POST", "/apis/v1alpha1/tasks");
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        awaitStatus(world, "guard", s -> s.active != null && "StartTask".equals(s.active.step));
        assertThat(theLease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
        assertThat(world.dm().stopCount("orders")).isEqualTo(1);

        // the leader goes away; replica-b takes the lease and finishes the in-flight remediation
        world.stopOperator();
        world.dm().clearFaults();
        eventually().until(() -> "replica-b".equals(theLease().getSpec().getHolderIdentity()));
        awaitStatus(world, "guard", s -> s.active == null && !s.history.isEmpty());
        assertThat(status(world, "guard").history.get(0).outcome).isEqualTo("Succeeded");
        assertThat(world.dm().stopCount("orders")).as("stopped once, by the first leader").isEqualTo(1);
        assertThat(world.dm().taskExists("orders")).isTrue();
    }
}
