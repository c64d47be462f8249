package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.condition;
import static io.dmremediation.operator.OperatorTestSupport.eventually;
import static io.dmremediation.operator.OperatorTestSupport.reasons;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.StormSettings;
import io.dmremediation.api.TaskState;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Storm mode end to end in the sandbox world: the real operator, the DM-master simulator, the downstream behind a
 * gate, the stand-in kubelet running the credentials checks against the real MariaDB. The downstream goes away and
 * every task pauses; one incident on each resource, nothing restarted while the downstream is away; it comes back,
 * DM's auto-resume gets most tasks running; the rest are restarted in batches; every task keeps its own attempts
 * and history.
 */
class StormModeAcceptanceTest {

    private static final List<String> RESOURCES = List.of("storm-a", "storm-b", "storm-c");
    private static final Pattern BATCH = Pattern.compile("batch (\\d+) of incident (\\S+): (\\d+) task\\(s\\)");

    @Test
    void oneIncidentNoRestartWhileTheDownstreamIsAwayThenBatchesWithEachTasksOwnRecord() {
        try (SandboxWorld world = SandboxWorld.builder().downstreamGate(true).build()) {
            List<String> all = new ArrayList<>();
            for (int r = 0; r < RESOURCES.size(); r++) {
                List<String> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    String task = "st" + r + t;
                    world.startTask(task, SandboxWorld.SOURCE_1);
                    tasks.add(task);
                }
                all.addAll(tasks);
                DMRemediation res = world.remediation(RESOURCES.get(r), tasks.toArray(String[]::new));
                res.getSpec().maxConcurrentRemediations = 2;
                res.getSpec().storm = new StormSettings();
                res.getSpec().storm.minTasks = 5;
                res.getSpec().storm.window = "1m";
                res.getSpec().storm.waitForAutoResume = "3s";
                res.getSpec().storm.batchSize = 6;
                res.getSpec().storm.batchInterval = "2s";
                world.apply(res);
            }
            world.startOperator();
            eventually().until(() -> RESOURCES.stream().allMatch(r -> "Healthy".equals(status(world, r).phase)));

            world.downstreamAway();

            eventually().until(() -> RESOURCES.stream().allMatch(r -> status(world, r).incident != null));
            String id = status(world, "storm-a").incident.id;
            for (String r : RESOURCES) {
                DMRemediationStatus s = status(world, r);
                assertThat(s.incident.id).as("one incident, the same on every resource").isEqualTo(id);
                assertThat(condition(s, "Storm")).hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            }
            // held while the downstream is away: the credentials check fails and is tried again, nothing is stopped
            eventually().atMost(Duration.ofSeconds(90)).until(() -> world.kubelet().runs().stream()
                    .filter(run -> run.job().startsWith("dmr-storm-check-") && run.exitCode() != 0).count() >= 2);
            assertThat(all).allSatisfy(t -> assertThat(world.dm().stopCount(t)).as(t).isZero());
            assertThat(status(world, "storm-a").phase).isNotEqualTo("Remediating");
            for (String r : RESOURCES) {
                assertThat(reasons(world, r, "ErrorDetected")).as(r).isZero();
                assertThat(reasons(world, r, "StormDetected")).as(r).isEqualTo(1);
            }

            // back; DM's auto-resume gets all but ten running again
            Set<String> stuck = new HashSet<>(List.of("st00", "st01", "st02", "st03", "st10", "st11", "st12", "st20",
                    "st21", "st27"));
            world.downstreamBack(stuck);

            eventually().atMost(Duration.ofSeconds(180)).until(() -> RESOURCES.stream().allMatch(r -> {
                DMRemediationStatus s = status(world, r);
                return s.incident == null && s.active == null && "Healthy".equals(s.phase);
            }));

            for (String t : all) {
                assertThat(world.dm().stopCount(t)).as("only the tasks still paused are restarted, once: " + t)
                        .isEqualTo(stuck.contains(t) ? 1 : 0);
            }
            List<Event> started = new ArrayList<>();
            RESOURCES.forEach(r -> world.events(r).stream().filter(e -> "RemediationStarted".equals(e.getReason()))
                    .forEach(started::add));
            assertThat(started).isNotEmpty().allSatisfy(e -> {
                Matcher m = BATCH.matcher(e.getMessage());
                assertThat(m.find()).as("a batch, not one task: " + e.getMessage()).isTrue();
                assertThat(m.group(2)).isEqualTo(id);
                assertThat(Integer.parseInt(m.group(3))).as("storm.batchSize").isLessThanOrEqualTo(6);
            });
            for (String r : RESOURCES) {
                DMRemediationStatus s = status(world, r);
                for (TaskState row : s.tasks) {
                    boolean restarted = stuck.contains(row.name);
                    assertThat(row.attempts).as(row.name).isEqualTo(restarted ? 1 : 0);
                    assertThat(s.history.stream().anyMatch(h -> row.name.equals(h.task)
                            && "Succeeded".equals(h.outcome) && "RestartTask".equals(h.action)))
                            .as(row.name).isEqualTo(restarted);
                }
                assertThat(condition(s, "Storm")).hasValueSatisfying(c -> {
                    assertThat(c.getStatus()).isEqualTo("False");
                    assertThat(c.getReason()).isEqualTo("Over");
                });
                assertThat(reasons(world, r, "StormOver")).as(r).isEqualTo(1);
                assertThat(reasons(world, r, "ErrorDetected")).as(r).isZero();
            }
            assertThat(world.operator().registry().counter("dmr_storm_incidents_total", "error_class",
                    "invalid-connection").count()).isEqualTo(1.0);
        }
    }
}
