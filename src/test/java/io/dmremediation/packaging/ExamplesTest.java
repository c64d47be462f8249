package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.SpecValidator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** examples/: every file parses, every DMRemediation passes the CRD schema and the Java validator. */
class ExamplesTest {

    static final YAMLMapper YAML = new YAMLMapper();
    static final KubernetesSerialization K8S = new KubernetesSerialization();

    static Path examples() {
        return Tools.projectDir().resolve("examples");
    }

    /** Every YAML document of a file (a file may hold several, separated by ---). */
    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class)
                .readValues(new YAMLFactory().createParser(Files.readString(file)))) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(examples())) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static JsonNode single(String file) throws IOException {
        List<JsonNode> docs = documents(examples().resolve(file));
        assertThat(docs).as(file).hasSize(1);
        return docs.get(0);
    }

    @Test
    void oneExamplePerSituation() throws IOException {
        assertThat(files()).extracting(p -> p.getFileName().toString()).contains("basic.yaml",
                "explicit-address.yaml", "full-policies.yaml", "dry-run.yaml", "downstream-secret.yaml");
        assertThat(files()).allSatisfy(p -> assertThat(p.getFileName().toString()).endsWith(".yaml"));
    }

    @Test
    void everyDmRemediationPassesTheCrdSchemaAndTheJavaValidator() throws IOException {
        int checked = 0;
        for (Path file : files()) {
            List<JsonNode> docs = documents(file);
            assertThat(docs).as("%s has a document", file.getFileName()).isNotEmpty();
            for (JsonNode doc : docs) {
                assertThat(doc.path("apiVersion").isTextual() && doc.path("kind").isTextual())
                        .as("%s: every document has apiVersion and kind", file.getFileName()).isTrue();
                if (!"DMRemediation".equals(doc.path("kind").asText())) {
                    continue;
                }
                assertThat(CrdSchema.validate(doc)).as("%s against the CRD schema", file.getFileName()).isEmpty();
                DMRemediation r = K8S.convertValue(doc, DMRemediation.class);
                assertThat(r.getSpec()).as(file.getFileName().toString()).isNotNull();
                assertThat(SpecValidator.validate(r.getSpec())).as("%s against SpecValidator", file.getFileName())
                        .isEmpty();
                assertThat(r.getMetadata().getNamespace()).as("%s: namespace of the sandbox and docs", file.getFileName())
                        .isEqualTo("dm");
                checked++;
            }
        }
        assertThat(checked).as("DMRemediations checked").isGreaterThanOrEqualTo(4);
    }

    @Test
    void eachExampleShowsItsSituation() throws IOException {
        JsonNode basic = single("basic.yaml").path("spec").path("cluster");
        assertThat(basic.path("dmClusterRef").path("name").asText()).isEqualTo("basic");

        JsonNode explicit = single("explicit-address.yaml").path("spec").path("cluster");
        assertThat(explicit.has("dmClusterRef")).isFalse();
        assertThat(explicit.path("masterAddress").asText()).startsWith("http");
        assertThat(explicit.path("workerSelector").path("matchLabels").size()).isPositive();

        assertThat(single("dry-run.yaml").path("spec").path("dryRun").asBoolean(false)).isTrue();
        assertThat(single("full-policies.yaml").path("spec").path("dryRun").asBoolean(true)).isFalse();
    }

    /**
     * full-policies.yaml sets every field of the spec (cluster.masterAddress and workerSelector excepted: they exclude
     * dmClusterRef, explicit-address.yaml shows them), so a field added to the CRD must be added and explained there.
     */
    @Test
    void fullPoliciesSetsEveryFieldOfTheSpec() throws IOException {
        JsonNode specSchema = YAML.readTree(Files.readString(Tools.projectDir().resolve("crds")
                .resolve("dmremediations.dmremediation.io-v1.yml"))).path("spec").path("versions").get(0)
                .path("schema").path("openAPIV3Schema").path("properties").path("spec");
        Set<String> schemaLeaves = new TreeSet<>();
        leaves("spec", specSchema, schemaLeaves);
        schemaLeaves.removeIf(p -> p.startsWith("spec.cluster.masterAddress") || p.startsWith("spec.cluster.workerSelector"));
        assertThat(schemaLeaves).as("the CRD has leaves").contains("spec.policies.badConnection.maxAttempts");

        JsonNode full = single("full-policies.yaml");
        Set<String> set = new TreeSet<>();
        valueLeaves("spec", full.path("spec"), set);
        assertThat(set).containsAll(schemaLeaves);
    }

    /** Each field directly under spec in full-policies.yaml comes after a comment that explains it. */
    @Test
    void fullPoliciesExplainsEachField() throws IOException {
        List<String> lines = Files.readAllLines(examples().resolve("full-policies.yaml"));
        int spec = lines.indexOf("spec:");
        assertThat(spec).isPositive();
        List<String> unexplained = new ArrayList<>();
        for (int i = spec + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.matches("^ {2}[A-Za-z]+:.*")) {
                String previous = lines.get(i - 1).strip();
                if (!previous.startsWith("#")) {
                    unexplained.add(line.strip());
                }
            }
        }
        assertThat(unexplained).as("spec fields without a comment above them").isEmpty();
    }

    @Test
    void theSecretExampleIsATemplateWithoutRealValues() throws IOException {
        JsonNode secret = single("downstream-secret.yaml");
        assertThat(secret.path("kind").asText()).isEqualTo("Secret");
        assertThat(secret.has("data")).as("base64 data would hide what is in it").isFalse();
        JsonNode data = secret.path("stringData");
        Set<String> keys = new TreeSet<>();
        data.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrder("host", "port", "user", "password");
        for (String key : List.of("host", "user", "password")) {
            assertThat(data.path(key).asText()).as(key + " must be a <placeholder>").matches("<[a-z-]+>");
        }
        assertThat(data.path("port").asText()).matches("[0-9]+");
        // the name every DMRemediation example refers to
        for (Path file : files()) {
            for (JsonNode doc : documents(file)) {
                JsonNode ref = doc.path("spec").path("downstream").path("secretRef").path("name");
                if (!ref.isMissingNode()) {
                    assertThat(ref.asText()).as(file.getFileName().toString())
                            .isEqualTo(secret.path("metadata").path("name").asText());
                }
            }
        }
    }

    /** No example carries anything that looks like a credential (a quoted long random string, a password value). */
    @Test
    void noExampleCarriesASecretValue() throws IOException {
        for (Path file : files()) {
            String text = Files.readString(file);
            assertThat(text).as(file.getFileName().toString())
                    .doesNotContainPattern("(?i)password:\\s*\"?(?!\"?<)[^\\s\"#]{3,}")
                    .doesNotContainPattern("[A-Za-z0-9+/]{32,}={0,2}");
        }
    }

    private static void leaves(String path, JsonNode schema, Set<String> out) {
        JsonNode props = schema.path("properties");
        if (props.isObject() && props.size() > 0) {
            Iterator<Map.Entry<String, JsonNode>> it = props.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                leaves(path + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.add(path);
        }
    }

    private static void valueLeaves(String path, JsonNode value, Set<String> out) {
        if (value.isObject() && value.size() > 0) {
            Iterator<Map.Entry<String, JsonNode>> it = value.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                valueLeaves(path + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.add(path);
        }
    }
}
