package io.dmremediation.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.packaging.EveryFieldRejectedTest;
import io.dmremediation.packaging.Tools;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The user's first steps on a real API server: {@code kubectl apply -f crds/}, then every file in examples/, each
 * validated by the server (strict field validation, kubectl's default) and stored as written, with the schema's
 * defaults; then every wrong value of {@link EveryFieldRejectedTest}'s table, held to its "who rejects it" column:
 * what the schema (or a CEL rule) can reject is refused at apply time with the field named and nothing stored, and
 * what only the operator can judge is accepted as sent.
 */
@Tag(Worlds.REAL_ONLY)
class KubectlApplyTest {

    static final String EXAMPLES_NAMESPACE = "dm";
    static final ObjectMapper YAML = new YAMLMapper();
    static ControlPlane cp;
    static Cli cli;

    /** Some tests here remove the CRD to start from a cluster without it; the others need it. */
    @org.junit.jupiter.api.BeforeEach
    void theCrdIsThere() {
        if (cp.admin().apiextensions().v1().customResourceDefinitions().withName("dmremediations.dmremediation.io")
                .get() == null) {
            ControlPlaneWorld.applyCrds(cli, cp.admin());
        }
    }

    @BeforeAll
    static void controlPlane() {
        cp = ControlPlane.shared();
        cli = Cli.of(cp);
        cp.admin().resource(new NamespaceBuilder().withNewMetadata().withName(EXAMPLES_NAMESPACE).endMetadata().build())
                .createOr(r -> r.update());
    }

    /** The README's way to manage the CRD without the chart ({@code crds.install=false}), on a cluster without it. */
    @Test
    void theCrdsApplyAndTheApiServesThem() {
        ControlPlaneWorld.removeCrd(cp.admin());
        String out = Cli.ok(cli.kubectl("apply", "--server-side", "-f", Tools.projectDir().resolve("crds").toString()),
                "kubectl apply --server-side -f crds/");
        assertThat(out).matches("(?s)customresourcedefinition.apiextensions.k8s.io/dmremediations.dmremediation.io "
                + "serverside-applied\\s*");
        ControlPlaneWorld.awaitEstablished(cp.admin(), "dmremediations.dmremediation.io");
        String line = Cli.ok(cli.kubectl("api-resources", "--api-group=dmremediation.io"), "api-resources").lines()
                .filter(l -> l.startsWith("dmremediations ")).findFirst().orElse("");
        assertThat(line.strip().split("\\s+")).containsExactly("dmremediations", "dmr", "dmremediation.io/v1alpha1",
                "true", "DMRemediation");
        // the server publishes the schema (OpenAPI v3): explain reads the CRD's descriptions, a moment after the
        // CRD is Established (the OpenAPI aggregation runs behind it)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                cli.kubectl("explain", "dmr.spec.policies.invalidConnection").exitCode() == 0);
        String explain = Cli.ok(cli.kubectl("explain", "dmr.spec.policies.invalidConnection"), "explain");
        assertThat(explain).contains("maxAttempts").contains("waitForAutoResume");
    }

    /**
     * The README's Install block on a cluster without the CRD, its kubectl and helm lines as written (the image built and pushed before is
     * {@code ghcr.io/dmremediation/dm-remediation-operator:0.1.0} here): each succeeds, and the chart's objects are
     * there. No kubelet runs that namespace's pods; the operator running from the chart is
     * OperatorOnControlPlaneTest's.
     */
    @Test
    void theReadmesInstallCommandsWork() throws IOException {
        String readme = Files.readString(Tools.projectDir().resolve("README.md"));
        String block = readme.substring(readme.indexOf("## Install"));
        block = block.substring(block.indexOf("```bash\n") + 8, block.indexOf("\n```", block.indexOf("```bash\n") + 8));
        List<List<String>> commands = new ArrayList<>();
        for (String line : block.replace("\\\n", " ").split("\n")) {
            String cmd = line.replaceFirst("\\s+#.*$", "").strip().replace("<registry>", "ghcr.io/dmremediation");
            if (cmd.startsWith("kubectl ") || cmd.startsWith("helm ")) {
                List<String> args = new ArrayList<>();
                for (String a : cmd.split("\\s+")) {
                    // paths of the repository, wherever the test runs
                    Path p = Tools.projectDir().resolve(a);
                    args.add(!a.startsWith("-") && a.contains("/") && Files.exists(p) ? p.toString() : a);
                }
                commands.add(args);
            }
        }
        assertThat(commands).extracting(c -> c.get(0) + " " + c.get(1)).containsSubsequence("helm install",
                "kubectl apply", "kubectl get");
        // a cluster as the README finds it: no CRD yet (the chart brings it)
        ControlPlaneWorld.removeCrd(cp.admin());
        try {
            for (List<String> c : commands) {
                String[] args = c.subList(1, c.size()).toArray(String[]::new);
                Cli.ok(c.get(0).equals("helm") ? cli.helm(args) : cli.kubectl(args), String.join(" ", c));
            }
            assertThat(cp.admin().apps().deployments().inNamespace("dm-remediation")
                    .withName(ControlPlaneWorld.FULLNAME).get().getSpec().getTemplate().getSpec().getContainers().get(0)
                    .getImage()).isEqualTo("ghcr.io/dmremediation/dm-remediation-operator:0.1.0");
            assertThat(cp.admin().rbac().clusterRoles().withName(ControlPlaneWorld.FULLNAME).get()).isNotNull();
            assertThat(cp.admin().resources(DMRemediation.class).inNamespace(EXAMPLES_NAMESPACE).withName("basic").get())
                    .isNotNull();
        } finally {
            cli.helm("uninstall", "dmr", "--namespace", "dm-remediation");
            for (String f : List.of("basic.yaml", "downstream-secret.yaml")) {
                cli.kubectl("delete", "-f", Tools.projectDir().resolve("examples").resolve(f).toString(),
                        "--ignore-not-found", "--wait=false");
            }
        }
    }

    /**
     * The CRD the chart installed stays after {@code helm uninstall} (resource policy keep) and belongs to that
     * release: the same release in the same namespace installs again, any other is refused (helm's ownership
     * check) until it leaves the CRD to the user ({@code crds.install=false}).
     */
    @Test
    void aKeptCrdBelongsToItsRelease() {
        String chart = Tools.projectDir().resolve("helm").resolve("dm-remediation-operator").toString();
        ControlPlaneWorld.removeCrd(cp.admin());
        try {
            Cli.ok(cli.helm("install", "keeper", chart, "-n", "crd-owner", "--create-namespace"), "first install");
            Cli.ok(cli.helm("uninstall", "keeper", "-n", "crd-owner"), "uninstall");
            assertThat(cp.admin().apiextensions().v1().customResourceDefinitions()
                    .withName("dmremediations.dmremediation.io").get()).as("kept").isNotNull();
            Cli.ok(cli.helm("install", "keeper", chart, "-n", "crd-owner"), "the same release again");
            Cli.ok(cli.helm("uninstall", "keeper", "-n", "crd-owner"), "uninstall");
            var other = cli.helm("install", "another", chart, "-n", "crd-owner");
            assertThat(other.exitCode()).as("another release with the chart's CRD").isNotZero();
            assertThat(other.stderr()).contains("dmremediations.dmremediation.io").contains("cannot be imported");
            Cli.ok(cli.helm("install", "another", chart, "-n", "crd-owner", "--set", "crds.install=false"),
                    "another release that leaves the CRD alone");
        } finally {
            cli.helm("uninstall", "keeper", "-n", "crd-owner");
            cli.helm("uninstall", "another", "-n", "crd-owner");
        }
    }

    static Stream<String> examples() throws IOException {
        try (var files = Files.list(Tools.projectDir().resolve("examples"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleIsAcceptedAndStoredAsWritten(String file) throws IOException {
        Path path = Tools.projectDir().resolve("examples").resolve(file);
        try {
            Cli.ok(cli.kubectl("apply", "-f", path.toString()), "kubectl apply -f examples/" + file);
            for (JsonNode doc : documents(Files.readString(path))) {
                GenericKubernetesResource stored = get(cp.admin(), doc);
                assertThat(stored).as("%s %s stored", doc.path("kind").asText(), name(doc)).isNotNull();
                JsonNode back = new ObjectMapper().valueToTree(stored);
                if ("Secret".equals(doc.path("kind").asText())) {
                    // stringData is write-only: it reads back as data
                    doc.path("stringData").fields().forEachRemaining(e -> assertThat(back.path("data").has(e.getKey()))
                            .as("Secret key %s", e.getKey()).isTrue());
                    continue;
                }
                assertContains(back.path("spec"), doc.path("spec"), "spec");
                // what the file leaves out the schema's defaults fill in (the operator relies on them)
                assertThat(back.path("spec").path("pollInterval").asText()).as("pollInterval default or as set")
                        .isEqualTo(doc.path("spec").path("pollInterval").asText("10s"));
            }
        } finally {
            cli.kubectl("delete", "-f", path.toString(), "--ignore-not-found", "--wait=false");
        }
    }

    static Stream<Object[]> badInput() {
        return EveryFieldRejectedTest.rows().stream();
    }

    @ParameterizedTest(name = "{0} = {1} ({2})")
    @MethodSource("badInput")
    void badInputIsJudgedAtApplyTimeAsTheTableSays(String path, String json, EveryFieldRejectedTest.Rejection by)
            throws Exception {
        String namespace = "apply-checks";
        cp.admin().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .createOr(r -> r.update());
        JsonNode resource = EveryFieldRejectedTest.withValue(path, json);
        String name = "bad-" + Integer.toHexString((path + json).hashCode() & 0xfffffff);
        ((ObjectNode) resource.path("metadata")).put("name", name).put("namespace", namespace);
        var run = cli.kubectlWithInput(YAML.writeValueAsString(resource), "apply", "-f", "-");
        try {
            DMRemediation stored = cp.admin().resources(DMRemediation.class).inNamespace(namespace).withName(name).get();
            if (by == EveryFieldRejectedTest.Rejection.OPERATOR) {
                assertThat(run.exitCode()).as("the API server accepts %s = %s (the operator judges it): %s", path, json,
                        run.all()).isZero();
                JsonNode back = new ObjectMapper().valueToTree(stored);
                assertThat(at(back, path)).as("stored as sent").isEqualTo(new ObjectMapper().readTree(json));
            } else {
                assertThat(run.exitCode()).as("kubectl apply of %s = %s must fail", path, json).isNotZero();
                // the schema names the field's path; a CEL rule names the object it sits on, its message the field
                assertThat(run.stderr()).as("the error names the field").contains(
                        by == EveryFieldRejectedTest.Rejection.SCHEMA ? path : path.substring(path.lastIndexOf('.') + 1));
                assertThat(stored).as("nothing stored").isNull();
            }
        } finally {
            cp.admin().resources(DMRemediation.class).inNamespace(namespace).withName(name).delete();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(YAML.getFactory().createParser(yaml))) {
            while (it.hasNext()) {
                JsonNode d = (JsonNode) it.next();
                if (d != null && d.isObject()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("namespace").asText() + "/" + doc.path("metadata").path("name").asText();
    }

    static GenericKubernetesResource get(KubernetesClient client, JsonNode doc) {
        return client.genericKubernetesResources(doc.path("apiVersion").asText(), doc.path("kind").asText())
                .inNamespace(doc.path("metadata").path("namespace").asText())
                .withName(doc.path("metadata").path("name").asText()).get();
    }

    /** Every field the file sets is stored with the same value: the server pruned and rewrote nothing. */
    static void assertContains(JsonNode stored, JsonNode written, String where) {
        if (written.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = written.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(stored.has(e.getKey())).as("%s.%s kept", where, e.getKey()).isTrue();
                assertContains(stored.get(e.getKey()), e.getValue(), where + "." + e.getKey());
            }
        } else {
            assertThat(stored).as(where).isEqualTo(written);
        }
    }

    static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }
}
