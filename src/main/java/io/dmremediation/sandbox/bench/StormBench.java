package io.dmremediation.sandbox.bench;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.StormSettings;
import io.dmremediation.domain.Durations;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.RecordedRequest;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mass fault of issue 16: every task of one DM cluster pauses when the downstream goes away (a TiDB restart, a
 * rolling upgrade) for a while, then comes back; DM's auto-resume gets a share of the tasks running again and leaves
 * the rest paused, which storm mode restarts in batches. Wall clock throughout, at DM's own pace (the simulator's
 * worker checks auto-resume every 5 s with a 1 s doubling backoff, as DM does) and the operator's defaults except
 * where the note of a row says. Measured: the time from the downstream's return to every task running, DM-master
 * requests and API writes per poll cycle during the outage and during the recovery, CPU per cycle and heap.
 */
record StormBench(Size size, PrintStream log) {

    static final String NAME = "storm";
    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    private static final Pattern BATCH = Pattern.compile("batch (\\d+) of incident");
    /** The cluster-level limit of the benchmark's resources (the default is 1: one remediation at a time). */
    static final int MAX_CONCURRENT = 20;
    /** storm.batchSize of the benchmark's resources (the default is 50). */
    static final int BATCH_SIZE = 100;

    List<Row> run() {
        int resources = size.stormResources();
        int tasks = size.stormTasks();
        int total = resources * tasks;
        Duration poll = size.scalePoll();
        String label = resources + " x " + tasks + " tasks, 1 cluster, downstream away "
                + Durations.format(size.stormOutage()) + ", " + Math.round(size.stormAutoResumeShare() * 100)
                + "% auto-resumed";
        String b = NAME;
        List<Row> rows = new ArrayList<>();
        try (SandboxWorld world = SandboxWorld.builder().checkpointsInDatabase(false).downstreamGate(true)
                .simulatorTiming(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .autoResume(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(5))
                .build()) {
            DmMasterSimulator dm = world.dm();
            List<String> all = new ArrayList<>();
            for (int r = 0; r < resources; r++) {
                String[] names = new String[tasks];
                for (int t = 0; t < tasks; t++) {
                    names[t] = String.format("m%03d-t%02d", r, t);
                    world.startTask(names[t], SandboxWorld.SOURCE_1);
                    all.add(names[t]);
                }
                world.client().resource(resource(world, String.format("storm-%03d", r), names, poll,
                        size.stormWait())).create();
            }
            log.printf("[storm] %s: %d DMRemediations, %d tasks, poll every %s%n", label, resources, total,
                    Durations.format(poll));
            world.startOperator();
            await(world, "every resource Healthy", s -> "Healthy".equals(s.phase) && s.healthyTasks != null
                    && s.healthyTasks == tasks);
            Probe.sleep(poll);

            // the downstream goes away: one incident, nothing restarted; count over the outage's whole cycles
            long awayAt = System.nanoTime();
            world.downstreamAway();
            await(world, "one incident on every resource", s -> s.incident != null);
            double detectSeconds = (System.nanoTime() - awayAt) / 1e9;
            log.printf("[storm]   incident on every resource after %.1f s%n", detectSeconds);
            Duration left = size.stormOutage().minusNanos(System.nanoTime() - awayAt);
            int outageCycles = (int) Math.max(1, left.toMillis() / poll.toMillis());
            Meter outage = Meter.start(world, dm);
            Probe.sleep(poll.multipliedBy(outageCycles));
            Result o = outage.stop(poll);
            long heapOutage = Probe.heapAfterGc();
            Probe.sleep(size.stormOutage().minusNanos(System.nanoTime() - awayAt));
            long stoppedDuringOutage = all.stream().mapToLong(dm::stopCount).sum();
            log.printf("[storm]   outage over %.1f cycles: DM-master %s; API %s%n", o.cycles(), o.dmByPath(), o.api());

            // back: DM's auto-resume gets the share running again, the rest stay paused until restarted
            List<String> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, new Random(16));
            Set<String> stuck = new HashSet<>(shuffled.subList(0,
                    (int) Math.round(total * (1 - size.stormAutoResumeShare()))));
            Meter recovery = Meter.start(world, dm);
            Instant backInstant = Instant.now();
            long backAt = System.nanoTime();
            world.downstreamBack(stuck);
            Probe.await("every task running", TIMEOUT, Duration.ofMillis(500),
                    () -> all.stream().allMatch(t -> "Running".equals(dm.subtaskStage(t, SandboxWorld.SOURCE_1))));
            double allRunning = (System.nanoTime() - backAt) / 1e9;
            Result rec = recovery.stop(poll);
            log.printf("[storm]   every task running %.1f s after the downstream came back%n", allRunning);
            await(world, "the incident over on every resource", s -> s.incident == null && s.active == null
                    && "Healthy".equals(s.phase));
            double over = (System.nanoTime() - backAt) / 1e9;
            long heapAfter = Probe.heapAfterGc();
            log.printf("[storm]   recovery over %.1f cycles: DM-master %s; API %s%n", rec.cycles(), rec.dmByPath(),
                    rec.api());

            long restarted = all.stream().filter(t -> dm.stopCount(t) > 0).count();
            long restartedTwice = all.stream().filter(t -> dm.stopCount(t) > 1).count();
            int batches = 0;
            long batchRemediations = 0;
            Instant firstBatch = null;
            Instant lastBatch = null;
            for (int r = 0; r < resources; r++) {
                for (Event e : world.events(String.format("storm-%03d", r))) {
                    Matcher m = "RemediationStarted".equals(e.getReason()) ? BATCH.matcher(e.getMessage()) : null;
                    if (m != null && m.find()) {
                        batches = Math.max(batches, Integer.parseInt(m.group(1)));
                        batchRemediations++;
                        Instant at = Instant.parse(e.getFirstTimestamp());
                        firstBatch = firstBatch == null || at.isBefore(firstBatch) ? at : firstBatch;
                        lastBatch = lastBatch == null || at.isAfter(lastBatch) ? at : lastBatch;
                    }
                }
            }
            String batchTimes = firstBatch == null ? "" : String.format("; the first batch started %d s after the "
                    + "downstream came back (the common cause checked, then storm.waitForAutoResume %s), the last "
                    + "%d s after", Duration.between(backInstant, firstBatch).toSeconds(),
                    Durations.format(size.stormWait()), Duration.between(backInstant, lastBatch).toSeconds());
            double incidents = world.operator().registry().find("dmr_storm_incidents_total").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();

            rows.add(Row.atMost(b, label + ": downstream back -> every task running", allRunning / 60, "min", 5,
                    String.format("%d of %d stayed paused after DM's auto-resume and were restarted by the operator "
                                    + "(%d task(s) restarted twice) in %d batches (%d batch remediations over the "
                                    + "resources); the incident was over on every resource after %.0f s", stuck.size(),
                            total, restartedTwice, batches, batchRemediations, over) + batchTimes
                            + (restarted == stuck.size() ? "" : "; restarted " + restarted + " tasks")));
            rows.add(Row.info(b, label + ": downstream away -> incident on every resource", detectSeconds, "s",
                    String.format("%.0f incident(s) counted (dmr_storm_incidents_total); %d tasks stopped while the "
                            + "downstream was away", incidents, stoppedDuringOutage)));
            rows.add(Row.atMost(b, label + ": DM-master requests per cycle during the outage", o.dmPerCycle(), "", 2,
                    "target 1 + sources (1 source); over " + String.format("%.1f", o.cycles()) + " cycles: "
                            + o.dmByPath()));
            rows.add(Row.info(b, label + ": DM-master requests per cycle during the recovery", rec.dmPerCycle(), "",
                    "over " + String.format("%.1f", rec.cycles()) + " cycles, the restarts' stop and start included: "
                            + rec.dmByPath()));
            rows.add(Row.info(b, label + ": API writes per cycle during the outage", o.writesPerCycle(), "",
                    "status updates, patches, Events, Jobs; reads per cycle " + String.format("%.1f", o.readsPerCycle())));
            rows.add(Row.info(b, label + ": API writes per cycle during the recovery", rec.writesPerCycle(), "",
                    "status updates, patches, Events, Jobs, Secrets of saved configs; reads per cycle "
                            + String.format("%.1f", rec.readsPerCycle())));
            rows.add(Row.info(b, label + ": CPU per cycle during the outage, operator threads", o.operatorCpuMs(), "ms",
                    String.format("whole process %.0f ms per cycle (mock API server, simulator, JIT/GC included)",
                            o.processCpuMs())));
            rows.add(Row.info(b, label + ": CPU per cycle during the recovery, operator threads", rec.operatorCpuMs(),
                    "ms", String.format("whole process %.0f ms per cycle", rec.processCpuMs())));
            rows.add(Row.atMost(b, label + ": heap after GC, whole process", Probe.mib(Math.max(heapOutage, heapAfter)),
                    "MiB", 256, String.format("the larger of during the outage (%.0f MiB) and after the recovery "
                            + "(%.0f MiB)", Probe.mib(heapOutage), Probe.mib(heapAfter))));
            world.stopOperator();
        }
        return rows;
    }

