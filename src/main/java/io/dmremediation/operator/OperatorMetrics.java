package io.dmremediation.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The operator's own Prometheus metrics (JOSDK adds its reconcile metrics beside them). */
public final class OperatorMetrics {

    /** Upper bounds of dmr_playbook_duration_seconds' buckets. */
    static final Duration[] PLAYBOOK_BUCKETS = {Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofHours(1)};

    private final MeterRegistry registry;

    public OperatorMetrics(MeterRegistry registry) {
        this(registry, BuildInfo.current());
    }

    OperatorMetrics(MeterRegistry registry, BuildInfo build) {
        this.registry = registry;
        buildInfo(registry, build);
    }

    /**
     * The Prometheus idiom for a build: {@code dmr_build_info} with a constant 1 whose labels say what runs. Micrometer
     * strips an {@code _info} suffix from its own gauges, so on a Prometheus registry it is a Prometheus Info metric.
     */
    private static void buildInfo(MeterRegistry registry, BuildInfo build) {
        String[] labels = {"version", "java_version", "josdk_version", "fabric8_version"};
        String[] values = {build.version(), build.javaVersion(), build.josdkVersion(), build.fabric8Version()};
        if (registry instanceof io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus) {
            try {
                io.prometheus.metrics.core.metrics.Info.builder().name("dmr_build_info")
                        .help("The running operator's version; always 1").labelNames(labels)
                        .register(prometheus.getPrometheusRegistry()).setLabelValues(values);
            } catch (IllegalArgumentException alreadyThere) {
                // a second operator on the same registry (a restart in one process): the build has not changed
            }
            return;
        }
        io.micrometer.core.instrument.Gauge.Builder<?> g = io.micrometer.core.instrument.Gauge
                .builder("dmr_build_info", () -> 1).description("The running operator's version; always 1");
        for (int i = 0; i < labels.length; i++) {
            g = g.tag(labels[i], values[i]);
        }
        g.register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void detected(String errorClass) {
        Counter.builder("dmr_detections_total").description("FAQ errors (and unknown ones) seen on guarded tasks")
                .tag("error_class", errorClass).register(registry).increment();
    }

    public void remediation(String errorClass, String playbook, String outcome, Duration took) {
        Counter.builder("dmr_remediations_total").description("Finished remediations")
                .tag("error_class", errorClass).tag("action", playbook).tag("outcome", outcome)
                .register(registry).increment();
        Timer.builder("dmr_playbook_duration_seconds").description("Time from a playbook's start to its outcome")
                .tag("action", playbook).tag("outcome", outcome)
                // fixed buckets from seconds (a restart) to an hour (a replay of a big binlog file), so that
                // histogram_quantile works across replicas and restarts
                .serviceLevelObjectives(PLAYBOOK_BUCKETS)
                .register(registry).record(took);
    }

    public void escalated(String errorClass) {
        Counter.builder("dmr_escalations_total").description("Tasks handed to a human")
                .tag("error_class", errorClass).register(registry).increment();
    }

    public void leftStopped(String errorClass) {
        Counter.builder("dmr_tasks_left_stopped_total")
                .description("Tasks the operator stopped and could not start again (a person must)")
                .tag("error_class", errorClass).register(registry).increment();
    }

    /** A storm-mode incident began on a DM cluster: counted once, however many tasks and resources it covers. */
    public void stormIncident(String errorClass) {
        Counter.builder("dmr_storm_incidents_total")
                .description("Storm-mode incidents: many guarded tasks of one DM cluster failing the same way at once")
                .tag("error_class", errorClass).register(registry).increment();
    }

    public void planned(String errorClass, String playbook) {
        Counter.builder("dmr_planned_actions_total").description("Actions a dry run would have taken")
                .tag("error_class", errorClass).tag("action", playbook).register(registry).increment();
    }

    /** A DM-worker pod change that sent the resources guarding its cluster to DM-master at once. */
    public void workerPodChange() {
        Counter.builder("dmr_worker_pod_changes_total")
                .description("DM-worker pod restarts, readiness flips, node moves and deletions that triggered a poll")
                .register(registry).increment();
    }

    public void dmRequest(String operation, String outcome, Duration took) {
        Timer.builder("dmr_dm_master_request_seconds").description("DM-master calls by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome).register(registry).record(took);
    }
}
