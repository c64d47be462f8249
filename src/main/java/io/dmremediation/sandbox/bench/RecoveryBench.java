package io.dmremediation.sandbox.bench;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.TaskState;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.Scenario;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Each FAQ scenario end to end, as the sandbox plays it: the fault appears in DM-master, the operator detects it,
 * runs the FAQ's procedure and verifies the task runs; the time from the fault to RemediationSucceeded (the history
 * entry of the fix), beside the number of commands the FAQ's procedure has a person type. Every run is a fresh world
 * (a fresh resource, DM and kubelet), so no run inherits attempts, backoff or DM state from the one before.
 */
record RecoveryBench(Size size, PrintStream log) {

    static final String NAME = "recovery";
    private static final String RESOURCE = "recovery";
    /** History outcomes that end a playbook. */
    private static final Set<String> FINAL = Set.of("Succeeded", "Failed", "Aborted");

    List<Row> run() {
        List<Row> rows = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            List<Double> fixed = new ArrayList<>();
            List<Double> detected = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < size.recoveryRuns(); i++) {
                Scenario.Result r = once(s);
                log.printf("[recovery] %s run %d: %s%n", s.id(), i + 1, r.line().replace('\n', ' '));
                if (!r.passed()) {
                    failures.add(String.join("; ", r.problems()));
                    continue;
                }
                fixed.add(r.fixedAfter().toMillis() / 1000.0);
                detected.add(r.detectedAfter().toMillis() / 1000.0);
            }
            String label = s.id() + " (" + s.playbook() + ")";
            String runs = fixed.size() + " of " + size.recoveryRuns() + " runs recovered"
                    + (failures.isEmpty() ? "" : "; failed: " + failures);
            rows.add(Row.info(NAME, label + ": fault -> RemediationSucceeded p50", Stats.median(fixed), "s",
                    runs + "; detected after p50 " + Row.format(Stats.median(detected), "s")
                            + waitNote(s)));
            rows.add(Row.info(NAME, label + ": fault -> RemediationSucceeded max", Stats.max(fixed), "s", ""));
            rows.add(Row.info(NAME, label + ": commands by hand (FAQ)", s.manualSteps().size(), "",
                    String.join("; ", s.manualSteps())));
        }
        return rows;
    }

    private static String waitNote(Scenario s) {
        return switch (s) {
            case INVALID_CONNECTION -> "; includes the sandbox policy's 4s wait for DM's auto-resume (default 2m)";
            case BAD_CONNECTION -> "; includes the sandbox policy's 2s wait for DM's auto-resume (default 30s)";
            default -> "";
        };
    }

    private Scenario.Result once(Scenario s) {
        try (SandboxWorld world = SandboxWorld.builder().build(); StatusWatch watch = new StatusWatch(world)) {
            world.startOperator();
            world.startTask(s.task(), s.source());
            world.apply(Scenario.resource(world, RESOURCE, List.of(s)));
            Probe.await(RESOURCE + " Healthy", Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
                DMRemediation r = world.get(RESOURCE);
                return r != null && r.getStatus() != null && "Healthy".equals(r.getStatus().phase);
            });
            Instant injected = Instant.now();
            long t0 = System.nanoTime();
            s.inject(world);
            long seen = watch.await(s.id() + " detected", RESOURCE, t0, s.timeout(), r -> r.getStatus() != null
                    && r.getStatus().tasks.stream().anyMatch(t -> isDetected(s, t)));
            Instant detected = injected.plusNanos(seen - t0);
            watch.await(s.playbook() + " finished", RESOURCE, t0, s.timeout(), r -> {
                DMRemediationStatus st = r.getStatus();
                return st != null && st.active == null && st.history.stream()
                        .anyMatch(h -> s.playbook().equals(h.action) && FINAL.contains(h.outcome));
            });
            return s.verify(world, RESOURCE, 0, injected, detected);
        }
    }

    private static boolean isDetected(Scenario s, TaskState t) {
        return s.task().equals(t.name) && s.id().equals(t.errorClass);
    }
}
