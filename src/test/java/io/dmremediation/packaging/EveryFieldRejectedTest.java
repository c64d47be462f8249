package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.SpecValidator;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of the CRD with a wrong value: rejected by the schema (as the API server would) or by the operator's
 * validator, with a message that names the field. Starts from {@code examples/full-policies.yaml}, which sets every
 * field.
 */
class EveryFieldRejectedTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<Arguments> wrongValues() {
        return Stream.of(
                bad("spec.cluster", "null"),
                bad("spec.cluster.dmClusterRef.name", "\"Not_A_Name\""),
                bad("spec.cluster.dmClusterRef.name", "42"),
                bad("spec.cluster.masterAddress", "\"http://also-set:8261\""),
                bad("spec.tasks", "\"orders\""),
                bad("spec.tasks", "[\"orders\", \"orders\"]"),
                bad("spec.tasks", "[\"bad name\"]"),
                bad("spec.pollInterval", "\"10\""),
                bad("spec.pollInterval", "\"100ms\""),
                bad("spec.paused", "\"yes\""),
                bad("spec.dryRun", "1"),
                bad("spec.downstream.secretRef", "null"),
                bad("spec.downstream.secretRef.name", "\"UPPER\""),
                bad("spec.relay.relayDir", "\"relative/dir\""),
                bad("spec.relay.relayDir", "\"/var/lib/dm-worker/../../etc\""),
                bad("spec.relay.volumeMountPath", "\"no-slash\""),
                bad("spec.relay.volumeName", "\"Bad_Volume\""),
                bad("spec.relay.perWorkerSubdirectory", "\"true\""),
                bad("spec.policies.invalidConnection.action", "\"FixRelayMeta\""),
                bad("spec.policies.invalidConnection.waitForAutoResume", "\"two minutes\""),
                bad("spec.policies.invalidConnection.maxAttempts", "0"),
                bad("spec.policies.invalidConnection.maxAttempts", "101"),
                bad("spec.policies.invalidConnection.pauseThreshold", "1"),
                bad("spec.policies.invalidConnection.pauseWindow", "\"-1m\""),
                bad("spec.policies.badConnection.action", "\"Restart\""),
                bad("spec.policies.badConnection.maxAttempts", "\"five\""),
                bad("spec.policies.relayBinlogOverflow.action", "\"RestartTask\""),
                bad("spec.policies.relayBinlogOverflow.maxAttempts", "-1"),
                bad("spec.policies.syncerBinlogOverflow.action", "\"FixRelayMeta\""),
                bad("spec.policies.syncerBinlogOverflow.maxAttempts", "0"),
                bad("spec.policies.syncerBinlogOverflow.restoreSafeMode", "\"no\""),
                bad("spec.backoff.initial", "\"soon\""),
                bad("spec.backoff.factor", "0.5"),
                bad("spec.backoff.factor", "11"),
                bad("spec.backoff.max", "\"1s\""),
                bad("spec.healthyResetAfter", "\"10 minutes\""),
                bad("spec.verifyTimeout", "\"1s\""),
                bad("spec.maxConcurrentRemediations", "0"),
                bad("spec.maxConcurrentRemediations", "1000"),
                bad("spec.jobs.deadline", "\"1s\""),
                bad("spec.jobs.ttlAfterFinished", "\"forever\""),
                bad("spec.unknownField", "true"));
    }

    static Arguments bad(String path, String json) {
        return Arguments.of(path, json);
    }

    static JsonNode fullExample() throws Exception {
        Path file = Path.of(System.getProperty("project.basedir", ".")).resolve("examples/full-policies.yaml");
        try (var parser = YAML.getFactory().createParser(Files.readString(file))) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                if ("DMRemediation".equals(doc.path("kind").asText())) {
                    return doc;
                }
            }
        }
        throw new IllegalStateException("examples/full-policies.yaml has no DMRemediation");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("wrongValues")
    void rejectedWithAMessageThatNamesTheField(String path, String json) throws Exception {
        JsonNode resource = fullExample().deepCopy();
        assertThat(CrdSchema.validate(resource)).as("the example itself is valid").isEmpty();
        set(resource, path, new ObjectMapper().readTree(json));

        List<String> messages = new ArrayList<>(CrdSchema.validate(resource));
        try {
            DMRemediation typed = Serialization.unmarshal(new ObjectMapper().writeValueAsString(resource),
                    DMRemediation.class);
            messages.addAll(SpecValidator.validate(typed.getSpec()));
        } catch (RuntimeException e) {
            // a value the Java model cannot even hold: the schema's message above is what the user sees
        }
        String field = path.substring(path.lastIndexOf('.') + 1);
        assertThat(messages).as("messages for %s = %s", path, json).isNotEmpty()
                .anySatisfy(m -> assertThat(m).contains(field));
    }

    static void set(JsonNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = (ObjectNode) root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            if (next == null || !next.isObject()) {
                next = node.putObject(parts[i]);
            }
            node = (ObjectNode) next;
        }
        node.set(parts[parts.length - 1], value);
    }
}
