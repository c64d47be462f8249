package io.dmremediation.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import io.dmremediation.sandbox.dmmaster.Fault;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two operator pods from the chart (its default two replicas, leader election on). The leader is {@code kill -9}ed in
 * the middle of a RestartTask, and later the Lease holder's node goes down in the middle of another: each time the
 * remediation in flight finishes once, by one replica. "Only one acts" is read from the API server's audit log,
 * where each request carries the pod its token is bound to.
 */
@Tag(Worlds.REAL_ONLY)
class LeaderKilledTest {

    static final String S1 = World.SOURCE_1;
    ControlPlaneWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
    }

    Lease lease() {
        return world.client().leases().inNamespace(world.operatorNamespace()).withName(ControlPlaneWorld.FULLNAME).get();
    }

    String holder() {
        Lease l = lease();
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }

    DMRemediationStatus status() {
        return world.status("guard");
    }

    /** The operator ServiceAccount's writes in a time window (Leases and the lease-rights check aside), by pod. */
    static Set<String> writers(AuditLog audit, ControlPlaneWorld world, Instant from, Instant to) {
        return audit.of("system:serviceaccount:" + world.operatorNamespace() + ":" + ControlPlaneWorld.FULLNAME).stream()
                .filter(AuditLog.Event::write)
                .filter(e -> !e.resource().startsWith("leases") && !e.resource().equals("selfsubjectrulesreviews"))
                .filter(e -> e.at().isAfter(from) && e.at().isBefore(to))
                .map(AuditLog.Event::pod).collect(Collectors.toSet());
    }

    /** Holds a RestartTask of orders after its stop (start-task fails) until the test lets it go. */
    void holdARestart(int remediation) {
        world.dm().replyFault(Fault.http500(), "POST", "/apis/v1alpha1/tasks");
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        eventually().until(() -> status().active != null && "StartTask".equals(status().active.step));
        assertThat(world.dm().stopCount("orders")).isEqualTo(remediation);
    }

    /** Lets the held remediation go on; waits until it is over; checks it ran once. */
    void awaitFinishedOnce(int remediation) {
        world.dm().clearFaults();
        eventually().until(() -> status().active == null && status().history.size() == remediation);
        DMRemediationStatus s = status();
        assertThat(s.history.get(0).action).isEqualTo("RestartTask");
        assertThat(s.history.get(0).outcome).as(s.history.get(0).detail).isEqualTo("Succeeded");
        assertThat(world.dm().stopCount("orders")).as("the task was stopped once per remediation").isEqualTo(remediation);
        assertThat(world.dm().subtaskStage("orders", S1)).isEqualTo("Running");
        eventually().until(() -> world.events("guard").stream().filter(e -> "RemediationSucceeded".equals(e.getReason()))
                .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum() == remediation);
    }

    @Test
    void aKilledLeaderNeverActsTwiceAndTheStandbyTakesOverWhenItsNodeIsGone() {
        world = ControlPlaneWorld.start(SandboxWorld.builder());
        AuditLog audit = AuditLog.from(world.controlPlane());
        world.install("watchNamespaces={" + world.namespace() + "}");
        List<String> pods = world.operatorPods().stream().map(p -> p.getMetadata().getName()).toList();
        assertThat(pods).as("the chart's two replicas").hasSize(2);
        eventually().until(() -> holder() != null);
        String leader = holder();
        String standby = pods.stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
        world.startTask("orders", S1);
        world.apply(world.remediation("guard", "orders"));
        eventually().until(() -> "Healthy".equals(status().phase));
        Instant start = Instant.now().minusSeconds(3600);

        // 1. kill -9 of the leader mid-remediation. The kubelet restarts the container in the same pod, so under the
        //    same identity: whichever replica holds the Lease then finishes the remediation, and only it acts
        holdARestart(1);
        ProcessHandle process = world.kubelet().process(world.operatorNamespace(), leader).orElseThrow();
        Instant killed = Instant.now();
        process.destroyForcibly();
        eventually().until(() -> !process.isAlive());
        // requests the dying process sent may still arrive until now
        Instant dead = Instant.now();
        awaitFinishedOnce(1);
        eventually().until(() -> restarts(leader) >= 1);
        String afterKill = holder();
        System.out.printf("LeaderKilledTest: after kill -9 of %s the Lease is %s's%n", leader, afterKill);
        Instant finished1 = Instant.now();
        assertThat(writers(audit, world, start, killed)).as("writes before the kill").containsExactly(leader);
        assertThat(writers(audit, world, dead, finished1)).as("writes after the kill: one replica, the Lease holder")
                .containsExactly(afterKill);

        // 2. the Lease holder's node goes down mid-remediation: nothing restarts it, the standby takes the Lease
        //    when it expires and finishes the remediation, once
        String other = afterKill.equals(leader) ? standby : leader;
        holdARestart(2);
        ProcessHandle holderProcess = world.kubelet().process(world.operatorNamespace(), afterKill).orElseThrow();
        Instant lost = Instant.now();
        world.kubelet().loseNodeOf(world.operatorNamespace(), afterKill);
        eventually().until(() -> !holderProcess.isAlive());
        Instant gone = Instant.now();
        eventually().until(() -> other.equals(holder()));
        awaitFinishedOnce(2);
        assertThat(writers(audit, world, finished1, lost)).as("writes before the node was lost").containsExactly(afterKill);
        assertThat(writers(audit, world, gone, Instant.now())).as("writes after").containsExactly(other);
    }

    int restarts(String pod) {
        Pod p = world.client().pods().inNamespace(world.operatorNamespace()).withName(pod).get();
        return p.getStatus().getContainerStatuses().get(0).getRestartCount();
    }
}
