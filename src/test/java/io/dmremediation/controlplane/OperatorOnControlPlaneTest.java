package io.dmremediation.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.packaging.EveryPlaybook;
import io.dmremediation.packaging.KubectlOutput;
import io.dmremediation.packaging.Tools;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's install on a real control plane — {@code helm install} of the chart with its defaults (the CRD, a
 * ClusterRole over every namespace, two replicas with leader election) — and the operator,
 * in its own JVMs as the chart's ServiceAccount, playing every playbook ({@link EveryPlaybook}). Then:
 * <ul>
 *   <li>kubectl prints what the README shows ({@code get dmr}, {@code -o wide}, {@code describe}, {@code get events});
 *   <li>RBAC was enforced for real: the API server's audit log shows every request of the ServiceAccount allowed,
 *       every rule the chart grants used, and the API server's own authorizer grants nothing more.
 * </ul>
 */
@Tag(Worlds.REAL_ONLY)
class OperatorOnControlPlaneTest {

    static final String NAME = EveryPlaybook.NAME;
    static ControlPlaneWorld world;
    static AuditLog audit;
    static String serviceAccount;

    @BeforeAll
    static void play() {
        long t0 = System.nanoTime();
        world = ControlPlaneWorld.start(SandboxWorld.builder());
        audit = AuditLog.from(world.controlPlane());
        // the README's helm install: the chart's defaults, the CRD from the chart
        world.installAsTheReadme();
        System.out.printf("OperatorOnControlPlaneTest: operator installed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        serviceAccount = "system:serviceaccount:" + world.operatorNamespace() + ":" + ControlPlaneWorld.FULLNAME;
        EveryPlaybook.play(world, what -> System.out.printf("OperatorOnControlPlaneTest: %s after %d ms%n", what,
                (System.nanoTime() - t0) / 1_000_000));
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    static String readme() {
        try {
            return Files.readString(Tools.projectDir().resolve("README.md"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The backquoted words of the README's bullet that starts with {@code start}. */
    static Set<String> readmeList(String start) {
        String line = readme().lines().dropWhile(l -> !l.startsWith(start)).findFirst().orElseThrow();
        String bullet = readme().substring(readme().indexOf(line)).split("\n- |\n\n")[0];
        Set<String> words = new LinkedHashSet<>();
        Matcher m = Pattern.compile("`([A-Za-z]+)`").matcher(bullet);
        while (m.find()) {
            words.add(m.group(1));
        }
        return words;
    }

    // ------------------------------------------------------------------------------------------ kubectl

    @Nested
    class Kubectl {

        String ok(String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("-n", world.namespace()));
            return Cli.ok(world.cli().kubectl(all.toArray(String[]::new)), "kubectl " + String.join(" ", all));
        }

        /** The README's {@code $ kubectl get dmr} example as rows of column → cell. */
        List<Map<String, String>> readmeExample() {
            String block = readme().substring(readme().indexOf("$ kubectl get dmr\n") + "$ kubectl get dmr\n".length());
            return KubectlOutput.table(block.substring(0, block.indexOf("```")));
        }

        @Test
        void getPrintsTheReadmesColumnsWithTheStatusTheOperatorWrote() {
            List<Map<String, String>> example = readmeExample();
            List<Map<String, String>> rows = KubectlOutput.table(ok("get", "dmr"));
            assertThat(rows).hasSize(1);
            Map<String, String> row = rows.get(0);
            assertThat(row.keySet()).as("the README's columns").containsExactlyElementsOf(example.get(0).keySet());
            assertThat(row.get("NAME")).isEqualTo(NAME);
            assertThat(row.get("CLUSTER")).isEqualTo(SandboxWorld.CLUSTER);
            assertThat(row.get("TASKS")).isEqualTo("2");
            assertThat(row.get("HEALTHY")).isEqualTo("2");
            assertThat(row.get("PHASE")).isEqualTo("Healthy").isIn(readmeList("- `status.phase`"));
            // the README's example and the real one have the same shape: <playbook> <what>: <outcome>
            String shape = "(RestartTask|FixRelayMeta|FixSyncerCheckpoint) .+: Succeeded";
            assertThat(example.get(0).get("LAST-ACTION")).matches(shape);
            assertThat(row.get("LAST-ACTION")).matches(shape)
                    .isEqualTo("FixRelayMeta relay of " + SandboxWorld.SOURCE_2 + ": Succeeded");
            assertThat(row.get("AGE")).matches("[0-9]+(s|m[0-9]*s?)");
        }

        @Test
        void wideKeepsTheColumns() {
            List<Map<String, String>> wide = KubectlOutput.table(ok("get", "dmr", "-o", "wide"));
            assertThat(wide).singleElement().satisfies(row -> {
                assertThat(new ArrayList<>(row.keySet())).as("at least the README's columns, in its order")
                        .startsWith(readmeExample().get(0).keySet().toArray(String[]::new));
                assertThat(row.get("PHASE")).isEqualTo("Healthy");
            });
            assertThat(ok("get", "dmr", NAME, "-o", "jsonpath={.status.phase}")).isEqualTo("Healthy");
        }

        @Test
        void describeShowsTheStatusAndTheOperatorsEvents() {
            String out = ok("describe", "dmr", NAME);
            assertThat(out).containsPattern("(?m)^Name:\\s+" + NAME + "$")
                    .containsPattern("(?m)^Namespace:\\s+" + world.namespace() + "$")
                    .containsPattern("(?m)^Kind:\\s+DMRemediation$")
                    .containsPattern("(?m)^\\s+Phase:\\s+Healthy$")
                    .containsPattern("(?m)^\\s+History:$")
                    .containsPattern("(?m)^\\s+Conditions:$");
            List<Map<String, String>> events = KubectlOutput.describeEvents(out);
            assertThat(events.get(0).keySet()).containsExactly("Type", "Reason", "Age", "From", "Message");
            assertThat(events).extracting(r -> r.get("Reason")).contains("ErrorDetected", "RemediationStarted",
                    "RemediationSucceeded", "RetryRequested")
                    .allSatisfy(reason -> assertThat(reason).as("a reason the README lists").isIn(
                            readmeList("- Events (reasons)")));
            assertThat(events).allSatisfy(r -> assertThat(r.get("From")).isEqualTo("dm-remediation-operator"));
        }

        @Test
        void getEventsListsThem() {
            List<Map<String, String>> rows = KubectlOutput.table(ok("get", "events"));
            assertThat(rows.get(0).keySet()).containsExactly("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
            assertThat(rows).anySatisfy(r -> {
                assertThat(r.get("OBJECT")).isEqualTo("dmremediation/" + NAME);
                assertThat(r.get("REASON")).isEqualTo("RemediationSucceeded");
                assertThat(r.get("TYPE")).isEqualTo("Normal");
            });
            assertThat(rows).anySatisfy(r -> assertThat(r.get("TYPE")).isEqualTo("Warning"));
            List<Map<String, String>> forResource = KubectlOutput.table(ok("events", "--for", "dmr/" + NAME));
            assertThat(forResource).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.get("OBJECT")).isEqualTo("DMRemediation/" + NAME));
        }
    }

    // ------------------------------------------------------------------------------------------ RBAC

    @Nested
    class Rbac {
        /** Granted, and needed, but not exercised by these scenarios: group|resource|verb → why. */
        static final Map<String, String> NOT_EXERCISED = Map.of(
                "batch|jobs|delete", "RepairJobs.delete stops a Job stuck past its deadline; no scenario here has one",
                "coordination.k8s.io|leases|update", "never sent (fabric8 renews with a patch), but JOSDK's "
                        + "LeaderElectionManager.checkLeaseAccess refuses to start leader election without it");
        /** What every authenticated user may do (system:basic-user), within the matrix below. */
        static final Set<String> BUILT_IN = Set.of(
                "authorization.k8s.io|selfsubjectrulesreviews|create",
                "authorization.k8s.io|selfsubjectaccessreviews|create");

        List<AuditLog.Event> requests() {
            return audit.of(serviceAccount);
        }

        @Test
        void theOperatorUsedTheApiAsItsServiceAccount() {
            Set<String> used = requests().stream().map(AuditLog.Event::key).collect(Collectors.toCollection(TreeSet::new));
            System.out.println("OperatorOnControlPlaneTest: the operator used " + used);
            // without these the checks below would prove little
            assertThat(used).contains("dmremediation.io|dmremediations|watch", "dmremediation.io|dmremediations/status|update",
                    "|pods|watch", "batch|jobs|create", "|secrets|create", "|events|create",
                    "coordination.k8s.io|leases|create", "authorization.k8s.io|selfsubjectrulesreviews|create");
            // both replicas, each with a token bound to its pod
            assertThat(requests().stream().map(AuditLog.Event::pod).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrderElementsOf(world.operatorPods().stream()
                            .map(p -> p.getMetadata().getName()).toList());
        }

        @Test
        void everyRequestTheOperatorMadeWasAllowed() {
            assertThat(requests()).isNotEmpty();
            assertThat(requests().stream().filter(e -> !"allow".equals(e.decision()) || e.code() == 403)
                    .map(AuditLog.Event::toString).toList()).as("requests RBAC refused").isEmpty();
        }

        @Test
        void everyGrantedRuleWasUsed() {
            Set<String> used = requests().stream().map(AuditLog.Event::key).collect(Collectors.toSet());
            Map<String, String> unused = new TreeMap<>();
            for (Map.Entry<String, List<PolicyRule>> role : installedRules().entrySet()) {
                for (PolicyRule rule : role.getValue()) {
                    for (String g : rule.getApiGroups()) {
                        for (String r : rule.getResources()) {
                            for (String v : rule.getVerbs()) {
                                String key = g + "|" + r + "|" + v;
                                if (!used.contains(key) && !NOT_EXERCISED.containsKey(key)) {
                                    unused.put(key, role.getKey());
                                }
                            }
                        }
                    }
                }
            }
            assertThat(unused).as("granted but never used: drop the verb, or say in NOT_EXERCISED why it is needed")
                    .isEmpty();
        }

        /**
         * The API server's own answer (SubjectAccessReview) for the ServiceAccount, over every verb on the resources
         * the operator touches and some it must not, in the watched, the operator's and another namespace: allowed
         * exactly where the chart's rules (or what every user has) allow it — no other binding grants more.
         */
        @Test
        void theApiServerGrantsNothingMore() {
            List<String> namespaces = List.of(world.namespace(), world.operatorNamespace(), "default");
            List<String[]> resources = List.of(new String[] {"dmremediation.io", "dmremediations"},
                    new String[] {"dmremediation.io", "dmremediations/status"}, new String[] {"", "pods"},
                    new String[] {"", "pods/exec"}, new String[] {"", "pods/log"}, new String[] {"batch", "jobs"},
                    new String[] {"", "secrets"}, new String[] {"", "events"}, new String[] {"", "configmaps"},
                    new String[] {"", "serviceaccounts/token"}, new String[] {"apps", "statefulsets"},
                    new String[] {"apps", "deployments"}, new String[] {"coordination.k8s.io", "leases"},
                    new String[] {"rbac.authorization.k8s.io", "rolebindings"});
            List<String> verbs = List.of("get", "list", "watch", "create", "update", "patch", "delete",
                    "deletecollection");
            String lease = ControlPlaneWorld.FULLNAME;
            List<String> wrong = new ArrayList<>();
            int asked = 0;
            for (String ns : namespaces) {
                for (String[] gr : resources) {
                    for (String verb : verbs) {
                        for (String name : gr[1].equals("leases") ? List.of("", lease, "another-lease") : List.of("")) {
                            boolean allowed = review(ns, gr[0], gr[1], verb, name);
                            asked++;
                            if (allowed != expected(ns, gr[0], gr[1], verb, name)) {
                                wrong.add((allowed ? "allowed: " : "refused: ") + verb + " " + gr[0] + "/" + gr[1]
                                        + (name.isEmpty() ? "" : "/" + name) + " in " + ns);
                            }
                        }
                    }
                }
            }
            for (String[] cluster : List.of(new String[] {"", "nodes"}, new String[] {"", "namespaces"},
                    new String[] {"apiextensions.k8s.io", "customresourcedefinitions"},
                    new String[] {"rbac.authorization.k8s.io", "clusterroles"},
                    new String[] {"authorization.k8s.io", "selfsubjectrulesreviews"})) {
                for (String verb : verbs) {
                    boolean allowed = review("", cluster[0], cluster[1], verb, "");
                    asked++;
                    if (allowed != expected("", cluster[0], cluster[1], verb, "")) {
                        wrong.add((allowed ? "allowed: " : "refused: ") + verb + " " + cluster[0] + "/" + cluster[1]);
                    }
                }
            }
            System.out.printf("OperatorOnControlPlaneTest: %d access reviews%n", asked);
            assertThat(wrong).as("the API server's authorizer disagrees with the chart's rules").isEmpty();
        }

        boolean review(String ns, String group, String resource, String verb, String name) {
            String[] rs = resource.split("/", 2);
            SubjectAccessReview r = world.client().authorization().v1().subjectAccessReview().create(
                    new SubjectAccessReviewBuilder().withNewSpec().withUser(serviceAccount)
                            .withGroups("system:serviceaccounts", "system:serviceaccounts:" + world.operatorNamespace(),
                                    "system:authenticated")
                            .withNewResourceAttributes().withNamespace(ns).withGroup(group).withResource(rs[0])
                                .withSubresource(rs.length > 1 ? rs[1] : "").withVerb(verb).withName(name)
                            .endResourceAttributes().endSpec().build());
            return Boolean.TRUE.equals(r.getStatus().getAllowed());
        }

        /** What the chart's installed rules allow: the ClusterRole everywhere, the lease Role in its namespace. */
        boolean expected(String ns, String group, String resource, String verb, String name) {
            if (BUILT_IN.contains(group + "|" + resource + "|" + verb)) {
                return true;
            }
            for (Map.Entry<String, List<PolicyRule>> role : installedRules().entrySet()) {
                if (role.getKey().startsWith("Role/") && !role.getKey().equals("Role/" + world.operatorNamespace())) {
                    continue;
                }
                if (role.getKey().startsWith("Role/") && !ns.equals(world.operatorNamespace())) {
                    continue;
                }
                for (PolicyRule rule : role.getValue()) {
                    if (rule.getApiGroups().contains(group) && rule.getResources().contains(resource)
                            && rule.getVerbs().contains(verb) && (rule.getResourceNames() == null
                            || rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(name))) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The rules helm installed for the release: "ClusterRole/name" or "Role/namespace" → rules. */
        Map<String, List<PolicyRule>> installedRules() {
            Map<String, List<PolicyRule>> rules = new TreeMap<>();
            ClusterRole cr = world.client().rbac().clusterRoles().withName(ControlPlaneWorld.FULLNAME).get();
            assertThat(cr).as("the chart's ClusterRole (the default, cluster-wide mode)").isNotNull();
            rules.put("ClusterRole/" + cr.getMetadata().getName(), cr.getRules());
            Role lease = world.client().rbac().roles().inNamespace(world.operatorNamespace())
                    .withName(ControlPlaneWorld.FULLNAME + "-leader-election").get();
            assertThat(lease).as("the lease Role").isNotNull();
            rules.put("Role/" + world.operatorNamespace(), lease.getRules());
            return rules;
        }
    }
}
