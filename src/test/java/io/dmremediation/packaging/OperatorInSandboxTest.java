package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dmremediation.sandbox.SandboxWorld;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real operator in the sandbox, after it played out every playbook there ({@link PlayedSandbox}), seen two ways:
 * with the real kubectl (v1.35.2, fetched by {@link Tools}) through
 * {@link io.dmremediation.sandbox.KubectlCompatDispatcher}, and through the requests it sent, checked against the
 * chart's RBAC. One world for both, alive only while this class runs.
 */
class OperatorInSandboxTest {

    static final String NAME = PlayedSandbox.NAME;
    static final YAMLMapper YAML = new YAMLMapper();
    static PlayedSandbox.State sandbox;

    @BeforeAll
    static void play() {
        sandbox = PlayedSandbox.play();
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /**
     * kubectl reads the sandbox: printer columns, YAML with status, describe with the operator's Events, events,
     * api-resources, and the basic example goes in with it.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Kubectl {
        /** kubectl's HOME and cache: under target/, fresh per run (discovery is cached per host:port). */
        Path home;
        Path kubeconfig;
        Path cache;

        @BeforeAll
        void kubeconfig() throws IOException {
            home = Files.createTempDirectory(Files.createDirectories(Tools.targetDir()), "kubectl-home-");
            kubeconfig = home.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: sandbox
                        cluster:
                          server: %s
                    users:
                      - name: sandbox
                        user:
                          token: not-a-secret-the-sandbox-has-no-auth
                    contexts:
                      - name: sandbox
                        context:
                          cluster: sandbox
                          user: sandbox
                          namespace: %s
                    current-context: sandbox
                    """.formatted(sandbox.world().kube().url(), SandboxWorld.NAMESPACE));
            cache = home.resolve("cache");
        }

        @AfterAll
        void dropHome() throws IOException {
            if (home != null) {
                Tools.deleteTree(home);
            }
        }

        Tools.Run kubectl(String... args) {
            List<String> cmd = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString(), "--cache-dir", cache.toString()));
            cmd.addAll(List.of(args));
            // HOME too: kubectl must not read or write the user's ~/.kube
            return Tools.run(Tools.cmd(Tools.kubectl(), cmd.toArray(String[]::new)),
                    Map.of("HOME", home.toString(), "KUBECONFIG", kubeconfig.toString()), Duration.ofSeconds(60));
        }

        String ok(String... args) {
            Tools.Run run = kubectl(args);
            assertThat(run.exitCode()).as("kubectl %s: %s", String.join(" ", args), run.stderr()).isZero();
            return run.stdout();
        }

        static List<Map<String, String>> withoutAge(List<Map<String, String>> rows) {
            return rows.stream().map(r -> {
                Map<String, String> copy = new LinkedHashMap<>(r);
                copy.remove("AGE");
                return copy;
            }).toList();
        }

        /**
         * kubectl's table output as rows of column → cell. Column names may hold single spaces ("LAST SEEN"); columns
         * are at least two spaces apart and cells start where their header starts.
         */
        static List<Map<String, String>> table(String output) {
            return KubectlOutput.table(output);
        }

        @Test
        void getShowsThePrinterColumnsWithTheStatusValues() {
            String out = ok("get", "dmr");
            List<Map<String, String>> rows = table(out);
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).keySet()).containsExactly("NAME", "READY", "CLUSTER", "TASKS", "HEALTHY", "PHASE",
                    "LAST-ACTION", "AGE");
            Map<String, String> row = rows.get(0);
            assertThat(row.get("NAME")).isEqualTo(NAME);
            assertThat(row.get("READY")).as("the Ready condition").isEqualTo("True");
            assertThat(row.get("CLUSTER")).isEqualTo(SandboxWorld.CLUSTER);
            assertThat(row.get("TASKS")).isEqualTo("2");
            assertThat(row.get("HEALTHY")).isEqualTo("2");
            assertThat(row.get("PHASE")).isEqualTo("Healthy");
            assertThat(row.get("LAST-ACTION")).isEqualTo("FixRelayMeta relay of " + SandboxWorld.SOURCE_2 + ": Succeeded");
            assertThat(row.get("AGE")).matches("[0-9]+(s|m[0-9]*s?)");

            // the long name, the short name and a name all read the same resource
            // (AGE left out: a second may pass between the two calls)
            assertThat(withoutAge(table(ok("get", "dmremediations.dmremediation.io", NAME)))).isEqualTo(withoutAge(rows));
            assertThat(table(ok("get", "dmremediation", NAME, "--request-timeout=20s")).get(0).get("PHASE")).isEqualTo("Healthy");
        }

        @Test
        void wideAndAllNamespacesKeepTheColumns() {
            List<Map<String, String>> wide = table(ok("get", "dmr", "-o", "wide"));
            assertThat(wide).singleElement().satisfies(row -> {
                assertThat(row.keySet()).containsExactly("NAME", "READY", "CLUSTER", "TASKS", "HEALTHY", "PHASE",
                        "LAST-ACTION", "AGE", "POLL-INTERVAL", "LAST-POLL", "ESCALATED");
                assertThat(row.get("PHASE")).isEqualTo("Healthy");
                assertThat(row.get("LAST-ACTION")).startsWith("FixRelayMeta");
                assertThat(row.get("POLL-INTERVAL")).as("spec.pollInterval").isEqualTo(
                        ok("get", "dmr", NAME, "-o", "jsonpath={.spec.pollInterval}"));
                assertThat(row.get("LAST-POLL")).as("an age").matches("[0-9]+(s|m[0-9]*s?)");
                assertThat(row.get("ESCALATED")).isEqualTo("0");
            });
            List<Map<String, String>> all = table(ok("get", "dmr", "-A"));
            assertThat(all).singleElement().satisfies(row -> {
                assertThat(row.get("NAMESPACE")).isEqualTo(SandboxWorld.NAMESPACE);
                assertThat(row.get("NAME")).isEqualTo(NAME);
            });
            assertThat(ok("get", "dmr", NAME, "-o", "jsonpath={.status.phase}")).isEqualTo("Healthy");
        }

        @Test
        void yamlHasTheStatusTheOperatorWrote() throws IOException {
            JsonNode list = YAML.readTree(ok("get", "dmr", "-o", "yaml"));
            assertThat(list.path("items")).hasSize(1);
            JsonNode r = list.path("items").get(0);
            assertThat(r.path("kind").asText()).isEqualTo("DMRemediation");
            JsonNode status = r.path("status");
            assertThat(status.path("phase").asText()).isEqualTo("Healthy");
            assertThat(status.path("cluster").asText()).isEqualTo(SandboxWorld.CLUSTER);
            List<String> actions = new ArrayList<>();
            status.path("history").forEach(h -> actions.add(h.path("action").asText() + " " + h.path("outcome").asText()));
            assertThat(actions).contains("RestartTask Succeeded", "FixSyncerCheckpoint Succeeded", "FixRelayMeta Succeeded");
            // what the operator writes is what the CRD declares: a real API server would prune anything else
            assertThat(CrdSchema.validate(r)).isEmpty();
        }

        @Test
        void describeShowsTheOperatorsEvents() {
            String out = ok("describe", "dmr", NAME);
            assertThat(out).containsPattern("(?m)^Name:\\s+" + NAME + "$")
                    .containsPattern("(?m)^Namespace:\\s+" + SandboxWorld.NAMESPACE + "$")
                    .containsPattern("(?m)^Kind:\\s+DMRemediation$")
                    .containsPattern("(?m)^\\s+Phase:\\s+Healthy$");
            int events = out.indexOf("\nEvents:");
            assertThat(events).as("an Events section").isPositive();
            String section = out.substring(events + "\nEvents:".length());
            assertThat(section).doesNotStartWith(" <none>").doesNotStartWith("\t<none>");
            // the table is indented by two spaces and has a row of dashes under its header
            List<Map<String, String>> rows = table(String.join("\n", section.lines()
                    .filter(l -> !l.isBlank() && !l.strip().matches("-+(\\s+-+)*"))
                    .map(l -> l.startsWith("  ") ? l.substring(2) : l).toList()));
            assertThat(rows).isNotEmpty();
            assertThat(rows.get(0).keySet()).containsExactly("Type", "Reason", "Age", "From", "Message");
            assertThat(rows).extracting(r -> r.get("Reason")).contains("ErrorDetected", "RemediationStarted",
                    "RemediationSucceeded", "RetryRequested");
            assertThat(rows).allSatisfy(r -> assertThat(r.get("From")).isEqualTo("dm-remediation-operator"));
        }

        @Test
        void eventsAreListed() {
            List<Map<String, String>> rows = table(ok("get", "events"));
            assertThat(rows).isNotEmpty();
            assertThat(rows.get(0).keySet()).containsExactly("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
            assertThat(rows).anySatisfy(r -> {
                assertThat(r.get("OBJECT")).isEqualTo("dmremediation/" + NAME);
                assertThat(r.get("REASON")).isEqualTo("RemediationSucceeded");
                assertThat(r.get("TYPE")).isEqualTo("Normal");
            });
            assertThat(rows).anySatisfy(r -> assertThat(r.get("TYPE")).isEqualTo("Warning"));
            // kubectl events --for asks with a field selector on involvedObject, which the CRUD store cannot answer
            List<Map<String, String>> forResource = table(ok("events", "--for", "dmr/" + NAME));
            assertThat(forResource).isNotEmpty().allSatisfy(r -> assertThat(r.get("OBJECT")).isEqualTo("DMRemediation/" + NAME));
        }

        @Test
        void apiResourcesListsTheCrd() {
            String line = ok("api-resources").lines().filter(l -> l.startsWith("dmremediations ")).findFirst().orElse("");
            assertThat(line.strip().split("\\s+")).containsExactly("dmremediations", "dmr", "dmremediation.io/v1alpha1",
                    "true", "DMRemediation");
        }

        /**
         * The shipped example goes in with kubectl (validation off: the sandbox has no OpenAPI document) and the operator
         * in the sandbox takes it up: the DMCluster "basic" and Secret "tidb-credentials" it names exist there.
         */
        @Test
        void theBasicExampleIsAppliedWithKubectlAndGuarded() {
            String file = Tools.projectDir().resolve("examples").resolve("basic.yaml").toString();
            assertThat(ok("create", "-f", file, "--validate=false")).contains("dmremediation.dmremediation.io/basic created");
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                    Map<String, String> row = table(ok("get", "dmr", "basic")).get(0);
                    assertThat(row.get("PHASE")).isEqualTo("Healthy");
                    assertThat(row.get("CLUSTER")).isEqualTo(SandboxWorld.CLUSTER);
                    assertThat(row.get("TASKS")).as("every task DM-master knows").isEqualTo("2");
                });
                assertThat(ok("label", "dmr", "basic", "example=basic")).contains("labeled");
                assertThat(ok("get", "dmr", "-l", "example=basic", "-o", "name").strip())
                        .isEqualTo("dmremediation.dmremediation.io/basic");
            } finally {
                ok("delete", "-f", file, "--wait=false");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> kubectl("get", "dmr", "basic").exitCode() == 1);
            }
        }

        @Test
        void aMissingResourceIsNotFound() {
            Tools.Run run = kubectl("get", "dmr", "no-such-thing");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("NotFound").contains("no-such-thing");
        }
    }

    /**
     * The chart's RBAC against what the operator actually did: every request the operator's own client sent while
     * it played out every playbook must be allowed by the rendered rules, in both modes, and every verb the rules
     * grant must have been used (or be listed with the reason it was not exercised). The mock server enforces no
     * RBAC, so this is where a missing verb shows before a cluster does.
     */
    @Nested
    class Rbac {
        /** Granted, and needed, but not exercised by the sandbox's scenarios: group|resource|verb → why. */
        static final Map<String, String> NOT_EXERCISED = Map.of(
                "batch|jobs|delete", "RepairJobs.delete stops a Job stuck past its deadline; no scenario has a stuck Job",
                "coordination.k8s.io|leases|update", "never sent (fabric8 renews with a patch), but JOSDK's "
                        + "LeaderElectionManager.checkLeaseAccess refuses to start leader election without it");

        /** Requests every authenticated user may make (system:discovery, system:basic-user). */
        static final Set<String> BUILT_IN = Set.of(
                "authorization.k8s.io|selfsubjectrulesreviews|create",
                "authorization.k8s.io|selfsubjectaccessreviews|create");

        /** One request in the API server's authorization terms; namespace null for cluster-scoped requests. */
        record Access(String namespace, String group, String resource, String verb, String name) {
            String key() {
                return group + "|" + resource + "|" + verb;
            }
        }

        /** The authorization attributes of "METHOD /path?query", or empty for non-resource URLs (discovery, /version). */
        static Optional<Access> access(String request) {
            String method = request.substring(0, request.indexOf(' '));
            String uri = request.substring(request.indexOf(' ') + 1);
            String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
            String query = uri.contains("?") ? URLDecoder.decode(uri.substring(uri.indexOf('?') + 1), StandardCharsets.UTF_8) : "";
            List<String> seg = new ArrayList<>(List.of(path.replaceFirst("^/", "").split("/")));
            String group;
            if (seg.get(0).equals("api") && seg.size() > 2) {
                group = "";
                seg = seg.subList(2, seg.size());
            } else if (seg.get(0).equals("apis") && seg.size() > 3) {
                group = seg.get(1);
                seg = seg.subList(3, seg.size());
            } else {
                return Optional.empty();
            }
            String namespace = null;
            if (seg.get(0).equals("namespaces") && seg.size() > 2) {
                namespace = seg.get(1);
                seg = seg.subList(2, seg.size());
            }
            String resource = seg.get(0);
            String name = seg.size() > 1 ? seg.get(1) : null;
            if (seg.size() > 2) {
                resource = resource + "/" + seg.get(2);
            }
            boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
            String verb = switch (method) {
                case "GET" -> name != null ? "get" : watch ? "watch" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> name != null ? "delete" : "deletecollection";
                default -> method.toLowerCase();
            };
            if (name == null && query.contains("fieldSelector=metadata.name=")) {
                // list/watch of one object by name authorizes as that name
                name = query.replaceFirst(".*fieldSelector=metadata\\.name=([^&,]+).*", "$1");
            }
            return Optional.of(new Access(namespace, group, resource, verb, name));
        }

        static List<Access> accesses() {
            return sandbox.operatorRequests().stream().map(Rbac::access)
                    .flatMap(Optional::stream).toList();
        }

        /** Whether one of the rendered (Cluster)Roles allows the access (RBAC: rules only add, nothing denies). */
        static boolean allowed(Access a, List<JsonNode> roles) {
            if (BUILT_IN.contains(a.key())) {
                return true;
            }
            for (JsonNode role : roles) {
                boolean cluster = role.path("kind").asText().equals("ClusterRole");
                if (!cluster && (a.namespace() == null || !a.namespace().equals(role.path("metadata").path("namespace").asText()))) {
                    continue;
                }
                for (JsonNode rule : role.path("rules")) {
                    if (contains(rule.path("apiGroups"), a.group()) && contains(rule.path("resources"), a.resource())
                            && contains(rule.path("verbs"), a.verb())) {
                        JsonNode names = rule.path("resourceNames");
                        if (names.isEmpty() || (a.name() != null && !a.verb().equals("create") && contains(names, a.name()))) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        static boolean contains(JsonNode array, String value) {
            for (JsonNode v : array) {
                if (v.asText().equals(value)) {
                    return true;
                }
            }
            return false;
        }

        static List<JsonNode> roles(String... sets) {
            List<String> args = new ArrayList<>(List.of("template", "dmr", HelmChartTest.chart().toString(), "--namespace",
                    SandboxWorld.NAMESPACE, "--set", "leaderElection.leaseName=" + PlayedSandbox.LEASE));
            for (String s : sets) {
                args.addAll(List.of("--set", s));
            }
            Tools.Run run = Tools.run(Tools.cmd(Tools.helm(), args.toArray(String[]::new)), HelmChartTest.helmEnv(),
                    Duration.ofMinutes(2));
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            try {
                // the operator's own roles; the aggregated ones for people grant it nothing
                return HelmChartTest.parse(run.stdout()).stream()
                        .filter(d -> Set.of("Role", "ClusterRole").contains(d.path("kind").asText()))
                        .filter(d -> !HelmChartTest.USER_ROLE.equals(d.path("metadata").path("labels")
                                .path("dmremediation.io/role-for").asText())).toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Test
        void theScenariosExercisedTheApi() {
            Set<String> used = accesses().stream().map(Access::key).collect(Collectors.toCollection(TreeSet::new));
            System.out.println("OperatorInSandboxTest: the operator used " + used);
            // without these the checks below would prove little
            assertThat(used).contains("dmremediation.io|dmremediations|watch", "dmremediation.io|dmremediations/status|update",
                    "|pods|delete", "batch|jobs|create", "|secrets|create", "|events|create",
                    "coordination.k8s.io|leases|create", "authorization.k8s.io|selfsubjectrulesreviews|create");
        }

        @Test
        void clusterWideRulesAllowEveryRequestTheOperatorMade() {
            List<JsonNode> roles = roles();
            assertThat(roles).extracting(r -> r.path("kind").asText()).containsExactlyInAnyOrder("ClusterRole", "Role");
            assertThat(denied(roles)).as("requests the chart's RBAC would forbid").isEmpty();
        }

        @Test
        void namespacedRulesAllowEveryRequestTheOperatorMade() {
            List<JsonNode> roles = roles("watchNamespaces={" + SandboxWorld.NAMESPACE + "}");
            assertThat(roles).extracting(r -> r.path("kind").asText()).containsOnly("Role");
            assertThat(denied(roles)).as("requests the chart's RBAC would forbid").isEmpty();
        }

        @Test
        void everyGrantedVerbWasUsed() {
            Set<String> used = accesses().stream().map(Access::key).collect(Collectors.toSet());
            Map<String, String> unused = new TreeMap<>();
            for (JsonNode role : roles()) {
                for (JsonNode rule : role.path("rules")) {
                    for (JsonNode g : rule.path("apiGroups")) {
                        for (JsonNode r : rule.path("resources")) {
                            for (JsonNode v : rule.path("verbs")) {
                                String key = g.asText() + "|" + r.asText() + "|" + v.asText();
                                if (!used.contains(key) && !NOT_EXERCISED.containsKey(key)) {
                                    unused.put(key, role.path("kind").asText());
                                }
                            }
                        }
                    }
                }
            }
            assertThat(unused).as("granted but never used: drop the verb, or say in NOT_EXERCISED why it is needed")
                    .isEmpty();
        }

        @Test
        void podsAreListedAndWatchedOnlyByLabelNeverAllOfThem() {
            List<String> podQueries = sandbox.operatorRequests().stream()
                    .filter(r -> r.startsWith("GET ") && r.matches("GET /api/v1/namespaces/[^/]+/pods(\\?.*)?")).toList();
            assertThat(podQueries).as("the operator lists and watches pods").isNotEmpty();
            assertThat(podQueries).as("every list and watch of pods selects by label")
                    .allSatisfy(r -> assertThat(r).contains("labelSelector="));
            List<String> watches = podQueries.stream().filter(r -> r.matches(".*[?&]watch=(true|1).*")).toList();
            assertThat(watches).as("the pod informer's watch").isNotEmpty().allSatisfy(r -> assertThat(
                    URLDecoder.decode(r, StandardCharsets.UTF_8)).contains("labelSelector=app.kubernetes.io/component=dm-worker"));
        }

        @Test
        void theMappingOfRequestsIsRight() {
            assertThat(access("GET /api/v1/namespaces/dm/pods?labelSelector=a%3Db")).contains(
                    new Access("dm", "", "pods", "list", null));
            assertThat(access("GET /api/v1/namespaces/dm/pods?watch=true&resourceVersion=1")).contains(
                    new Access("dm", "", "pods", "watch", null));
            assertThat(access("PUT /apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations/g/status")).contains(
                    new Access("dm", "dmremediation.io", "dmremediations/status", "update", "g"));
            assertThat(access("POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews")).contains(
                    new Access(null, "authorization.k8s.io", "selfsubjectrulesreviews", "create", null));
            assertThat(access("GET /version")).isEmpty();
            assertThat(access("GET /apis/batch/v1")).isEmpty();
            Access leaseGet = access("GET /apis/coordination.k8s.io/v1/namespaces/dm/leases/other").orElseThrow();
            assertThat(allowed(leaseGet, roles())).as("the lease rule is limited to the operator's Lease").isFalse();
            Access secretsList = access("GET /api/v1/namespaces/dm/secrets").orElseThrow();
            assertThat(allowed(secretsList, roles())).as("the operator cannot enumerate Secrets").isFalse();
        }

        private static List<String> denied(List<JsonNode> roles) {
            return accesses().stream().filter(a -> !allowed(a, roles)).map(Access::toString).distinct().toList();
        }
    }
}
