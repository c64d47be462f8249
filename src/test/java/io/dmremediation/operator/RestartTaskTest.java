package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.controlplane.Worlds;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(Worlds.BOTH)
class RestartTaskTest {

    World world;

    @BeforeEach
    void setUp() {
        world = Worlds.create();
        world.startOperator();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    @Test
    void persistentInvalidConnectionIsFixedByRestartingTheTask() {
        world.startTask("orders", SandboxWorld.SOURCE_1);
        world.apply(world.remediation("guard", "orders"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "Healthy".equals(world.get("guard").getStatus().phase));

        world.dm().injectInvalidConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE);

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            DMRemediation r = world.get("guard");
            assertThat(r.getStatus().history).isNotEmpty();
            assertThat(r.getStatus().history.get(0).outcome).isEqualTo("Succeeded");
            assertThat(r.getStatus().phase).isEqualTo("Healthy");
        });
        DMRemediation r = world.get("guard");
        assertThat(r.getStatus().history.get(0).action).isEqualTo("RestartTask");
        assertThat(r.getStatus().history.get(0).errorClass).isEqualTo("invalid-connection");
        assertThat(r.getStatus().tasks.get(0).attempts).isEqualTo(1);
        assertThat(r.getStatus().lastAction).isEqualTo("RestartTask orders: Succeeded");
        assertThat(world.dm().stopCount("orders")).isEqualTo(1);
        assertThat(world.dm().subtaskStage("orders", SandboxWorld.SOURCE_1)).isEqualTo("Running");
        assertThat(world.events("guard")).extracting(e -> e.getReason())
                .contains("ErrorDetected", "WaitingForAutoResume", "RemediationStarted", "RemediationSucceeded");
        // the saved config is gone once the task runs again
        assertThat(world.client().secrets().inNamespace(world.namespace())
                .withLabel("dmremediation.io/owner", "guard").list().getItems()).isEmpty();
    }
}
