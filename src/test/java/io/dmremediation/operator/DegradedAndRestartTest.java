package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.condition;
import static io.dmremediation.operator.OperatorTestSupport.conditionIs;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static io.dmremediation.operator.OperatorTestSupport.reasons;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.dmmaster.Fault;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DM-master trouble gives Degraded and no action; an operator restarted mid-playbook finishes it exactly once. */
class DegradedAndRestartTest {

    static final String S1 = SandboxWorld.SOURCE_1;
    SandboxWorld world;

    @BeforeEach
    void setUp() {
        world = SandboxWorld.builder().dmRequestTimeout(Duration.ofSeconds(1)).build();
        world.startOperator();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    void degradedWhile(Consumer<SandboxWorld> fault, String reason) throws Exception {
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        fault.accept(world);

        awaitStatus(world, "guard", s -> "Degraded".equals(s.phase));
        DMRemediationStatus s = status(world, "guard");
        assertThat(conditionIs(s, "Degraded", "True")).isTrue();
        assertThat(condition(s, "Degraded").orElseThrow().getReason()).isEqualTo(reason);
        assertThat(conditionIs(s, "Ready", "False")).isTrue();
        Thread.sleep(4000);
        assertThat(world.dm().stopCount("orders")).as("no action while DM-master misbehaves").isZero();
        assertThat(status(world, "guard").active).isNull();
        assertThat(reasons(world, "guard", "DMMasterUnreachable")).isGreaterThanOrEqualTo(1);

        world.dm().clearFaults();
        awaitStatus(world, "guard", x -> conditionIs(x, "Degraded", "False") && !x.history.isEmpty()
                && "Healthy".equals(x.phase));
        assertThat(world.dm().stopCount("orders")).isEqualTo(1);
        assertThat(reasons(world, "guard", "DMMasterRecovered")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void dmMasterDown() throws Exception {
        degradedWhile(w -> w.dm().replyFault(Fault.close()), "DMMasterUnreachable");
    }

    @Test
    void dmMasterSlow() throws Exception {
        degradedWhile(w -> w.dm().replyFault(Fault.slow(Duration.ofSeconds(3))), "DMMasterUnreachable");
    }

    @Test
    void dmMasterAnswersGarbage() throws Exception {
        degradedWhile(w -> w.dm().replyFault(Fault.garbage()), "DMMasterBadReply");
    }

    @Test
    void dmMasterAnswers500() throws Exception {
        degradedWhile(w -> w.dm().replyFault(Fault.http500()), "DMMasterError");
    }

    @Test
    void anOperatorStoppedAfterTheStopStartsTheTaskFromTheSavedConfigExactlyOnce() {
        guardHealthy(world, world.remediation("guard", "orders"), "orders", S1);
        int startsBefore = world.dm().startCount("orders");
        // start-task fails, so the first operator stops the task and then cannot start it again
        world.dm().replyFault(Fault.http500(), "POST", "/apis/v1alpha1/tasks");
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        awaitStatus(world, "guard", s -> s.active != null && "StartTask".equals(s.active.step));
        String id = status(world, "guard").active.id;
        world.stopOperator();

        assertThat(world.dm().taskExists("orders")).isFalse();
        assertThat(world.dm().stopCount("orders")).isEqualTo(1);
        var saved = world.client().secrets().inNamespace(SandboxWorld.NAMESPACE)
                .withName(ConfigVault.secretName(id)).get();
        assertThat(saved).as("the config is saved while the task is stopped").isNotNull();
        assertThat(saved.getMetadata().getFinalizers()).contains(ConfigVault.FINALIZER);

        world.dm().clearFaults();
        world.startOperator();
        awaitStatus(world, "guard", s -> s.active == null && !s.history.isEmpty() && "Healthy".equals(s.phase));
        assertThat(status(world, "guard").history.get(0).outcome).isEqualTo("Succeeded");
        assertThat(world.dm().stopCount("orders")).as("never stopped twice").isEqualTo(1);
        assertThat(world.dm().startCount("orders")).as("started exactly once more").isEqualTo(startsBefore + 1);
        assertThat(world.dm().taskConfig("orders")).as("from the saved config, real password included")
                .doesNotContain("******");
        assertThat(world.client().secrets().inNamespace(SandboxWorld.NAMESPACE)
                .withName(ConfigVault.secretName(id)).get()).isNull();
    }
}
