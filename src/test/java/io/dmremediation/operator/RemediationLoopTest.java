package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.conditionIs;
import static io.dmremediation.operator.OperatorTestSupport.eventually;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static io.dmremediation.operator.OperatorTestSupport.reasons;
import static io.dmremediation.operator.OperatorTestSupport.row;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.dmmaster.Fault;
import io.dmremediation.sandbox.dmmaster.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The remediation loop of issue 3, each case against the real operator, the simulator and the mock API. */
class RemediationLoopTest {

    static final String S1 = SandboxWorld.SOURCE_1;
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
    void invalidConnectionThatAutoResumeClearsGetsNoAction() {
        // a backoff of 2 s, then 4 s keeps the failing task paused some 6 s, so a 1 s poll sees it on a slow machine
        world.close();
        world = SandboxWorld.builder().autoResume(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(4))
                .build();
        world.startOperator();
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().policies.invalidConnection.pauseThreshold = 50;
        r.getSpec().policies.invalidConnection.waitForAutoResume = "20s";
        guardHealthy(world, r, "orders", S1);

        // DM's auto-resume fails three times, then the fourth resume works
        world.dm().injectInvalidConnection("orders", S1, 3);
        eventually().until(() -> reasons(world, "guard", "ErrorDetected") >= 1);
        eventually().until(() -> world.dm().autoResumeCount("orders", S1) >= 4
                && "Running".equals(world.dm().subtaskStage("orders", S1)));
        awaitStatus(world, "guard", s -> "Healthy".equals(s.phase));

        DMRemediationStatus s = status(world, "guard");
        assertThat(world.dm().stopCount("orders")).isZero();
        assertThat(s.history).isEmpty();
        assertThat(s.active).isNull();
        assertThat(reasons(world, "guard", "RemediationStarted")).isZero();
        assertThat(row(s, "orders").attempts).isZero();
    }

    @Test
    void badConnectionIsFixedByRestartTask() {
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);

