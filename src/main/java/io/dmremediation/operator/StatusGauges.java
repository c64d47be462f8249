package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Gauges of state, so that alerts need no counter arithmetic: tasks by phase and error class, escalated tasks, tasks
 * left stopped, remediations in flight, DM-master reachable per cluster, resources by phase. They are computed from
 * the DMRemediations in the operator's cache ({@link StatusCounts}) each time {@link #refresh()} runs (before every
 * scrape), so a series that no longer applies disappears instead of keeping its last value.
 *
 * <p>Only the leader has the resources in its cache; a standby replica exports no rows. Alert on {@code max} over
 * replicas.
 */
public final class StatusGauges {

    private final Supplier<Collection<DMRemediation>> resources;
    private final MultiGauge tasks;
    private final MultiGauge escalated;
    private final MultiGauge leftStopped;
    private final MultiGauge inFlight;
    private final MultiGauge reachable;
    private final MultiGauge phases;

    public StatusGauges(MeterRegistry registry, Supplier<Collection<DMRemediation>> resources) {
        this.resources = resources;
        this.tasks = MultiGauge.builder("dmr_tasks")
                .description("Guarded tasks by phase (Healthy, Waiting, Remediating, Escalated, LeftStopped, Missing) "
                        + "and error class").register(registry);
        this.escalated = MultiGauge.builder("dmr_tasks_escalated")
                .description("Tasks handed to a human after maxAttempts").register(registry);
        this.leftStopped = MultiGauge.builder("dmr_tasks_left_stopped")
                .description("Tasks the operator stopped and could not start again").register(registry);
        this.inFlight = MultiGauge.builder("dmr_remediations_in_flight")
                .description("Remediations running now, by playbook").register(registry);
        this.reachable = MultiGauge.builder("dmr_dm_master_reachable")
                .description("1 when DM-master answered the last poll, 0 when it could not be reached").register(registry);
        this.phases = MultiGauge.builder("dmr_resources")
                .description("DMRemediations by phase").register(registry);
    }

    /** Recounts from the cache; rows that are gone are removed. */
    public void refresh() {
        StatusCounts c = StatusCounts.of(resources.get());
        tasks.register(rows(c.tasks(), k -> resourceTags(k.resource()).and("phase", k.phase())
                .and("error_class", k.errorClass())), true);
        escalated.register(rows(c.escalated(), StatusGauges::resourceTags), true);
        leftStopped.register(rows(c.leftStopped(), StatusGauges::resourceTags), true);
        inFlight.register(rows(c.inFlight(), k -> resourceTags(k.resource()).and("playbook", k.playbook())), true);
        reachable.register(rows(c.reachable(), k -> Tags.of("namespace", k.namespace(), "cluster", k.cluster())), true);
        phases.register(rows(c.resources(), k -> Tags.of("namespace", k.namespace(), "phase", k.phase())), true);
    }

    private static Tags resourceTags(StatusCounts.ResourceKey k) {
        return Tags.of("namespace", k.namespace(), "resource", k.resource(), "cluster", k.cluster());
    }

    private static <K> List<MultiGauge.Row<?>> rows(Map<K, Integer> counts, Function<K, Tags> tags) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((k, n) -> rows.add(MultiGauge.Row.of(tags.apply(k), n)));
        return rows;
    }
}
