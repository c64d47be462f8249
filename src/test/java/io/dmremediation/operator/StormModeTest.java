package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.StormSettings;
import io.dmremediation.api.TaskState;
import io.dmremediation.domain.DmError;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Storm mode on the fast layer: three resources guard ten tasks each on one DM cluster; the downstream goes away and
 * most tasks pause at once. One incident on each affected resource (condition, Event, metric; no per-task Event or
 * restart) while the downstream is away; its credentials check answering again ends the hold; DM's auto-resume gets
 * its time; the tasks still paused are restarted in batches bounded by storm.batchSize and the cluster's
 * maxConcurrentRemediations; each task's attempts, history and escalation work as for a single fault.
 */
class StormModeTest {

    static final DmError INVALID_CONNECTION = SafetyMatrixTest.INVALID_CONNECTION;
    private static final Duration STEP = Duration.ofSeconds(1);
    private final FastWorld w = new FastWorld();

    @AfterEach
    void close() {
        for (var r : w.resources()) {
            r.getMetadata().setFinalizers(new ArrayList<>());
            w.client.resource(r).update();
        }
        w.close();
    }

    private static String task(int i) {
        return String.format("t%02d", i);
    }

    /** Three resources (a, b, c) of ten tasks each; storm settings as given, the rest the defaults. */
    private void world(Consumer<DMRemediationSpec> change) {
        for (int i = 0; i < 30; i++) {
            w.dm.addTask(task(i), SafetyMatrixTest.CONFIG.replace("name: orders", "name: " + task(i)));
        }
        for (int r = 0; r < 3; r++) {
            List<String> tasks = new ArrayList<>();
            for (int i = r * 10; i < r * 10 + 10; i++) {
                tasks.add(task(i));
            }
            w.create(String.valueOf((char) ('a' + r)), tasks, spec -> {
                spec.storm = new StormSettings();
                spec.storm.minTasks = 10;
                spec.storm.threshold = 30;
                spec.storm.window = "2m";
                spec.storm.waitForAutoResume = "30s";
                spec.storm.batchSize = 8;
                spec.storm.batchInterval = "5s";
                spec.maxConcurrentRemediations = 2;
                change.accept(spec);
            });
        }
        w.runAllUntil(() -> w.resources().stream().allMatch(r -> r.getStatus() != null
                && "Healthy".equals(r.getStatus().phase)), STEP, 10);
    }

    @Test
    void aMassFaultIsOneIncidentHeldUntilTheDownstreamAnswersThenRestartedInBatches() {
        world(spec -> { });
        // the downstream goes away: 24 of 30 tasks pause with invalid connection at once
        w.downstreamDown = true;
        for (int i = 0; i < 24; i++) {
            w.dm.breakTask(task(i), INVALID_CONNECTION);
        }
        w.runAllUntil(() -> false, STEP, 3);

        String id = w.status("a").incident.id;
        for (String r : List.of("a", "b", "c")) {
            DMRemediationStatus s = w.status(r);
            assertThat(s.incident).as(r).isNotNull();
            assertThat(s.incident.id).as("one incident, named the same on every resource").isEqualTo(id);
            assertThat(storm(s)).hasValueSatisfying(c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("Holding");
                assertThat(c.getMessage()).contains(id).contains("24 of 30 guarded tasks");
            });
        }
        assertThat(w.status("c").incident.tasks).isEqualTo(4);
        assertThat(reasons()).filteredOn("StormDetected"::equals).hasSize(3);
        assertThat(reasons()).doesNotContain("ErrorDetected", "WaitingForAutoResume");
        assertThat(w.services.metrics().registry().counter("dmr_storm_incidents_total", "error_class",
                "invalid-connection").count()).isEqualTo(1.0);

        // minutes pass with the downstream away: no restart, long after the policy's own 2m wait
        w.runAllUntil(() -> false, Duration.ofSeconds(5), 60);
        assertThat(w.dm.stops).as("no per-task restart while the common cause lasts").isEmpty();
        assertThat(w.status("a").tasks).filteredOn(t -> t.errorClass != null)
                .allSatisfy(t -> assertThat(t.decision).startsWith("Held by incident " + id));
        List<String> checks = w.jobs.created.keySet().stream().filter(j -> j.startsWith("dmr-storm-check-")).toList();
        assertThat(checks).as("one credentials check at a time for the namespace's Secret, retried").hasSizeGreaterThan(3);
        assertThat(w.jobs.created.keySet()).filteredOn(j -> j.startsWith("dmr-precheck-")).isEmpty();

        // the downstream is back; DM's auto-resume gets 10 of the 24 running
        w.downstreamDown = false;
        for (int i = 0; i < 10; i++) {
            w.dm.heal(task(i));
        }
        w.runAllUntil(() -> "WaitingForAutoResume".equals(w.status("a").incident.phase), STEP, 30);
        assertThat(w.status("b").incident.phase).isEqualTo("WaitingForAutoResume");
        w.runAllUntil(() -> false, STEP, 20);
        assertThat(w.dm.stops).as("DM's auto-resume gets its 30s first").isEmpty();

        w.runAllUntil(() -> w.dm.tasks.values().stream().allMatch(t -> t.errors.isEmpty())
                && w.resources().stream().allMatch(r -> r.getStatus().active == null), STEP, 300);

