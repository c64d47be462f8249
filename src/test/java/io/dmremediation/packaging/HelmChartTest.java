package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart, checked with the real helm (v4, fetched by {@link Tools}): lint, and the rendered manifests for
 * the defaults, namespaced mode and leader election off, parsed and asserted on.
 */
class HelmChartTest {

    static final String RELEASE = "dmr";
    static final String NS = "ops";
    static final String FULLNAME = "dmr-dm-remediation-operator";
    static final String IMAGE = "ghcr.io/dmremediation/dm-remediation-operator:0.1.0";
    static final String CRD = "dmremediations.dmremediation.io-v1.yml";
    static final YAMLMapper YAML = new YAMLMapper();
    /** The label of the chart's aggregated ClusterRoles for people. */
    static final String USER_ROLE = "users";

    static Path chart() {
        return Tools.projectDir().resolve("helm").resolve("dm-remediation-operator");
    }

    /** helm keeps its config, cache and data under target/ instead of the user's home. */
    static Map<String, String> helmEnv() {
        Path home = Tools.targetDir().resolve("helm-home");
        return Map.of("HELM_CONFIG_HOME", home.resolve("config").toString(),
                "HELM_CACHE_HOME", home.resolve("cache").toString(),
                "HELM_DATA_HOME", home.resolve("data").toString());
    }

    static Tools.Run helm(String... args) {
        return Tools.run(Tools.cmd(Tools.helm(), args), helmEnv(), Duration.ofMinutes(2));
    }

    /** {@code helm template} with the given --set values; fails the test unless it renders. */
    static Rendered template(String... sets) throws IOException {
        List<String> args = new ArrayList<>(List.of("template", RELEASE, chart().toString(), "--namespace", NS));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        Tools.Run run = helm(args.toArray(String[]::new));
        assertThat(run.exitCode()).as("helm %s: %s", String.join(" ", args), run.stderr()).isZero();
        return new Rendered(parse(run.stdout()));
    }