    /** Production defaults but for the poll interval, the cluster limit, the batch size and (quick) the wait. */
    private static DMRemediation resource(SandboxWorld world, String name, String[] tasks, Duration poll,
                                          Duration wait) {
        DMRemediation r = world.remediation(name, tasks);
        var spec = r.getSpec();
        spec.pollInterval = Durations.format(poll);
        spec.verifyTimeout = Durations.format(poll.plusSeconds(30));
        spec.healthyResetAfter = null;
        spec.backoff = null;
        spec.policies = null;
        spec.maxConcurrentRemediations = MAX_CONCURRENT;
        spec.storm = new StormSettings();
        spec.storm.batchSize = BATCH_SIZE;
        spec.storm.waitForAutoResume = Durations.format(wait);
        return r;
    }

    private static void await(SandboxWorld world, String what, java.util.function.Predicate<DMRemediationStatus> ok) {
        try {
            Probe.await(what, TIMEOUT, Duration.ofMillis(250), () -> {
                List<DMRemediation> all = world.client().resources(DMRemediation.class)
                        .inNamespace(SandboxWorld.NAMESPACE).list().getItems();
                return !all.isEmpty() && all.stream().allMatch(r -> r.getStatus() != null && ok.test(r.getStatus()));
            });
        } catch (IllegalStateException e) {
            Map<String, Long> phases = new TreeMap<>();
            world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE).list().getItems()
                    .forEach(r -> phases.merge(r.getStatus() == null ? "no status" : r.getStatus().phase
                            + (r.getStatus().incident == null ? "" : " in " + r.getStatus().incident.phase), 1L,
                            Long::sum));
            throw new IllegalStateException(e.getMessage() + "; resources by phase: " + phases, e);
        }
    }

    /** Requests to DM-master and the API server, and CPU, from {@link #start} to {@link #stop}. */
    private record Meter(SandboxWorld world, DmMasterSimulator dm, long wall0, long cpu0, Map<Long, Long> operator0) {

        static Meter start(SandboxWorld world, DmMasterSimulator dm) {
            world.kube().requests().reset();
            dm.clearRequests();
            return new Meter(world, dm, System.nanoTime(), Probe.processCpuNanos(),
                    Probe.threadCpu(StormBench::operatorThread));
        }

        Result stop(Duration poll) {
            long cpu = Probe.processCpuNanos() - cpu0;
            long operator = Probe.threadCpuSince(operator0, StormBench::operatorThread);
            double cycles = (System.nanoTime() - wall0) / 1e9 / (poll.toMillis() / 1000.0);
            List<RecordedRequest> requests = dm.requests();
            Map<String, Long> byPath = new TreeMap<>();
            requests.forEach(r -> byPath.merge(r.method() + " " + shape(r.path()), 1L, Long::sum));
            return new Result(cycles, requests.size(), byPath, world.kube().requests().snapshot(), cpu, operator);
        }

        /** A path with its task or Job name taken out, so the note groups requests by kind. */
        private static String shape(String path) {
            return path.replaceAll("m\\d{3}-t\\d{2}", "{task}");
        }
    }

    private record Result(double cycles, int dmRequests, Map<String, Long> dmByPath, Map<String, Long> api, long cpu,
                          long operatorCpu) {

        double dmPerCycle() {
            return dmRequests / cycles;
        }

        double writesPerCycle() {
            return api.entrySet().stream().filter(e -> e.getKey().startsWith("PUT ") || e.getKey().startsWith("PATCH ")
                    || e.getKey().startsWith("POST ") || e.getKey().startsWith("DELETE "))
                    .mapToLong(Map.Entry::getValue).sum() / cycles;
        }

        double readsPerCycle() {
            return api.entrySet().stream().filter(e -> e.getKey().startsWith("GET "))
                    .mapToLong(Map.Entry::getValue).sum() / cycles;
        }

        double processCpuMs() {
            return Probe.millis(cpu) / cycles;
        }

        double operatorCpuMs() {
            return Probe.millis(operatorCpu) / cycles;
        }
    }

    /**
     * The operator's threads: every thread but the mock API server's, the simulator's, the stand-in kubelet's and
     * the downstream gate's (they play the cluster), and the benchmark's own.
     */
    private static boolean operatorThread(String name) {
        return !name.startsWith("vert.x") && !name.startsWith("dm-sim") && !name.startsWith("stand-in-kubelet")
                && !name.startsWith("downstream-gate") && !name.startsWith("sandbox-") && !"main".equals(name);
    }
}