        assertThat(w.dm.tasks.values()).allSatisfy(t -> assertThat(t.errors).isEmpty());
        Set<String> restarted = new HashSet<>(w.dm.stops);
        Set<String> stuck = new HashSet<>();
        for (int i = 10; i < 24; i++) {
            stuck.add(task(i));
        }
        assertThat(restarted).as("only the tasks still paused are restarted").isEqualTo(stuck);
        assertThat(w.dm.stops).as("each once").hasSize(14);
        assertThat(w.dm.mostStoppedAtOnce).as("batches of at most storm.batchSize").isLessThanOrEqualTo(8);
        assertThat(w.dm.violations).isEmpty();
        // every task's own record: an attempt, a history entry; the auto-resumed ones untouched
        for (String r : List.of("a", "b", "c")) {
            DMRemediationStatus s = w.status(r);
            for (TaskState row : s.tasks) {
                boolean wasRestarted = restarted.contains(row.name);
                assertThat(row.attempts).as(row.name).isEqualTo(wasRestarted ? 1 : 0);
                assertThat(s.history.stream().anyMatch(h -> row.name.equals(h.task) && "Succeeded".equals(h.outcome)
                        && "RestartTask".equals(h.action))).as(row.name).isEqualTo(wasRestarted);
            }
        }
        // batches, never one remediation per task
        assertThat(w.client.v1().events().inNamespace(w.ns).list().getItems()).filteredOn(e ->
                "RemediationStarted".equals(e.getReason())).allSatisfy(e -> assertThat(e.getMessage())
                .contains("of incident " + id));

        // the incident is over: said once per resource
        w.runAllUntil(() -> w.status("a").incident == null, STEP, 30);
        for (String r : List.of("a", "b", "c")) {
            assertThat(w.status(r).incident).isNull();
            assertThat(storm(w.status(r))).hasValueSatisfying(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("Over");
            });
        }
        assertThat(reasons()).filteredOn("StormOver"::equals).hasSize(3);
    }

    @Test
    void aTaskThatKeepsFailingAfterItsBatchRestartsIsEscalatedAsForASingleFault() {
        world(spec -> spec.policies = policies(2));
        for (int i = 0; i < 12; i++) {
            w.dm.breakTask(task(i), INVALID_CONNECTION);
        }
        // t03 pauses again after every start: its batch fails, and it counts an attempt each time
        w.dm.errorAfterStart.put(task(3), INVALID_CONNECTION);
        w.runAllUntil(() -> Boolean.TRUE.equals(row("a", task(3)).escalated) && w.dm.tasks.values().stream()
                .filter(t -> !t.name.equals(task(3))).allMatch(t -> t.errors.isEmpty()), STEP, 600);

        TaskState bad = row("a", task(3));
        assertThat(bad.escalated).isTrue();
        assertThat(bad.attempts).isEqualTo(2);
        assertThat(reasons()).contains("Escalated");
        assertThat(w.status("a").history).filteredOn(h -> task(3).equals(h.task) && "Failed".equals(h.outcome))
                .hasSize(2);
        long restartsOfBad = w.dm.stops.stream().filter(task(3)::equals).count();
        // escalated: left alone, whatever the incident does next
        w.runAllUntil(() -> false, STEP, 60);
        assertThat(w.dm.stops.stream().filter(task(3)::equals).count()).isEqualTo(restartsOfBad).isEqualTo(2);
        assertThat(w.dm.violations).isEmpty();
    }

    @Test
    void fewerFailuresThanTheThresholdStayTaskByTask() {
        world(spec -> { });
        for (int i = 0; i < 5; i++) {
            w.dm.breakTask(task(i), INVALID_CONNECTION);
        }
        w.runAllUntil(() -> w.dm.tasks.values().stream().allMatch(t -> t.errors.isEmpty()), STEP, 600);

        assertThat(w.status("a").incident).isNull();
        assertThat(storm(w.status("a"))).isEmpty();
        assertThat(reasons()).doesNotContain("StormDetected").contains("ErrorDetected", "WaitingForAutoResume");
        assertThat(w.dm.stops).hasSize(5);
    }

    @Test
    void theClusterRunsOnTheMostConservativeSettingsOfItsResources() {
        world(spec -> { });
        // one resource asks for batches of 2: the cluster gets batches of 2, whatever the others say
        w.client.resources(io.dmremediation.api.DMRemediation.class).inNamespace(w.ns).withName("c")
                .edit(r -> {
                    r.getSpec().storm.batchSize = 2;
                    return r;
                });
        for (int i = 0; i < 20; i++) {
            w.dm.breakTask(task(i), INVALID_CONNECTION);
        }
        w.runAllUntil(() -> w.dm.tasks.values().stream().allMatch(t -> t.errors.isEmpty()), STEP, 900);

        assertThat(w.dm.stops).hasSize(20);
        assertThat(w.dm.mostStoppedAtOnce).isLessThanOrEqualTo(2);
    }

    private static io.dmremediation.api.Policies policies(int maxAttempts) {
        var p = new io.dmremediation.api.Policies();
        p.invalidConnection = new io.dmremediation.api.ConnectionPolicy();
        p.invalidConnection.maxAttempts = maxAttempts;
        return p;
    }

    private TaskState row(String resource, String task) {
        return w.status(resource).tasks.stream().filter(t -> t.name.equals(task)).findFirst().orElseThrow();
    }

    private List<String> reasons() {
        return w.eventReasons();
    }

    private static Optional<Condition> storm(DMRemediationStatus s) {
        return s.conditions.stream().filter(c -> "Storm".equals(c.getType())).findFirst();
    }

    @SuppressWarnings("unused")
    private static boolean isEnd(HistoryEntry h) {
        return Set.of("Succeeded", "Failed", "Aborted", "LeftStopped").contains(h.outcome);
    }
}
