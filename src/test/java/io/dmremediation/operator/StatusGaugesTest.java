package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.TaskState;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state gauges, counted from statuses alone, and what a scrape shows. */
class StatusGaugesTest {

    static DMRemediation resource(String ns, String name, String cluster, String phase, TaskState... tasks) {
        DMRemediation r = new DMRemediation();
        r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        DMRemediationStatus s = new DMRemediationStatus();
        s.phase = phase;
        s.cluster = cluster;
        s.tasks = new ArrayList<>(List.of(tasks));
        r.setStatus(s);
        return r;
    }

    static TaskState task(String name, String errorClass, Boolean escalated, Boolean leftStopped, String stage) {
        TaskState t = new TaskState();
        t.name = name;
        t.errorClass = errorClass;
        t.escalated = escalated;
        t.leftStopped = leftStopped;
        t.stage = stage;
        return t;
    }

    static void unreachable(DMRemediation r) {
        r.getStatus().conditions.add(new ConditionBuilder().withType("Degraded").withStatus("True")
                .withReason("DMMasterUnreachable").withMessage("cannot reach DM-master").build());
    }

    @Test
    void countsTasksByPhaseAndClassAndThePerResourceAndPerClusterStates() {
        DMRemediation a = resource("dm", "orders", "basic", "Remediating",
                task("orders", "bad-connection", null, null, "Paused"),
                task("billing", "", null, null, "Running"),
                task("audit", "syncer-binlog-overflow", true, null, "Paused"),
                task("stock", "relay-binlog-overflow", true, true, "Stopped"),
                task("ghost", null, null, null, "Missing"));
        // the one task left stopped, as status.leftStopped records it (the row mirrors it)
        a.getStatus().leftStopped.add(new io.dmremediation.api.StoppedTask("stock", "mysql-01", "dmr-config-x",
                "task-c3RvY2s.yaml", "http://basic-dm-master.dm:8261", "2026-01-01T00:00:00Z", "refused"));
        a.getStatus().active = new ActiveRemediation();
        a.getStatus().active.task = "orders";
        a.getStatus().active.playbook = "RestartTask";
        DMRemediation b = resource("dm", "crm", "basic", "Degraded", task("crm", null, null, null, "Running"));
        unreachable(b);
        DMRemediation c = resource("dm2", "far", "far-cluster", "Degraded");
        unreachable(c);
        DMRemediation fresh = new DMRemediation();
        fresh.setMetadata(new ObjectMetaBuilder().withNamespace("dm").withName("new").build());

        StatusCounts counts = StatusCounts.of(List.of(a, b, c, fresh));
        StatusCounts.ResourceKey ka = new StatusCounts.ResourceKey("dm", "orders", "basic");
        assertThat(counts.tasks()).containsEntry(new StatusCounts.TaskKey(ka, "Remediating", "bad-connection"), 1)
                .containsEntry(new StatusCounts.TaskKey(ka, "Healthy", "none"), 1)
                .containsEntry(new StatusCounts.TaskKey(ka, "Escalated", "syncer-binlog-overflow"), 1)
                .containsEntry(new StatusCounts.TaskKey(ka, "LeftStopped", "relay-binlog-overflow"), 1)
                .containsEntry(new StatusCounts.TaskKey(ka, "Missing", "none"), 1);
        assertThat(counts.escalated()).containsEntry(ka, 2);
        assertThat(counts.leftStopped()).containsEntry(ka, 1)
                .containsEntry(new StatusCounts.ResourceKey("dm", "crm", "basic"), 0);
        assertThat(counts.inFlight()).containsExactly(
                java.util.Map.entry(new StatusCounts.FlightKey(ka, "RestartTask"), 1));
        // one resource on "basic" still reaches its DM-master: the cluster's DM-master answers
        assertThat(counts.reachable()).containsEntry(new StatusCounts.ClusterKey("dm", "basic"), 1)
                .containsEntry(new StatusCounts.ClusterKey("dm2", "far-cluster"), 0);
        assertThat(counts.resources()).containsEntry(new StatusCounts.PhaseKey("dm", "Unknown"), 1)
                .containsEntry(new StatusCounts.PhaseKey("dm", "Degraded"), 1);
    }

    @Test
    void aScrapeShowsTheCurrentStateAndDropsRowsThatNoLongerApply() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<DMRemediation> cache = new ArrayList<>();
        StatusGauges gauges = new StatusGauges(registry, () -> cache);
        DMRemediation r = resource("dm", "orders", "basic", "Escalated",
                task("orders", "bad-connection", true, true, "Stopped"));
        r.getStatus().leftStopped.add(new io.dmremediation.api.StoppedTask("orders", "mysql-01", "dmr-config-x",
                "task-b3JkZXJz.yaml", "http://basic-dm-master.dm:8261", "2026-01-01T00:00:00Z", "refused"));
        cache.add(r);
        gauges.refresh();
        String scrape = registry.scrape();
        assertThat(scrape).contains("dmr_tasks_left_stopped{cluster=\"basic\",namespace=\"dm\",resource=\"orders\"} 1")
                .contains("dmr_tasks_escalated{cluster=\"basic\",namespace=\"dm\",resource=\"orders\"} 1")
                .contains("dmr_dm_master_reachable{cluster=\"basic\",namespace=\"dm\"} 1")
                .contains("dmr_tasks{cluster=\"basic\",error_class=\"bad-connection\",namespace=\"dm\",phase=\"LeftStopped\",resource=\"orders\"} 1");

        cache.clear();
        cache.add(resource("dm", "orders", "basic", "Healthy", task("orders", null, null, null, "Running")));
        gauges.refresh();
        scrape = registry.scrape();
        assertThat(scrape).contains("dmr_tasks_left_stopped{cluster=\"basic\",namespace=\"dm\",resource=\"orders\"} 0")
                .contains("phase=\"Healthy\"").doesNotContain("phase=\"LeftStopped\"");
    }

    @Test
    void buildInfoAndThePlaybookHistogramAreExported() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics(registry, new BuildInfo("1.2.3", "17.0.1", "5.3.2", "7.6.1"));
        metrics.remediation("bad-connection", "RestartTask", "Succeeded", Duration.ofSeconds(40));
        String scrape = registry.scrape();
        assertThat(scrape).contains("dmr_build_info{fabric8_version=\"7.6.1\",java_version=\"17.0.1\","
                + "josdk_version=\"5.3.2\",version=\"1.2.3\"} 1");
        assertThat(scrape).contains("dmr_playbook_duration_seconds_bucket{action=\"RestartTask\",outcome=\"Succeeded\",le=\"30.0\"} 0")
                .contains("dmr_playbook_duration_seconds_bucket{action=\"RestartTask\",outcome=\"Succeeded\",le=\"60.0\"} 1");
        assertThat(BuildInfo.current().version()).as("filled in by the build").isNotEqualTo("unknown")
                .isNotBlank();
    }
}
