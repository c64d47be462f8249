package io.dmremediation.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.packaging.Tools;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CRD of a later release in the cluster (upgraded first, as {@code kubectl apply -f crds/} of the new release
 * does) while this operator still runs: a spec field it does not know ({@code spec.futureKnob}) and an enum value it
 * does not know ({@code RestartWorker} for {@code policies.badConnection.action}). The operator must go on: guard
 * the resources it understands (and remediate), give the others a status that names what it cannot read, and not
 * drop what it cannot read when it writes the resource.
 */
@Tag(Worlds.REAL_ONLY)
class NewerCrdTest {

    static final YAMLMapper YAML = new YAMLMapper();
    static final String API_VERSION = "dmremediation.io/v1alpha1";
    ControlPlaneWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
            // the repository's CRD again, for the next test
            ControlPlaneWorld.applyCrds(world.cli(), world.client());
        }
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
    }

    /** The generated CRD with one more spec field and one more value of badConnection.action. */
    static String newerCrd() throws Exception {
        JsonNode crd = YAML.readTree(Files.readString(Tools.projectDir().resolve("crds")
                .resolve("dmremediations.dmremediation.io-v1.yml")));
        ObjectNode spec = (ObjectNode) crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema")
                .path("properties").path("spec");
        ((ObjectNode) spec.path("properties")).putObject("futureKnob").put("type", "string")
                .put("description", "A field of a later release.");
        ((ArrayNode) spec.path("properties").path("policies").path("properties").path("badConnection")
                .path("properties").path("action").path("enum")).add("RestartWorker");
        return YAML.writeValueAsString(crd);
    }

    GenericKubernetesResource raw(String name) {
        return world.client().genericKubernetesResources(API_VERSION, "DMRemediation").inNamespace(world.namespace())
                .withName(name).get();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> rawStatus(String name) {
        Object s = raw(name).getAdditionalProperties().get("status");
        return s == null ? Map.of() : (Map<String, Object>) s;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> rawSpec(String name) {
        return (Map<String, Object>) raw(name).getAdditionalProperties().get("spec");
    }

    @Test
    void aNewerCrdDoesNotStopTheOperator() throws Exception {
        world = ControlPlaneWorld.start(SandboxWorld.builder());
        world.startOperator();
        world.startTask("orders", World.SOURCE_1);
        world.startTask("crm", World.SOURCE_2);
        world.apply(world.remediation("guard", "orders"));
        eventually().until(() -> "Healthy".equals(world.status("guard").phase));

        Cli.ok(world.cli().kubectlWithInput(newerCrd(), "apply", "-f", "-"), "kubectl apply (newer CRD)");
        ControlPlaneWorld.awaitEstablished(world.client(), "dmremediations.dmremediation.io");
        // a resource that uses both novelties, the way a user of the later release writes it
        JsonNode future = YAML.valueToTree(world.remediation("future", "crm"));
        ((ObjectNode) future.path("spec")).put("futureKnob", "on");
        ((ObjectNode) future.path("spec").path("policies").path("badConnection")).put("action", "RestartWorker");
        ((ObjectNode) future).remove("status");
        Cli.ok(world.cli().kubectlWithInput(YAML.writeValueAsString(future), "apply", "-f", "-"),
                "kubectl apply (a resource of the later release)");

        // it gets a status: understood as far as this build can (Healthy), or refused naming what it cannot read
        eventually().until(() -> rawStatus("future").get("phase") != null);
        Object phase = rawStatus("future").get("phase");
        assertThat(phase).as("status of the newer resource: %s", rawStatus("future")).isIn("Healthy", "Invalid");
        if ("Invalid".equals(phase)) {
            assertThat(String.valueOf(rawStatus("future"))).contains("badConnection");
        }

        // the operator still acts on what it understands
        world.dm().injectInvalidConnection("orders", World.SOURCE_1, Integer.MAX_VALUE);
        eventually().until(() -> !world.status("guard").history.isEmpty() && world.status("guard").active == null);
        DMRemediationStatus s = world.status("guard");
        assertThat(s.history.get(0).action).isEqualTo("RestartTask");
        assertThat(s.history.get(0).outcome).as(s.history.get(0).detail).isEqualTo("Succeeded");

        // what the operator wrote to the newer resource (its finalizer, its status) kept what it cannot read
        eventually().until(() -> raw("future").getMetadata().getFinalizers() != null
                && !raw("future").getMetadata().getFinalizers().isEmpty());
        assertThat(rawSpec("future")).containsEntry("futureKnob", "on");
        assertThat(String.valueOf(rawSpec("future").get("policies"))).contains("action=RestartWorker");

        // nothing of this made the operator's pod fail or restart
        assertThat(world.operatorPods()).singleElement().satisfies(p -> {
            assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
            assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
        });
    }
}
