package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.condition;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A resource written against a CRD newer than the operator (a field or an enum value this build does not know)
 * gets phase Invalid naming the field, and every other resource keeps working, across an operator restart too.
 */
class NewerCrdTest {

    SandboxWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void aNewerResourceIsInvalidAndTheOthersKeepWorking() {
        world = SandboxWorld.builder().build();
        world.startOperator();
        guardHealthy(world, world.remediation("good", "orders"), "orders", SandboxWorld.SOURCE_1);

        GenericKubernetesResource newer = world.client().getKubernetesSerialization().convertValue(
                world.remediation("newer", "orders"), GenericKubernetesResource.class);
        @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) newer.getAdditionalProperties()
                .get("spec");
        spec.put("surge", Map.of("share", 50));
        spec.put("policies", Map.of("invalidConnection", Map.of("action", "RestartWorker")));
        world.client().genericKubernetesResources(DMRemediation.GROUP + "/" + DMRemediation.VERSION, "DMRemediation")
                .inNamespace(SandboxWorld.NAMESPACE).resource(newer).create();

        awaitStatus(world, "newer", s -> "Invalid".equals(s.phase));
        String message = condition(status(world, "newer"), "Ready").orElseThrow().getMessage();
        assertThat(message).contains("spec.surge: not a field this operator knows",
                "spec.policies.invalidConnection.action: 'RestartWorker' is not a value this operator knows");

        // a new operator's informers list it at start-up: that must not stop them either
        world.stopOperator();
        world.startOperator();
        world.dm().injectBadConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE);
        awaitStatus(world, "good", s -> s.history.stream().anyMatch(h -> "Succeeded".equals(h.outcome)));
        assertThat(status(world, "newer").phase).isEqualTo("Invalid");
        assertThat(status(world, "newer").history).as("nothing was done for the resource it cannot read").isEmpty();
        assertThat(world.operator().alive()).isTrue();
        assertThat(List.of(status(world, "good").phase)).containsAnyOf("Healthy", "Waiting");
    }
}