    static List<JsonNode> parse(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(yaml))) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && d.isObject()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    record Rendered(List<JsonNode> docs) {
        List<JsonNode> ofKind(String kind) {
            return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        }

        /** The operator's own Roles and ClusterRoles, not the aggregated ones for people. */
        List<JsonNode> operatorRoles(String kind) {
            return ofKind(kind).stream().filter(d -> !USER_ROLE.equals(d.path("metadata").path("labels")
                    .path("dmremediation.io/role-for").asText())).toList();
        }

        JsonNode operatorClusterRole() {
            List<JsonNode> all = operatorRoles("ClusterRole");
            assertThat(all).as("one operator ClusterRole").hasSize(1);
            return all.get(0);
        }

        JsonNode one(String kind) {
            List<JsonNode> all = ofKind(kind);
            assertThat(all).as("one %s", kind).hasSize(1);
            return all.get(0);
        }

        JsonNode container() {
            return one("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
        }

        Map<String, JsonNode> env() {
            Map<String, JsonNode> env = new java.util.LinkedHashMap<>();
            container().path("env").forEach(e -> env.put(e.path("name").asText(), e));
            return env;
        }

        String env(String name) {
            JsonNode e = env().get(name);
            assertThat(e).as("env %s", name).isNotNull();
            return e.path("value").asText();
        }
    }

    /** A rule as a comparable line: apiGroup|resource|verbs|resourceNames. */
    static Set<String> rules(JsonNode role) {
        Set<String> out = new TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
            List<String> verbs = new ArrayList<>();
            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            List<String> names = new ArrayList<>();
            rule.path("resourceNames").forEach(v -> names.add(v.asText()));
            for (JsonNode g : rule.path("apiGroups")) {
                for (JsonNode r : rule.path("resources")) {
                    out.add(g.asText() + "|" + r.asText() + "|" + String.join(",", verbs)
                            + (names.isEmpty() ? "" : "|" + String.join(",", names)));
                }
            }
        }
        return out;
    }

    /** What the operator's code uses in a watched namespace: see the reasons in templates/_helpers.tpl. */
    static final Set<String> WATCH_RULES = Set.of(
            "dmremediation.io|dmremediations|get,list,watch,update,patch",
            "dmremediation.io|dmremediations/status|update",
            "|pods|get,list,watch,delete",
            "batch|jobs|get,list,watch,create,delete",
            "|secrets|get,create,patch,delete",
            "|events|get,create,patch",
            "pingcap.com|dmclusters|get");
    static final String SELF_SUBJECT_RULES_REVIEW = "authorization.k8s.io|selfsubjectrulesreviews|create";
    static final Set<String> LEASE_RULES = Set.of(
            "coordination.k8s.io|leases|create",
            "coordination.k8s.io|leases|get,update,patch|" + FULLNAME);

    // ------------------------------------------------------------------------------------------ chart files

    @Test
    void chartCrdIsTheGeneratedOne() throws IOException {
        String inChart = Files.readString(chart().resolve("files").resolve(CRD));
        assertThat(inChart).as("helm/dm-remediation-operator/files/%s must be a copy of crds/%s", CRD, CRD)
                .isEqualTo(Files.readString(Tools.projectDir().resolve("crds").resolve(CRD)));
        try (InputStream in = getClass().getResourceAsStream(CrdSchema.CRD_RESOURCE)) {
            assertThat(in).isNotNull();
            assertThat(inChart).as("and of the CRD the build generates").isEqualTo(new String(in.readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(chart().resolve("crds")).as("Helm never upgrades crds/: the CRD is a template").doesNotExist();
    }

    @Test
    void chartYamlAndValuesAreDocumented() throws IOException {
        JsonNode chartYaml = YAML.readTree(chart().resolve("Chart.yaml").toFile());
        assertThat(chartYaml.path("apiVersion").asText()).isEqualTo("v2");
        assertThat(chartYaml.path("appVersion").asText()).isEqualTo("0.1.0");
        // values.yaml is documented line by line: a top-level key has a comment right above it, or it is a group
        // (image:, leaderElection:, ...) each of whose keys has one; deeper keys are part of a documented value
        List<String> lines = Files.readAllLines(chart().resolve("values.yaml"));
        List<String> undocumented = new ArrayList<>();
        boolean groupUndocumented = false;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean commented = lines.get(i - 1).strip().startsWith("#");
            if (line.matches("^[A-Za-z][A-Za-z0-9]*:.*")) {
                groupUndocumented = !commented;
                if (!commented && !line.matches("^[A-Za-z][A-Za-z0-9]*:\\s*$")) {
                    undocumented.add(line);
                }
            } else if (groupUndocumented && line.matches("^  [A-Za-z][A-Za-z0-9]*:.*") && !commented) {
                undocumented.add(line.strip());
            }
        }
        assertThat(undocumented).as("values.yaml keys without a comment").isEmpty();
        assertThat(lines.stream().filter(l -> l.matches("^[A-Za-z].*:.*")).count()).as("top-level keys").isGreaterThan(20);
    }

    // ------------------------------------------------------------------------------------------ helm lint

    @Test
    void lintStrictPassesForEveryMode() {
        for (List<String> sets : List.of(List.<String>of(), List.of("watchNamespaces={dm,dm2}"),
                List.of("leaderElection.enabled=false", "replicaCount=1"), List.of("serviceMonitor.enabled=true"),
                List.of("prometheusRule.enabled=true", "grafanaDashboard.enabled=true"),
                List.of("crds.install=false", "rbac.userRoles=false", "podDisruptionBudget.enabled=false"),
                List.of("image.digest=sha256:" + "b".repeat(64), "jobs.tolerations[0].key=dedicated",
                        "jobs.tolerations[0].operator=Exists", "jobs.nodeSelector.pool=dm",
                        "workerPodSelector=app=dm-worker"))) {
            List<String> args = new ArrayList<>(List.of("lint", "--strict", chart().toString()));
            sets.forEach(s -> args.addAll(List.of("--set", s)));
            Tools.Run run = helm(args.toArray(String[]::new));
            assertThat(run.exitCode()).as("helm lint --strict %s: %s", sets, run.all()).isZero();
            assertThat(run.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
            assertThat(run.all()).doesNotContain("[WARNING]", "[ERROR]");
        }
    }

    @Test
    void theSchemaRejectsBadValues() {
        Map<String, String> bad = Map.of(
                "logFormat=xml", "/logFormat",
                "logLevel=VERBOSE", "/logLevel",
                "replicaCount=-1", "/replicaCount",
                "httpPort=80", "/httpPort",
                "image.pullPolicy=Sometimes", "/image/pullPolicy",
                "watchNamespaces={Bad_NS}", "/watchNamespaces/0",
                "image.digest=latest", "/image/digest",
                "prometheusRule.dmMasterUnreachableFor=five", "/prometheusRule/dmMasterUnreachableFor",
                "jobs.resourcez.cpu=1", "resourcez",
                "replicaCont=2", "replicaCont");
        bad.forEach((set, where) -> {
            Tools.Run run = helm("template", RELEASE, chart().toString(), "--set", set);
            assertThat(run.exitCode()).as("--set %s must be rejected", set).isNotZero();
            assertThat(run.stderr()).as(set).contains("values don't meet the specifications").contains(where);
        });
    }

    @Test
    void twoReplicasWithoutLeaderElectionAreRefused() {
        Tools.Run run = helm("template", RELEASE, chart().toString(), "--set", "leaderElection.enabled=false");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("replicaCount > 1 needs leaderElection.enabled");
    }

    // ------------------------------------------------------------------------------------------ defaults

    @Test
    void defaultsRenderAClusterWideOperatorWithLeaderElection() throws IOException {
        Rendered r = template();
        Set<String> kinds = r.docs().stream().map(d -> d.path("kind").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(kinds).containsExactly("ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Deployment",
                "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount");
        JsonNode deployment = r.one("Deployment");
        assertThat(deployment.path("metadata").path("name").asText()).isEqualTo(FULLNAME);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode pod = deployment.path("spec").path("template");
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo(FULLNAME);
        assertThat(r.one("ServiceAccount").path("metadata").path("name").asText()).isEqualTo(FULLNAME);

        JsonNode c = r.container();
        assertThat(c.path("image").asText()).isEqualTo(IMAGE);
        assertThat(c.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(c.path("args").toString()).isEqualTo("[\"operator\"]");
        assertThat(r.env("JOB_IMAGE")).as("the repair Jobs run the operator's own image").isEqualTo(IMAGE);
        assertThat(r.env("WATCH_NAMESPACES")).isEmpty();
        assertThat(r.env("LEADER_ELECTION")).isEqualTo("true");
        assertThat(r.env("LEASE_NAME")).isEqualTo(FULLNAME);
        assertThat(r.env("LOG_LEVEL")).isEqualTo("INFO");
        assertThat(r.env("LOG_FORMAT")).isEqualTo("text");
        assertThat(r.env("HTTP_PORT")).isEqualTo("8080");
        assertThat(r.env().get("POD_NAMESPACE").path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("metadata.namespace");
        assertThat(r.env().get("POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("metadata.name");

        assertThat(c.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(c.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(c.path("startupProbe").path("failureThreshold").asInt() * c.path("startupProbe")
                .path("periodSeconds").asInt()).isGreaterThanOrEqualTo(60);
        assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("512Mi");
        assertThat(c.path("resources").path("requests").path("cpu").asText()).isEqualTo("100m");

        JsonNode sc = c.path("securityContext");
        assertThat(sc.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(sc.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(sc.path("capabilities").has("add")).isFalse();
        assertThat(sc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode podSc = pod.path("spec").path("securityContext");
        assertThat(podSc.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSc.path("runAsUser").asInt()).as("the image's user").isEqualTo(65532);
        assertThat(podSc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        // /tmp is the only writable path
        assertThat(c.path("volumeMounts").toString()).isEqualTo("[{\"name\":\"tmp\",\"mountPath\":\"/tmp\"}]");
        assertThat(pod.path("spec").path("volumes").get(0).path("emptyDir").path("sizeLimit").asText()).isEqualTo("64Mi");

        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText()).isEqualTo("8080");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(pod.path("spec").path("affinity").path("podAntiAffinity").isObject())
                .as("replicas spread over nodes by default").isTrue();

        JsonNode service = r.one("Service");
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
        assertThat(service.path("spec").path("selector"))
                .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
        assertThat(r.ofKind("ServiceMonitor")).as("off by default").isEmpty();
    }

    @Test
    void defaultRbacIsExactlyWhatTheOperatorUses() throws IOException {
        Rendered r = template();
        JsonNode clusterRole = r.operatorClusterRole();
        Set<String> expected = new TreeSet<>(WATCH_RULES);
        expected.add(SELF_SUBJECT_RULES_REVIEW);
        assertThat(rules(clusterRole)).isEqualTo(expected);

        JsonNode binding = r.one("ClusterRoleBinding");
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(clusterRole.path("metadata").path("name").asText());
        assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo(FULLNAME);
        assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo(NS);

        JsonNode lease = r.one("Role");
        assertThat(lease.path("metadata").path("namespace").asText()).as("the Lease lives next to the operator")
                .isEqualTo(NS);
        assertThat(rules(lease)).isEqualTo(LEASE_RULES);
        assertThat(r.one("RoleBinding").path("roleRef").path("name").asText())
                .isEqualTo(lease.path("metadata").path("name").asText());
        assertNoWildcards(r);
    }

    // ------------------------------------------------------------------------------------------ modes

    @Test
    void namespacedModeHasARolePerWatchedNamespaceAndNoClusterRole() throws IOException {
        Rendered r = template("watchNamespaces={dm,dm2}");
        assertThat(r.operatorRoles("ClusterRole")).isEmpty();
        assertThat(r.ofKind("ClusterRoleBinding")).isEmpty();
        assertThat(r.env("WATCH_NAMESPACES")).isEqualTo("dm,dm2");

        Map<String, JsonNode> roles = r.ofKind("Role").stream()
                .collect(Collectors.toMap(d -> d.path("metadata").path("namespace").asText(), d -> d));
        assertThat(roles.keySet()).containsExactlyInAnyOrder("dm", "dm2", NS);
        assertThat(rules(roles.get("dm"))).isEqualTo(WATCH_RULES);
        assertThat(rules(roles.get("dm2"))).isEqualTo(WATCH_RULES);
        assertThat(rules(roles.get(NS))).isEqualTo(LEASE_RULES);

        Map<String, JsonNode> bindings = r.ofKind("RoleBinding").stream()
                .collect(Collectors.toMap(d -> d.path("metadata").path("namespace").asText(), d -> d));
        assertThat(bindings.keySet()).containsExactlyInAnyOrder("dm", "dm2", NS);
        for (String ns : List.of("dm", "dm2", NS)) {
            JsonNode b = bindings.get(ns);
            assertThat(b.path("roleRef").path("kind").asText()).isEqualTo("Role");
            assertThat(b.path("roleRef").path("name").asText()).isEqualTo(roles.get(ns).path("metadata").path("name").asText());
            assertThat(b.path("subjects").get(0).path("name").asText()).isEqualTo(FULLNAME);
            assertThat(b.path("subjects").get(0).path("namespace").asText()).as("the operator's own namespace").isEqualTo(NS);
        }
        assertNoWildcards(r);
    }

    @Test
    void leaderElectionOffRendersOneReplicaWithoutLease() throws IOException {
        Rendered r = template("leaderElection.enabled=false", "replicaCount=1");
        assertThat(r.env("LEADER_ELECTION")).isEqualTo("false");
        JsonNode deployment = r.one("Deployment");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(deployment.path("spec").path("strategy").path("type").asText())
                .as("never two acting replicas during an upgrade").isEqualTo("Recreate");
        assertThat(r.ofKind("Role")).as("no lease Role").isEmpty();
        assertThat(r.ofKind("RoleBinding")).isEmpty();
        assertThat(rules(r.operatorClusterRole())).isEqualTo(WATCH_RULES);
        assertThat(r.ofKind("PodDisruptionBudget")).as("no budget for a single replica").isEmpty();

        Rendered namespaced = template("leaderElection.enabled=false", "replicaCount=1", "watchNamespaces={dm}");
        assertThat(namespaced.ofKind("Role")).singleElement()
                .satisfies(role -> assertThat(role.path("metadata").path("namespace").asText()).isEqualTo("dm"));
        assertThat(namespaced.operatorRoles("ClusterRole")).isEmpty();
    }

    @Test
    void valuesReachTheManifests() throws IOException {
        Rendered r = template("image.repository=registry.example/dmr", "image.tag=1.2.3", "image.pullPolicy=Always",
                "imagePullSecrets[0].name=regcred", "logLevel=DEBUG", "logFormat=json", "httpPort=9090",
                "leaderElection.leaseName=my-lease", "nodeSelector.disktype=ssd",
                "tolerations[0].key=dedicated", "tolerations[0].operator=Exists",
                "podAnnotations.team=data", "serviceMonitor.enabled=true", "serviceMonitor.labels.release=prom");
        JsonNode c = r.container();
        assertThat(c.path("image").asText()).isEqualTo("registry.example/dmr:1.2.3");
        assertThat(r.env("JOB_IMAGE")).isEqualTo("registry.example/dmr:1.2.3");
        assertThat(c.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(r.env("LOG_LEVEL")).isEqualTo("DEBUG");
        assertThat(r.env("LOG_FORMAT")).isEqualTo("json");
        assertThat(r.env("HTTP_PORT")).isEqualTo("9090");
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(9090);
        assertThat(r.env("LEASE_NAME")).isEqualTo("my-lease");
        assertThat(rules(r.one("Role"))).contains("coordination.k8s.io|leases|get,update,patch|my-lease");
        JsonNode pod = r.one("Deployment").path("spec").path("template");
        assertThat(pod.path("spec").path("imagePullSecrets").get(0).path("name").asText()).isEqualTo("regcred");
        assertThat(pod.path("spec").path("nodeSelector").path("disktype").asText()).isEqualTo("ssd");
        assertThat(pod.path("spec").path("tolerations").get(0).path("key").asText()).isEqualTo("dedicated");
        assertThat(pod.path("metadata").path("annotations").path("team").asText()).isEqualTo("data");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText()).isEqualTo("9090");
        JsonNode monitor = r.one("ServiceMonitor");
        assertThat(monitor.path("metadata").path("labels").path("release").asText()).isEqualTo("prom");
        assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("http");
        assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/metrics");

        Rendered pinned = template("jobImage=mirror.example/dmr@sha256:" + "a".repeat(64));
        assertThat(pinned.env("JOB_IMAGE")).isEqualTo("mirror.example/dmr@sha256:" + "a".repeat(64));
        assertThat(pinned.container().path("image").asText()).isEqualTo(IMAGE);
    }

    @Test
    void templatesCarryNoSecrets() throws IOException {
        Rendered r = template();
        assertThat(r.ofKind("Secret")).isEmpty();
        for (JsonNode d : r.docs()) {
            assertThat(d.toString()).doesNotContainPattern("(?i)\"(password|token)\"\\s*:");
        }
    }

    private static void assertNoWildcards(Rendered r) {
        for (JsonNode d : r.docs()) {
            String kind = d.path("kind").asText();
            if (kind.equals("Role") || kind.equals("ClusterRole")) {
                for (JsonNode rule : d.path("rules")) {
                    for (String field : List.of("verbs", "resources", "apiGroups")) {
                        rule.path(field).forEach(v -> assertThat(v.asText()).as("%s %s", kind, field).doesNotContain("*"));
                    }
                }
            }
        }
    }
}