        awaitStatus(world, "guard", s -> !s.history.isEmpty() && "Healthy".equals(s.phase));
        HistoryEntry h = status(world, "guard").history.get(0);
        assertThat(h.action).isEqualTo("RestartTask");
        assertThat(h.errorClass).isEqualTo("bad-connection");
        assertThat(h.outcome).isEqualTo("Succeeded");
        assertThat(world.dm().stopCount("orders")).isEqualTo(1);
        assertThat(world.dm().subtaskStage("orders", S1)).isEqualTo("Running");
    }

    @Test
    void repeatedFailureBacksOffThenEscalatesAndTheRetryAnnotationClearsIt() throws Exception {
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().policies.badConnection.maxAttempts = 2;
        guardHealthy(world, r, "orders", S1);

        // a downstream that keeps breaking: every time the task runs again, the connection breaks again
        AtomicBoolean breaking = new AtomicBoolean(true);
        Thread breaker = new Thread(() -> {
            while (breaking.get()) {
                try {
                    if ("Running".equals(world.dm().subtaskStage("orders", S1))
                            && world.dm().subtaskErrors("orders", S1).isEmpty()) {
                        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the task is being restarted
                }
            }
        });
        breaker.setDaemon(true);
        breaker.start();
        try {
            awaitStatus(world, "guard", s -> "Escalated".equals(s.phase));
            DMRemediationStatus s = status(world, "guard");
            assertThat(conditionIs(s, "Escalated", "True")).isTrue();
            assertThat(row(s, "orders").escalated).isTrue();
            assertThat(row(s, "orders").attempts).isEqualTo(2);
            List<HistoryEntry> failed = s.history.stream().filter(h -> "Failed".equals(h.outcome)).toList();
            assertThat(failed).hasSize(2);
            // newest first; the second attempt waited at least the initial backoff (2s) after the first ended
            Duration between = Duration.between(Instant.parse(failed.get(1).time), Instant.parse(failed.get(0).time));
            assertThat(between).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(s.history.get(0).outcome).isEqualTo("Escalated");
            assertThat(reasons(world, "guard", "Escalated")).isEqualTo(1);
            int stops = world.dm().stopCount("orders");
            assertThat(stops).isEqualTo(2);
            Thread.sleep(4000);
            assertThat(world.dm().stopCount("orders")).as("no action while escalated").isEqualTo(stops);

            // a human asks for another try; the breaker is gone first, or it could break the retried task again
            breaking.set(false);
            breaker.interrupt();
            breaker.join();
            world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE).withName("guard")
                    .edit(x -> {
                        x.getMetadata().getAnnotations().put(DMRemediation.RETRY_ANNOTATION, "orders");
                        return x;
                    });
            awaitStatus(world, "guard", x -> "Healthy".equals(x.phase));
            DMRemediationStatus after = status(world, "guard");
            assertThat(world.dm().stopCount("orders")).isEqualTo(stops + 1);
            assertThat(row(after, "orders").escalated).isNull();
            assertThat(after.history.get(0).outcome).isEqualTo("Succeeded");
            assertThat(world.get("guard").getMetadata().getAnnotations()).doesNotContainKey(DMRemediation.RETRY_ANNOTATION);
            assertThat(reasons(world, "guard", "RetryRequested")).isEqualTo(1);
        } finally {
            breaking.set(false);
            breaker.interrupt();
        }
    }

    @Test
    void dryRunRecordsThePlanAndChangesNothing() throws Exception {
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().dryRun = true;
        guardHealthy(world, r, "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);

        awaitStatus(world, "guard", s -> !s.history.isEmpty());
        Thread.sleep(3000);
        DMRemediationStatus s = status(world, "guard");
        assertThat(s.history).singleElement().satisfies(h -> {
            assertThat(h.outcome).isEqualTo("Planned");
            assertThat(h.action).isEqualTo("RestartTask");
        });
        assertThat(row(s, "orders").decision).startsWith("Planned: dry run: would run RestartTask");
        assertThat(reasons(world, "guard", "DryRun")).isEqualTo(1);
        assertThat(world.dm().stopCount("orders")).isZero();
        assertThat(world.dm().requests("PUT", "/apis/v1alpha1/tasks")).isEmpty();
        assertThat(world.dm().requests("POST", "/apis/v1alpha1/tasks")).isEmpty();
    }

    @Test
    void pausedSpecActsOnNothing() throws Exception {
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().paused = true;
        world.startTask("orders", S1);
        world.apply(r);
        awaitStatus(world, "guard", s -> conditionIs(s, "Ready", "True"));
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);

        awaitStatus(world, "guard", s -> "bad-connection".equals(row(s, "orders").errorClass));
        Thread.sleep(4000);
        DMRemediationStatus s = status(world, "guard");
        assertThat(s.phase).isEqualTo("Paused");
        assertThat(conditionIs(s, "Paused", "True")).isTrue();
        assertThat(row(s, "orders").decision).contains("spec.paused");
        assertThat(world.dm().stopCount("orders")).isZero();
        assertThat(s.history).isEmpty();
    }

    @Test
    void aTaskAPersonPausedIsLeftAlone() throws Exception {
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        world.dm().pauseByHuman("orders");

        Thread.sleep(6000);
        DMRemediationStatus s = status(world, "guard");
        assertThat(world.dm().stopCount("orders")).isZero();
        assertThat(s.history).isEmpty();
        assertThat(world.dm().subtaskCanceled("orders", S1)).isTrue();
    }

    @Test
    void maxConcurrentRemediationsHoldsASecondResourceOnTheSameCluster() throws Exception {
        DMRemediation a = world.remediation("guard-a", "orders");
        DMRemediation b = world.remediation("guard-b", "items");
        guardHealthy(world, a, "orders", S1);
        guardHealthy(world, b, "items", S1);

        // A's start-task keeps failing, so A stays in flight after its stop
        world.dm().replyFault(Fault.http500(), "POST", "/apis/v1alpha1/tasks");
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        awaitStatus(world, "guard-a", s -> s.active != null && s.active.step.equals("StartTask"));

        world.dm().injectBadConnection("items", S1, Integer.MAX_VALUE);
        awaitStatus(world, "guard-b", s -> row(s, "items").decision != null
                && row(s, "items").decision.contains("maxConcurrentRemediations is 1"));
        assertThat(world.dm().stopCount("items")).isZero();
        assertThat(status(world, "guard-b").active).isNull();

        world.dm().clearFaults();
        awaitStatus(world, "guard-a", s -> s.active == null && "Healthy".equals(s.phase));
        awaitStatus(world, "guard-b", s -> !s.history.isEmpty() && "Healthy".equals(s.phase));
        assertThat(world.dm().stopCount("items")).isEqualTo(1);
    }

    @Test
    void anInvalidResourceGetsAConditionAndNoAction() throws Exception {
        world.startTask("orders", S1);
        DMRemediation r = world.remediation("broken", "orders");
        r.getSpec().cluster.masterAddress = "http://elsewhere:8261";
        r.getSpec().pollInterval = "soon";
        world.dm().clearRequests();
        world.apply(r);

        awaitStatus(world, "broken", s -> "Invalid".equals(s.phase));
        DMRemediationStatus s = status(world, "broken");
        assertThat(OperatorTestSupport.condition(s, "Ready")).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("InvalidSpec");
            assertThat(c.getMessage()).contains("spec.cluster: set exactly one of dmClusterRef and masterAddress")
                    .contains("spec.pollInterval: 'soon' is not a duration");
        });
        assertThat(reasons(world, "broken", "InvalidSpec")).isEqualTo(1);
        Thread.sleep(2000);
        assertThat(world.dm().requests()).isEmpty();
    }

    @Test
    void aHealthyClusterCostsOneDmRequestPerPoll() throws Exception {
        world.startTask("orders", S1);
        world.startTask("items", S1);
        DMRemediation r = world.remediation("guard", "orders", "items");
        world.apply(r);
        awaitStatus(world, "guard", s -> "Healthy".equals(s.phase) && s.taskCount == 2);
        world.dm().clearRequests();
        Thread.sleep(5000);
        // 1s poll interval: about five polls, each a single gateway query-status without a task name (every
        // subtask of every source at once), no per-task requests
        List<RecordedRequest> seen = world.dm().requests();
        assertThat(seen).hasSizeBetween(3, 8)
                .allSatisfy(q -> assertThat(q.method() + " " + q.path()).isEqualTo("GET /apis/v1alpha1/status/"));
    }
}
