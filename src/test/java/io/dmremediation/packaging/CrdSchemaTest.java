package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Each rule of {@link CrdSchema} with an object it rejects and one it accepts, against the generated CRD. */
class CrdSchemaTest {

    static final YAMLMapper YAML = new YAMLMapper();

    static final String HEAD = """
            apiVersion: dmremediation.io/v1alpha1
            kind: DMRemediation
            metadata:
              name: t
              namespace: dm
            """;

    /** A DMRemediation whose spec is the given YAML (indented under spec:). */
    static JsonNode dmr(String spec) throws IOException {
        return YAML.readTree(HEAD + "spec:\n" + spec.indent(2));
    }

    static final String CLUSTER = "cluster:\n  dmClusterRef:\n    name: basic\n";

    @Test
    void aMinimalObjectIsValid() throws IOException {
        assertThat(CrdSchema.validate(dmr(CLUSTER))).isEmpty();
    }

    @Test
    void type() throws IOException {
        assertThat(CrdSchema.validate(dmr(CLUSTER + "paused: \"yes\"")))
                .containsExactly("spec.paused: Invalid value: \"string\": must be of type boolean");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "paused: true"))).isEmpty();

        assertThat(CrdSchema.validate(dmr(CLUSTER + "maxConcurrentRemediations: \"2\"")))
                .containsExactly("spec.maxConcurrentRemediations: Invalid value: \"string\": must be of type integer");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "maxConcurrentRemediations: 2.5")))
                .containsExactly("spec.maxConcurrentRemediations: Invalid value: \"number\": must be of type integer");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "maxConcurrentRemediations: 2"))).isEmpty();

        assertThat(CrdSchema.validate(dmr(CLUSTER + "backoff:\n  factor: \"2\"")))
                .containsExactly("spec.backoff.factor: Invalid value: \"string\": must be of type number");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "backoff:\n  factor: 1.5"))).isEmpty();
        assertThat(CrdSchema.validate(dmr(CLUSTER + "backoff:\n  factor: 3"))).as("an integer is a number").isEmpty();

        assertThat(CrdSchema.validate(dmr(CLUSTER + "tasks: orders")))
                .containsExactly("spec.tasks: Invalid value: \"string\": must be of type array");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies: []")))
                .containsExactly("spec.policies: Invalid value: \"array\": must be of type object");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "pollInterval: 10")))
                .containsExactly("spec.pollInterval: Invalid value: \"integer\": must be of type string");
    }

    @Test
    void required() throws IOException {
        assertThat(CrdSchema.validate(dmr("tasks: [orders]"))).containsExactly("spec.cluster: Required value");
        assertThat(CrdSchema.validate(dmr("cluster:\n  dmClusterRef: {}")))
                .containsExactly("spec.cluster.dmClusterRef.name: Required value");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "downstream: {}")))
                .containsExactly("spec.downstream.secretRef: Required value");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "downstream:\n  secretRef:\n    name: creds"))).isEmpty();
        // the API server prunes nulls: a null required field is missing
        assertThat(CrdSchema.validate(dmr("cluster: null"))).containsExactly("spec.cluster: Required value");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "tasks: null"))).isEmpty();
    }

    @Test
    void rootFields() throws IOException {
        JsonNode wrong = YAML.readTree("apiVersion: dmremediation.io/v1\nkind: DMRemedation\nmetadata: {}\nspec:\n"
                + CLUSTER.indent(2));
        assertThat(CrdSchema.validate(wrong)).containsExactly(
                "apiVersion: Invalid value: \"dmremediation.io/v1\": must be dmremediation.io/v1alpha1",
                "kind: Invalid value: \"DMRemedation\": must be DMRemediation",
                "metadata.name: Required value");
        assertThat(CrdSchema.validate(dmr(CLUSTER))).isEmpty();
    }

    @Test
    void enumeration() throws IOException {
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    action: Restart")))
                .containsExactly("spec.policies.badConnection.action: Unsupported value: \"Restart\": supported values:"
                        + " \"None\", \"RestartTask\"");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    action: RestartTask"))).isEmpty();
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  relayBinlogOverflow:\n    action: RestartTask")))
                .singleElement().asString().startsWith("spec.policies.relayBinlogOverflow.action: Unsupported value");
    }

    @Test
    void pattern() throws IOException {
        assertThat(CrdSchema.validate(dmr(CLUSTER + "pollInterval: 10 seconds")))
                .containsExactly("spec.pollInterval: Invalid value: \"10 seconds\": should match '^([0-9]+(ms|s|m|h))+$'");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "pollInterval: 1m30s"))).isEmpty();
        assertThat(CrdSchema.validate(dmr(CLUSTER + "tasks: [orders, \"bad name!\"]")))
                .singleElement().asString().startsWith("spec.tasks[1]: Invalid value: \"bad name!\": should match");
        assertThat(CrdSchema.validate(dmr("cluster:\n  masterAddress: http://dm-master:8261/api")))
                .singleElement().asString().startsWith("spec.cluster.masterAddress: Invalid value");
        assertThat(CrdSchema.validate(dmr("cluster:\n  masterAddress: http://dm-master.dm:8261"))).isEmpty();
    }

    @Test
    void minimumAndMaximum() throws IOException {
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    maxAttempts: 0")))
                .containsExactly("spec.policies.badConnection.maxAttempts: Invalid value: 0: should be greater than or"
                        + " equal to 1");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    maxAttempts: 101")))
                .containsExactly("spec.policies.badConnection.maxAttempts: Invalid value: 101: should be less than or"
                        + " equal to 100");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    maxAttempts: 100"))).isEmpty();
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    maxAttempts: 1"))).isEmpty();
        assertThat(CrdSchema.validate(dmr(CLUSTER + "backoff:\n  factor: 10.5")))
                .containsExactly("spec.backoff.factor: Invalid value: 10.5: should be less than or equal to 10");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "backoff:\n  factor: 0.5")))
                .containsExactly("spec.backoff.factor: Invalid value: 0.5: should be greater than or equal to 1");
    }

    @Test
    void unknownFieldsAreReported() throws IOException {
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    maxAttempt: 3")))
                .singleElement().asString()
                .startsWith("spec.policies.badConnection.maxAttempt: unknown field \"maxAttempt\"");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "polices: {}")))
                .singleElement().asString().startsWith("spec.polices: unknown field");
        JsonNode extraRoot = YAML.readTree(HEAD + "spec:\n" + CLUSTER.indent(2) + "extra: 1\n");
        assertThat(CrdSchema.validate(extraRoot)).singleElement().asString().startsWith("extra: unknown field");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "policies:\n  badConnection:\n    maxAttempts: 3"))).isEmpty();
    }

    @Test
    void additionalPropertiesAreMaps() throws IOException {
        String selector = "cluster:\n  masterAddress: http://dm-master:8261\n  workerSelector:\n    matchLabels:\n";
        assertThat(CrdSchema.validate(dmr(selector + "      app: dm-worker\n      any-key-at-all: x"))).isEmpty();
        assertThat(CrdSchema.validate(dmr(selector + "      app: 1")))
                .containsExactly("spec.cluster.workerSelector.matchLabels.app: Invalid value: \"integer\": must be of"
                        + " type string");
    }

    @Test
    void items() throws IOException {
        String expr = "cluster:\n  masterAddress: http://dm-master:8261\n  workerSelector:\n    matchExpressions:\n";
        assertThat(CrdSchema.validate(dmr(expr + "      - key: app\n        operator: In\n        values: [dm-worker]")))
                .isEmpty();
        assertThat(CrdSchema.validate(dmr(expr + "      - key: app\n        operator: In\n        values: [1]")))
                .containsExactly("spec.cluster.workerSelector.matchExpressions[0].values[0]: Invalid value:"
                        + " \"integer\": must be of type string");
        assertThat(CrdSchema.validate(dmr(expr + "      - key: app\n        operater: In")))
                .singleElement().asString().startsWith("spec.cluster.workerSelector.matchExpressions[0].operater:"
                        + " unknown field");
        assertThat(CrdSchema.validate(dmr(CLUSTER + "tasks: [orders, null]")))
                .containsExactly("spec.tasks[1]: Invalid value: null: must be of type string");
    }

    @Test
    void statusIsCheckedToo() throws IOException {
        JsonNode ok = YAML.readTree(HEAD + "spec:\n" + CLUSTER.indent(2)
                + "status:\n  phase: Healthy\n  taskCount: 1\n  tasks:\n    - name: orders\n      attempts: 0\n");
        assertThat(CrdSchema.validate(ok)).isEmpty();
        JsonNode typo = YAML.readTree(HEAD + "spec:\n" + CLUSTER.indent(2) + "status:\n  phse: Healthy\n");
        assertThat(CrdSchema.validate(typo)).singleElement().asString().startsWith("status.phse: unknown field");
    }

    /** Rules our CRD does not use today, on a hand-written schema, so a future field using them is checked right. */
    @Test
    void rulesBeyondOurCrd() throws IOException {
        CrdSchema schema = CrdSchema.of(YAML.readTree("""
                spec:
                  group: example.io
                  names: {kind: Thing}
                  versions:
                    - name: v1
                      storage: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec:
                              type: object
                              properties:
                                free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                                port: {x-kubernetes-int-or-string: true}
                                name: {type: string, minLength: 2, maxLength: 4}
                                list: {type: array, minItems: 1, maxItems: 2, items: {type: string}}
                                ratio: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true}
                """), null);
        String head = "apiVersion: example.io/v1\nkind: Thing\nmetadata: {name: x}\nspec:\n";
        assertThat(schema.errors(YAML.readTree(head + "  free: {anything: [1, 2]}\n  port: http\n  name: abc\n"
                + "  list: [a]\n  ratio: 0.5\n"))).isEmpty();
        assertThat(schema.errors(YAML.readTree(head + "  port: 8080\n"))).isEmpty();
        assertThat(schema.errors(YAML.readTree(head + "  port: true\n  name: a\n  list: []\n  ratio: 0\n")))
                .containsExactlyInAnyOrder(
                        "spec.port: Invalid value: \"boolean\": must be an integer or a string",
                        "spec.name: Invalid value: \"a\": should be at least 2 chars long",
                        "spec.list: Invalid value: should have at least 1 items",
                        "spec.ratio: Invalid value: 0: should be greater than 0");
        assertThat(schema.errors(YAML.readTree(head + "  name: abcde\n  list: [a, b, c]\n  ratio: 1\n")))
                .containsExactlyInAnyOrder(
                        "spec.name: Too long: may not be longer than 4",
                        "spec.list: Too many: 3: must have at most 2 items",
                        "spec.ratio: Invalid value: 1: should be less than 1");
    }
}
