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
public class EveryFieldRejectedTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<Arguments> wrongValues() {
        return Stream.of(
                schema("spec.cluster", "null"),
                schema("spec.cluster.dmClusterRef.name", "\"Not_A_Name\""),
                schema("spec.cluster.dmClusterRef.name", "42"),
                cel("spec.cluster.masterAddress", "\"http://also-set:8261\""),
                schema("spec.tasks", "\"orders\""),
                schema("spec.tasks", "[\"orders\", \"orders\"]"),
                schema("spec.tasks", "[\"bad name\"]"),
                schema("spec.pollInterval", "\"10\""),
                cel("spec.pollInterval", "\"100ms\""),
                schema("spec.paused", "\"yes\""),
                schema("spec.dryRun", "1"),
                schema("spec.downstream.secretRef", "null"),
                schema("spec.downstream.secretRef.name", "\"UPPER\""),
                schema("spec.relay.relayDir", "\"relative/dir\""),
                operator("spec.relay.relayDir", "\"/var/lib/dm-worker/../../etc\""),
                schema("spec.relay.volumeMountPath", "\"no-slash\""),
                schema("spec.relay.volumeName", "\"Bad_Volume\""),
                schema("spec.relay.perWorkerSubdirectory", "\"true\""),
                schema("spec.policies.invalidConnection.action", "\"FixRelayMeta\""),
                schema("spec.policies.invalidConnection.waitForAutoResume", "\"two minutes\""),
                schema("spec.policies.invalidConnection.maxAttempts", "0"),
                schema("spec.policies.invalidConnection.maxAttempts", "101"),
                schema("spec.policies.invalidConnection.pauseThreshold", "1"),
                schema("spec.policies.invalidConnection.pauseWindow", "\"-1m\""),
                schema("spec.policies.badConnection.action", "\"Restart\""),
                schema("spec.policies.badConnection.maxAttempts", "\"five\""),
                schema("spec.policies.relayBinlogOverflow.action", "\"RestartTask\""),
                schema("spec.policies.relayBinlogOverflow.maxAttempts", "-1"),
                schema("spec.policies.syncerBinlogOverflow.action", "\"FixRelayMeta\""),
                schema("spec.policies.syncerBinlogOverflow.maxAttempts", "0"),
                schema("spec.policies.syncerBinlogOverflow.restoreSafeMode", "\"no\""),
                schema("spec.backoff.initial", "\"soon\""),
                schema("spec.backoff.factor", "0.5"),
                schema("spec.backoff.factor", "11"),
                cel("spec.backoff.max", "\"1s\""),
                schema("spec.healthyResetAfter", "\"10 minutes\""),
                cel("spec.verifyTimeout", "\"1s\""),
                schema("spec.maxConcurrentRemediations", "0"),
                schema("spec.maxConcurrentRemediations", "1000"),
                cel("spec.jobs.deadline", "\"1s\""),
                schema("spec.jobs.ttlAfterFinished", "\"forever\""),
                schema("spec.unknownField", "true"));
    }

    /**
     * Who rejects a wrong value. The real-control-plane test (controlplane.BadInputAtApplyTest) applies every row of
     * this table with kubectl to a real API server and holds it to the same column.
     */
    public enum Rejection {
        /** The CRD's OpenAPI schema (type, enum, pattern, bounds, required, unknown fields): kubectl apply fails. */
        SCHEMA,
        /**
         * A CEL rule of the CRD ({@code x-kubernetes-validations}): kubectl apply fails. CrdSchema does not evaluate
         * CEL, so in the mock world the operator's validator must name the field too.
         */
        CEL,
        /** Nothing the API server can check: the resource is accepted and the operator's validator reports it. */
        OPERATOR
    }

    static Arguments schema(String path, String json) {
        return Arguments.of(path, json, Rejection.SCHEMA);
    }

    static Arguments cel(String path, String json) {
        return Arguments.of(path, json, Rejection.CEL);
    }

    static Arguments operator(String path, String json) {
        return Arguments.of(path, json, Rejection.OPERATOR);
    }

    /** The rows as (path, JSON value, who rejects it), for the test on a real API server. */
    public static List<Object[]> rows() {
        return wrongValues().map(Arguments::get).toList();
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

    @ParameterizedTest(name = "{0} = {1} ({2})")
    @MethodSource("wrongValues")
    void rejectedWithAMessageThatNamesTheField(String path, String json, Rejection by) throws Exception {
        JsonNode resource = withValue(path, json);
        List<String> schema = CrdSchema.validate(resource);
        List<String> messages = new ArrayList<>(schema);
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
        if (by == Rejection.SCHEMA) {
            assertThat(schema).as("the schema rejects %s = %s", path, json).anySatisfy(m -> assertThat(m).contains(field));
        } else {
            assertThat(schema).as("nothing in the schema can reject %s = %s", path, json).isEmpty();
        }
    }

    /** {@code examples/full-policies.yaml} (valid as it is) with one value set. */
    public static JsonNode withValue(String path, String json) throws Exception {
        JsonNode resource = fullExample().deepCopy();
        assertThat(CrdSchema.validate(resource)).as("the example itself is valid").isEmpty();
        set(resource, path, new ObjectMapper().readTree(json));
        return resource;
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
