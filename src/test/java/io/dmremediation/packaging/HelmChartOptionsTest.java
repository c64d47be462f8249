package io.dmremediation.packaging;

import static io.dmremediation.packaging.HelmChartTest.chart;
import static io.dmremediation.packaging.HelmChartTest.helm;
import static io.dmremediation.packaging.HelmChartTest.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.TaskState;
import io.dmremediation.operator.OperatorMetrics;
import io.dmremediation.operator.StatusGauges;
import io.dmremediation.playbook.JobPodSettings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart options of issue 13, each rendered by the real helm: CRD upgrades, PDB, digest, user roles, alerts, dashboard, Job pods. */
class HelmChartOptionsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    // ------------------------------------------------------------------------------------------ CRD on upgrade

    @Test
    void theCrdIsATemplateSoAnUpgradeAppliesItAndUninstallKeepsIt() throws IOException {
        // --is-upgrade renders what `helm upgrade` applies; crds/ would not be in it (Helm never upgrades crds/)
        List<String> args = List.of("template", HelmChartTest.RELEASE, chart().toString(), "--namespace",
                HelmChartTest.NS, "--is-upgrade");
        Tools.Run run = helm(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<JsonNode> crds = HelmChartTest.parse(run.stdout()).stream()
                .filter(d -> d.path("kind").asText().equals("CustomResourceDefinition")).toList();
        assertThat(crds).hasSize(1);
        JsonNode crd = crds.get(0);
        assertThat(crd.path("metadata").path("annotations").path("helm.sh/resource-policy").asText()).isEqualTo("keep");
        assertThat(crd.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText()).isEqualTo("Helm");

        // the very schema the build generates, only the metadata gains Helm's labels and the keep annotation
        JsonNode generated;
        try (InputStream in = getClass().getResourceAsStream(CrdSchema.CRD_RESOURCE)) {
            generated = new YAMLMapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThat(canonical(crd.path("spec"))).as("helm's toYaml writes 100.0 as 100; otherwise equal")
                .isEqualTo(canonical(generated.path("spec")));
        assertThat(crd.path("metadata").path("name")).isEqualTo(generated.path("metadata").path("name"));

        assertThat(template("crds.install=false").ofKind("CustomResourceDefinition")).isEmpty();
    }

    /** Numbers compared by value (100.0 = 100). */
    static String canonical(JsonNode n) {
        if (n.isNumber()) {
            return new java.math.BigDecimal(n.asText()).stripTrailingZeros().toPlainString();
        }
        if (n.isObject()) {
            StringBuilder b = new StringBuilder("{");
            new TreeSet<String>(iterable(n.fieldNames())).forEach(k -> b.append(k).append(':').append(canonical(n.get(k))).append(','));
            return b.append('}').toString();
        }
        if (n.isArray()) {
            StringBuilder b = new StringBuilder("[");
            n.forEach(e -> b.append(canonical(e)).append(','));
            return b.append(']').toString();
        }
        return n.toString();
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    // ------------------------------------------------------------------------------------------ availability, image

    @Test
    void aBudgetKeepsAStandbyThroughDrains() throws IOException {
        HelmChartTest.Rendered r = template();
        JsonNode pdb = r.one("PodDisruptionBudget");
        assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(r.one("Deployment").path("spec").path("selector").path("matchLabels"));
        assertThat(template("podDisruptionBudget.enabled=false").ofKind("PodDisruptionBudget")).isEmpty();
        assertThat(template("replicaCount=3", "podDisruptionBudget.minAvailable=2").one("PodDisruptionBudget")
                .path("spec").path("minAvailable").asInt()).isEqualTo(2);
    }

    @Test
    void aDigestPinsTheOperatorAndTheJobImage() throws IOException {
        String digest = "sha256:" + "c".repeat(64);
        HelmChartTest.Rendered r = template("image.digest=" + digest, "image.tag=9.9.9");
        String pinned = "ghcr.io/dmremediation/dm-remediation-operator@" + digest;
        assertThat(r.container().path("image").asText()).as("the digest wins over the tag").isEqualTo(pinned);
        assertThat(r.env("JOB_IMAGE")).isEqualTo(pinned);
    }

    // ------------------------------------------------------------------------------------------ RBAC for people

    @Test
    void usersGetAggregatedViewAndEditRolesThatGrantTheOperatorNothing() throws IOException {
        HelmChartTest.Rendered r = template();
        List<JsonNode> userRoles = r.ofKind("ClusterRole").stream().filter(d -> HelmChartTest.USER_ROLE.equals(
                d.path("metadata").path("labels").path("dmremediation.io/role-for").asText())).toList();
        assertThat(userRoles).extracting(d -> d.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder(HelmChartTest.FULLNAME + "-view", HelmChartTest.FULLNAME + "-edit");
        JsonNode view = userRoles.stream().filter(d -> d.path("metadata").path("name").asText().endsWith("-view"))
                .findFirst().orElseThrow();
        JsonNode edit = userRoles.stream().filter(d -> d.path("metadata").path("name").asText().endsWith("-edit"))
                .findFirst().orElseThrow();
        JsonNode viewLabels = view.path("metadata").path("labels");
        assertThat(viewLabels.path("rbac.authorization.k8s.io/aggregate-to-view").asText()).isEqualTo("true");
        assertThat(viewLabels.path("rbac.authorization.k8s.io/aggregate-to-edit").asText()).isEqualTo("true");
        assertThat(edit.path("metadata").path("labels").has("rbac.authorization.k8s.io/aggregate-to-view"))
                .as("viewers cannot change resources").isFalse();
        assertThat(HelmChartTest.rules(view)).containsExactlyInAnyOrder(
                "dmremediation.io|dmremediations|get,list,watch", "dmremediation.io|dmremediations/status|get,list,watch");
        assertThat(HelmChartTest.rules(edit)).containsExactly(
                "dmremediation.io|dmremediations|create,update,patch,delete,deletecollection");
        // bound to nobody by the chart: Kubernetes aggregates them into view/edit/admin
        for (JsonNode binding : r.ofKind("ClusterRoleBinding")) {
            assertThat(binding.path("roleRef").path("name").asText()).doesNotEndWith("-view").doesNotEndWith("-edit");
        }
        assertThat(template("rbac.userRoles=false").ofKind("ClusterRole")).hasSize(1);
        assertThat(template("watchNamespaces={dm}").ofKind("ClusterRole")).as("offered in namespaced mode too")
                .hasSize(2);
    }

    // ------------------------------------------------------------------------------------------ repair Jobs, watch

    @Test
    void jobValuesAndPullSecretsReachTheOperatorAsSettingsItAccepts() throws IOException {
        HelmChartTest.Rendered r = template("imagePullSecrets[0].name=regcred", "jobs.tolerations[0].key=dedicated",
                "jobs.tolerations[0].operator=Exists", "jobs.nodeSelector.pool=dm",
                "jobs.resources.limits.memory=1Gi", "jobs.securityContext.readOnlyRootFilesystem=true",
                "jobs.podSecurityContext.runAsUser=1001", "workerPodSelector=app=dm-worker");
        JobPodSettings settings = JobPodSettings.parse(r.env("JOB_POD_SETTINGS"));
        assertThat(settings.imagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");
        assertThat(settings.tolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
        assertThat(settings.nodeSelector()).containsEntry("pool", "dm");
        assertThat(settings.resources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        assertThat(settings.resources().getRequests().get("cpu").toString()).isEqualTo("100m");
        assertThat(settings.podSecurityContext().getRunAsUser()).isEqualTo(1001L);
        assertThat(settings.securityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(r.env("WORKER_POD_SELECTOR")).isEqualTo("app=dm-worker");

        JobPodSettings defaults = JobPodSettings.parse(template().env("JOB_POD_SETTINGS"));
        assertThat(defaults.podSecurityContext()).isEqualTo(JobPodSettings.DEFAULTS.podSecurityContext());
        assertThat(defaults.securityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(defaults.securityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(defaults.securityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(defaults.resources()).isEqualTo(JobPodSettings.DEFAULTS.resources());
        assertThat(template().env("WORKER_POD_SELECTOR")).isEqualTo("app.kubernetes.io/component=dm-worker");
    }

    // ------------------------------------------------------------------------------------------ alerts, dashboard

    /** Every metric name the operator exports, from a real scrape with every kind of row present. */
    static Set<String> exportedMetricNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics(registry);
        metrics.detected("bad-connection");
        metrics.remediation("bad-connection", "RestartTask", "Failed", Duration.ofSeconds(3));
        metrics.escalated("bad-connection");
        metrics.planned("bad-connection", "RestartTask");
        metrics.workerPodChange();
        metrics.dmRequest("status", "ok", Duration.ofMillis(3));
        DMRemediation r = new DMRemediation();
        r.setMetadata(new ObjectMetaBuilder().withNamespace("dm").withName("orders").build());
        DMRemediationStatus s = new DMRemediationStatus();
        s.phase = "Remediating";
        s.cluster = "basic";
        TaskState t = new TaskState();
        t.name = "orders";
        t.errorClass = "bad-connection";
        s.tasks.add(t);
        s.active = new ActiveRemediation();
        s.active.task = "orders";
        s.active.playbook = "RestartTask";
        r.setStatus(s);
        StatusGauges gauges = new StatusGauges(registry, () -> List.of(r));
        gauges.refresh();
        Set<String> names = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.replaceFirst("[{ ].*", ""));
            }
        }
        return names;
    }

    static Set<String> metricsIn(String expr) {
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\bdmr_[a-z_]+").matcher(expr);
        while (m.find()) {
            used.add(m.group());
        }
        return used;
    }

    @Test
    void thePrometheusRuleAlertsOnMetricsTheOperatorExports() throws IOException {
        assertThat(template().ofKind("PrometheusRule")).as("off by default").isEmpty();
        HelmChartTest.Rendered r = template("prometheusRule.enabled=true", "prometheusRule.labels.release=prom",
                "prometheusRule.dmMasterUnreachableFor=10m");
        JsonNode rule = r.one("PrometheusRule");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("metadata").path("labels").path("release").asText()).isEqualTo("prom");
        List<JsonNode> alerts = new ArrayList<>();
        rule.path("spec").path("groups").forEach(g -> g.path("rules").forEach(alerts::add));
        assertThat(alerts).extracting(a -> a.path("alert").asText()).containsExactlyInAnyOrder(
                "DMRemediationTaskEscalated", "DMRemediationTaskLeftStopped", "DMMasterUnreachable",
                "DMRemediationsFailing");
        Set<String> exported = exportedMetricNames();
        for (JsonNode a : alerts) {
            String expr = a.path("expr").asText();
            assertThat(metricsIn(expr)).as("metrics of %s", a.path("alert").asText()).isNotEmpty()
                    .allSatisfy(m -> assertThat(exported).as("exported metrics").contains(m));
            assertThat(a.path("labels").path("severity").asText()).isNotEmpty();
            // Prometheus' own templating survives Helm's
            assertThat(a.path("annotations").path("summary").asText()).contains("{{ $labels.");
        }
        JsonNode unreachable = alerts.stream().filter(a -> a.path("alert").asText().equals("DMMasterUnreachable"))
                .findFirst().orElseThrow();
        assertThat(unreachable.path("for").asText()).isEqualTo("10m");
        assertThat(unreachable.path("expr").asText()).contains("dmr_dm_master_reachable").contains("== 0");
        JsonNode failing = alerts.stream().filter(a -> a.path("alert").asText().equals("DMRemediationsFailing"))
                .findFirst().orElseThrow();
        assertThat(failing.path("expr").asText()).contains("outcome=\"Failed\"").contains("[1h]");
    }

    @Test
    void theDashboardIsValidJsonOnMetricsTheOperatorExports() throws IOException {
        assertThat(template().ofKind("ConfigMap")).as("off by default").isEmpty();
        HelmChartTest.Rendered r = template("grafanaDashboard.enabled=true", "grafanaDashboard.namespace=monitoring");
        JsonNode cm = r.one("ConfigMap");
        assertThat(cm.path("metadata").path("namespace").asText()).isEqualTo("monitoring");
        assertThat(cm.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        JsonNode dashboard = JSON.readTree(cm.path("data").path("dm-remediation-operator.json").asText());
        assertThat(dashboard.path("uid").asText()).isEqualTo("dm-remediation-operator");
        Set<String> exported = exportedMetricNames();
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
            panel.path("targets").forEach(t -> used.addAll(metricsIn(t.path("expr").asText())));
        }
        assertThat(used).contains("dmr_tasks", "dmr_tasks_escalated", "dmr_tasks_left_stopped",
                "dmr_remediations_in_flight", "dmr_dm_master_reachable", "dmr_playbook_duration_seconds_bucket");
        assertThat(exported).containsAll(used);
    }
}
