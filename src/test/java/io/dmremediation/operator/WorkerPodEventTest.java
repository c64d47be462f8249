package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static io.dmremediation.operator.OperatorTestSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.playbook.WorkerPods;
import io.dmremediation.sandbox.DmWorkerPods;
import io.dmremediation.sandbox.SandboxWorld;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A DM-worker pod change triggers a poll at once instead of waiting for the next poll interval. */
class WorkerPodEventTest {

    SandboxWorld world;

    @BeforeEach
    void setUp() {
        world = SandboxWorld.builder().build();
        world.startOperator();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    @Test
    void aWorkerRestartIsSeenWithoutWaitingForThePoll() throws Exception {
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().pollInterval = "60s";
        r.getSpec().verifyTimeout = "60s";
        guardHealthy(world, r, "orders", SandboxWorld.SOURCE_1);
        Thread.sleep(1500);

        world.dm().injectBadConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE);
        String pod = DmWorkerPods.podName(SandboxWorld.CLUSTER, 1);
        // a container restart on a worker pod (not the one the task runs on): the kubelet bumps the restart count
        world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).editStatus(p -> {
            p.getStatus().getContainerStatuses().get(0).setRestartCount(1);
            return p;
        });
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
                assertThat(row(world.get("guard").getStatus(), "orders").errorClass).isEqualTo("bad-connection"));
    }

    @Test
    void onlyAWorkerChangeCountsNotEveryUpdateOfItsPod() {
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().pollInterval = "60s";
        r.getSpec().verifyTimeout = "60s";
        guardHealthy(world, r, "orders", SandboxWorld.SOURCE_1);
        String pod = DmWorkerPods.podName(SandboxWorld.CLUSTER, 1);
        double before = podChanges();

        // updates the filter drops: nothing about the worker that DM-master would show
        for (int i = 0; i < 3; i++) {
            String value = String.valueOf(i);
            world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod)
                    .edit(p -> {
                        Map<String, String> annotations = p.getMetadata().getAnnotations() == null ? new HashMap<>()
                                : new HashMap<>(p.getMetadata().getAnnotations());
                        annotations.put("example.com/touched", value);
                        p.getMetadata().setAnnotations(annotations);
                        return p;
                    });
        }
        // then a restart: the informer delivers in order, so once it is counted the three above were handled
        world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).editStatus(p -> {
            var cs = p.getStatus().getContainerStatuses().get(0);
            cs.setRestartCount(cs.getRestartCount() + 1);
            return p;
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> podChanges() > before);
        assertThat(podChanges()).as("only the restart marked the resource changed").isEqualTo(before + 1);
    }

    @Test
    void anOperatorStartIsNotAWorkerChangeButAPodComingBackIs() {
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().pollInterval = "60s";
        r.getSpec().verifyTimeout = "60s";
        guardHealthy(world, r, "orders", SandboxWorld.SOURCE_1);
        // a new operator's pod informer lists both workers: that is not a change of either
        world.stopOperator();
        world.startOperator();
        String pod = DmWorkerPods.podName(SandboxWorld.CLUSTER, 1);
        String uid = world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).get().getMetadata().getUid();

        // the StatefulSet brings a deleted pod back not ready, then the kubelet reports it ready: the deletion and
        // the readiness flip count, the new pod's add does not (it has nothing ready to see yet)
        world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var p = world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).get();
            return p != null && !uid.equals(p.getMetadata().getUid()) && WorkerPods.ready(p);
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> podChanges() >= 2);
        assertThat(podChanges()).as("the deletion and the readiness, not the informer's first list").isEqualTo(2);
    }

    private double podChanges() {
        Counter c = world.operator().registry().find("dmr_worker_pod_changes_total").counter();
        return c == null ? 0 : c.count();
    }
}
