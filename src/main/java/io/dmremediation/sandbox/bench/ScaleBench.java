package io.dmremediation.sandbox.bench;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.domain.Durations;
import io.dmremediation.operator.OperatorRunner;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.RecordedRequest;
import io.dmremediation.sandbox.dmmaster.SourceSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Many DMRemediations in one operator: DM-master requests and API-server requests per poll cycle, CPU per cycle,
 * heap after GC, and the time to converge after the operator starts and after it restarts. First all resources on
 * one DM cluster (the world's simulator), then, if asked, the same number of tasks spread over several clusters, each
 * its own simulator.
 */
record ScaleBench(Size size, PrintStream log) {

    static final String NAME = "scale";
    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(10);
    /** lastPollTime of an operator that has been away for a while: the next poll must refresh it. */
    private static final String LONG_AGO = "2000-01-01T00:00:00Z";

    List<Row> run() {
        List<Row> rows = new ArrayList<>(oneCluster());
        if (size.multiClusters() > 0) {
            rows.addAll(severalClusters());
        }
        return rows;
    }

    private List<Row> oneCluster() {
        int resources = size.scaleResources();
        int tasks = size.scaleTasks();
        try (SandboxWorld world = world()) {
            List<String> names = new ArrayList<>();
            for (int r = 0; r < resources; r++) {
                String name = String.format("scale-%03d", r);
                String[] taskNames = new String[tasks];
                for (int t = 0; t < tasks; t++) {
                    taskNames[t] = String.format("s%03d-t%02d", r, t);
                    world.startTask(taskNames[t], SandboxWorld.SOURCE_1);
                }
                create(world, world.remediation(name, taskNames));
                names.add(name);
            }
            String label = resources + " x " + tasks + " tasks, 1 cluster";
            return measure(label, world, List.of(world.dm()), names, tasks, 1, replyBound());
        }
    }

    private List<Row> severalClusters() {
        int clusters = size.multiClusters();
        int perCluster = size.multiResources();
        int tasks = size.scaleTasks();
        List<DmMasterSimulator> sims = new ArrayList<>();
        try (SandboxWorld world = world()) {
            Map<String, String> addresses = new HashMap<>();
            List<String> names = new ArrayList<>();
            try {
                for (int c = 0; c < clusters; c++) {
                    String cluster = "c" + c;
                    String worker = cluster + "-dm-worker-0";
                    DmMasterSimulator sim = DmMasterSimulator.builder().openApi(true).clusterName(cluster)
                            .masterName(cluster + "-dm-master-0").tickInterval(Duration.ofSeconds(1))
                            .checkpointFlushInterval(Duration.ofSeconds(30)).worker(worker)
                            .source(SourceSpec.source(SandboxWorld.SOURCE_1).boundTo(worker)
                                    .tables("shop.orders", "shop.items"))
                            .build();
                    sims.add(sim);
                    addresses.put("http://" + cluster + "-dm-master." + SandboxWorld.NAMESPACE + ":8261", sim.url());
                    for (int r = 0; r < perCluster; r++) {
                        String name = String.format("%s-scale-%03d", cluster, r);
                        String[] taskNames = new String[tasks];
                        for (int t = 0; t < tasks; t++) {
                            taskNames[t] = String.format("%s-s%03d-t%02d", cluster, r, t);
                            sim.startTask(world.taskYaml(taskNames[t], false, SandboxWorld.SOURCE_1));
                        }
                        DMRemediation res = world.remediation(name, taskNames);
                        res.getSpec().cluster.dmClusterRef.name = cluster;
                        create(world, res);
                        names.add(name);
                    }
                }
                String label = clusters * perCluster + " x " + tasks + " tasks, " + clusters + " clusters";
                return measure(label, world, sims, names, tasks, clusters,
                        o -> o.withAddressRewrite(url -> addresses.getOrDefault(url, url)));
            } finally {
                sims.forEach(DmMasterSimulator::close);
            }
        }
    }

    /**
     * The operator's bound on one DM-master reply (8 MiB) is the first thing 10,000 tasks on one source break: the
     * gateway's status of every task is just over it (DM indents its JSON, pingcap/tiflow:dm/master/http_handler.go:56-60
     * @v8.5.4). {@code -Dbench.dmMaxReplyMiB=N} raises it for this benchmark only, to measure what comes next.
     */
    private static UnaryOperator<OperatorRunner.Options> replyBound() {
        Integer mib = Integer.getInteger("bench.dmMaxReplyMiB");
        if (mib == null) {
            return UnaryOperator.identity();
        }
        if (mib < 1 || mib > 1024) {
            throw new IllegalArgumentException("bench.dmMaxReplyMiB must be 1..1024, not " + mib);
        }
        // the world's other limits (SandboxWorld.operatorOptions: 1 s to connect, 3 s per request), only the bound raised
        DmHttpSettings http = DmHttpSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1))
                .withRequestTimeout(Duration.ofSeconds(3)).withMaxReplyBytes(mib * 1024 * 1024);
        return o -> new OperatorRunner.Options(o.client(), o.namespaces(), o.leaderElection(),
                url -> DmMasterClients.connect(url, http), o.addressRewrite(), o.clock(), o.jobImage(), o.registry(),
                o.useServerSideApply(), o.snapshotMaxAge(), o.reconcileThreads(), o.stepGate(), o.jobPod(),
                o.workerPodSelector(), o.tlsDmFactory(), o.timing());
    }

    /** No database (checkpoints in memory: nothing here fixes one), and the simulator at DM's own pace. */
    private static SandboxWorld world() {
        return SandboxWorld.builder().database(false)
                .simulatorTiming(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .autoResume(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(5))
                .build();
    }

    private void create(SandboxWorld world, DMRemediation r) {
        r.getSpec().pollInterval = Durations.format(size.scalePoll());
        r.getSpec().verifyTimeout = Durations.format(size.scalePoll().plusSeconds(30));
        // the mass-fault phase only watches: DM's auto-resume gets an hour before the operator would act
        r.getSpec().policies.badConnection.waitForAutoResume = "1h";
        r.getSpec().policies.badConnection.pauseThreshold = 1000;
        world.client().resource(r).create();
    }

    private List<Row> measure(String label, SandboxWorld world, List<DmMasterSimulator> sims, List<String> names,
                              int tasks, int clusters, UnaryOperator<OperatorRunner.Options> customize) {
        int n = names.size();
        Duration poll = size.scalePoll();
        int cycles = size.scaleCycles();
        String b = NAME;
        List<Row> rows = new ArrayList<>();
        log.printf("[scale] %s: %d DMRemediations, %d tasks, poll every %s%n", label, n, n * tasks,
                Durations.format(poll));

        // the world alone: what the process costs without the operator
        long heapWorld = Probe.heapAfterGc();
        Duration idleWindow = poll.compareTo(Duration.ofSeconds(5)) < 0 ? poll : Duration.ofSeconds(5);
        long idleCpu0 = Probe.processCpuNanos();
        long idleWall0 = System.nanoTime();
        Probe.sleep(idleWindow);
        double idleCpuPerSecond = (Probe.processCpuNanos() - idleCpu0) / ((System.nanoTime() - idleWall0) / 1e9);

        // start: every resource reconciled, polled and Healthy
        resetCounters(world, sims);
        long start = System.nanoTime();
        world.startOperator(customize);
        awaitAll(world, "every resource Healthy after the operator started", r -> healthy(r, tasks));
        double startSeconds = (System.nanoTime() - start) / 1e9;
        long startWrites = writes(world.kube().requests().snapshot());
        log.printf("[scale]   converged after start in %.1f s (%d API writes)%n", startSeconds, startWrites);

        // steady state: let a cycle pass, then count over whole cycles
        Probe.sleep(poll.plusMillis(500));
        Window w = Window.over(world, sims, poll, cycles);
        long heapRunning = Probe.heapAfterGc();
        double realCycles = w.cycles();
        long statusPolls = w.statusPolls();
        Map<String, Long> dmByPath = new TreeMap<>();
        w.dm().forEach(r -> dmByPath.merge(r.method() + " " + r.path()
                + (r.query().isEmpty() ? "" : "?" + r.query()), 1L, Long::sum));
        log.printf("[scale]   steady state over %.1f cycles: DM-master %s; API %s%n", realCycles, dmByPath, w.api());

        rows.add(Row.info(b, label + ": converge after operator start (all Healthy)", startSeconds, "s",
                n + " resources reconciled, polled and written once; " + startWrites + " API writes"));
        rows.add(Row.atMost(b, label + ": DM-master status polls per cycle per cluster",
                statusPolls / realCycles / clusters, "", 1, "GET /apis/v1alpha1/status/ (every task) over "
                        + String.format("%.1f", realCycles) + " cycles of " + Durations.format(poll)));
        rows.add(Row.info(b, label + ": DM-master requests per cycle per cluster (all)",
                w.dm().size() / realCycles / clusters, "", w.dm().size() == statusPolls
                        ? "only the status poll" : "by path: " + dmByPath));
        rows.add(Row.info(b, label + ": API writes per cycle", writes(w.api()) / realCycles, "",
                "status updates, patches and Events; one status write per poll per resource would be " + n));
        rows.add(Row.info(b, label + ": API reads per cycle", sum(reads(w.api())) / realCycles, "",
                "GETs of single objects and lists (watches not counted)"));
        rows.add(Row.info(b, label + ": CPU per cycle, whole process", Probe.millis(w.cpu()) / realCycles, "ms",
                "operator + mock API server + DM-master simulator + JIT/GC, "
                        + String.format("%.1f%%", 100.0 * w.cpu() / 1e9 / w.wallSeconds()) + " of one core"));
        rows.add(Row.info(b, label + ": CPU per cycle, operator's share", Math.max(0,
                        (w.cpu() - idleCpuPerSecond * w.wallSeconds()) / 1e6 / realCycles), "ms",
                "whole process minus the same world idle without the operator ("
                        + String.format("%.0f ms/s", idleCpuPerSecond / 1e6) + ")"));
        rows.add(Row.info(b, label + ": CPU per cycle, operator threads", Probe.millis(w.operatorCpu()) / realCycles,
                "ms", "reconcilers, informers, HTTP clients: every thread but the mock API server's, the simulator's"
                        + " and the benchmark's (no JIT/GC)"));
        rows.add(Row.info(b, label + ": simulator tick CPU", Probe.millis(w.tickCpu()) / w.wallSeconds(), "ms/s",
                n * tasks + " subtasks advanced every 1 s; the simulator is not the bottleneck when small"));
        rows.add(Row.atMost(b, label + ": heap after GC, whole process", Probe.mib(heapRunning), "MiB", 256,
                "operator + mock API server + simulator + the world"));
        rows.add(Row.info(b, label + ": heap after GC, operator's share", Probe.mib(Math.max(0, heapRunning - heapWorld)),
                "MiB", "whole process minus the world before the operator started ("
                        + String.format("%.0f MiB", Probe.mib(heapWorld)) + ")"));

        // restart: the operator was away for over a minute, so every lastPollTime is old and must be refreshed
        world.stopOperator();
        ageLastPoll(world);
        resetCounters(world, sims);
        Instant restartedAt = Instant.now();
        long restart = System.nanoTime();
        world.startOperator(customize);
        awaitAll(world, "every resource polled again after the restart",
                r -> healthy(r, tasks) && r.getStatus().lastPollTime != null
                        && !Instant.parse(r.getStatus().lastPollTime).isBefore(restartedAt.minusSeconds(1)));
        double restartSeconds = (System.nanoTime() - restart) / 1e9;
        long restartPolls = sims.stream().mapToLong(s -> s.requests().stream().filter(ScaleBench::statusPoll).count())
                .sum();
        log.printf("[scale]   converged after restart in %.1f s (%d status polls)%n", restartSeconds, restartPolls);
        rows.add(Row.info(b, label + ": converge after operator restart", restartSeconds, "s",
                "until every resource is Healthy with a lastPollTime from the new operator; " + restartPolls
                        + " DM-master status polls, " + writes(world.kube().requests().snapshot()) + " API writes"));

        rows.addAll(massFault(label, world, sims, n, tasks, clusters));
        world.stopOperator();
        return rows;
    }

    /**
     * Every task pauses with {@code driver: bad connection} at once (the downstream restarted) and DM's auto-resume
     * keeps failing; the policy waits an hour for it, so the operator only watches: what does a poll cycle cost then?
     */
    private List<Row> massFault(String label, SandboxWorld world, List<DmMasterSimulator> sims, int n, int tasks,
                                int clusters) {
        String b = NAME;
        Duration poll = size.scalePoll();
        for (DmMasterSimulator sim : sims) {
            for (String task : sim.taskNames()) {
                sim.injectBadConnection(task, SandboxWorld.SOURCE_1, Integer.MAX_VALUE);
            }
        }
        awaitAll(world, "every task seen erroring", r -> r.getStatus() != null && "Waiting".equals(r.getStatus().phase)
                && r.getStatus().tasks.stream().filter(t -> "bad-connection".equals(t.errorClass)).count() == tasks);
        Probe.sleep(poll.plusMillis(500));
        Window w = Window.over(world, sims, poll, Math.max(2, size.scaleCycles() / 2));
        double realCycles = w.cycles();
        long statusPolls = w.statusPolls();
        log.printf("[scale]   mass fault over %.1f cycles: %d DM-master requests (%d status polls); API %s%n",
                realCycles, w.dm().size(), statusPolls, w.api());
        String what = label + ", every task paused: ";
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info(b, what + "DM-master requests per cycle per cluster", w.dm().size() / realCycles / clusters,
                "", String.format("%.1f", statusPolls / realCycles / clusters) + " status polls; by path: "
                        + byPath(w.dm())));
        Map<String, Long> reads = reads(w.api());
        rows.add(Row.info(b, what + "API reads per cycle", sum(reads) / realCycles, "", "over "
                + String.format("%.1f", realCycles) + " cycles: " + reads));
        rows.add(Row.info(b, what + "API writes per cycle", writes(w.api()) / realCycles, "", "while " + n * tasks
                + " tasks wait for DM's auto-resume (policy: 1h)"));
        rows.add(Row.info(b, what + "CPU per cycle, whole process", Probe.millis(w.cpu()) / realCycles, "ms", ""));
        rows.add(Row.info(b, what + "CPU per cycle, operator threads", Probe.millis(w.operatorCpu()) / realCycles, "ms",
                ""));
        return rows;
    }

    /**
     * A poll of every task's status: the gateway's query-status with no task name (per source when one answer would
     * be too big), or the OpenAPI task list with status (the per-task fallback's first request).
     */
    static boolean statusPoll(RecordedRequest r) {
        return "GET".equals(r.method()) && ("/apis/v1alpha1/status/".equals(r.path())
                || "/api/v1/tasks".equals(r.path()) && r.query().contains("with_status=true"));
    }

    private static Map<String, Long> byPath(List<RecordedRequest> requests) {
        Map<String, Long> out = new TreeMap<>();
        requests.forEach(r -> out.merge(r.method() + " " + r.path(), 1L, Long::sum));
        return out;
    }

    private static boolean simulatorTick(String name) {
        return name.startsWith("dm-sim-tick");
    }

    /** Every Java thread but the mock API server's (vert.x), the simulator's and the benchmark's own. */
    private static boolean operatorThread(String name) {
        return !name.startsWith("vert.x") && !name.startsWith("dm-sim") && !"main".equals(name);
    }

    private static void resetCounters(SandboxWorld world, List<DmMasterSimulator> sims) {
        world.kube().requests().reset();
        sims.forEach(DmMasterSimulator::clearRequests);
    }

    private static long writes(Map<String, Long> api) {
        return api.entrySet().stream()
                .filter(e -> e.getKey().startsWith("PUT ") || e.getKey().startsWith("PATCH ")
                        || e.getKey().startsWith("POST ") || e.getKey().startsWith("DELETE "))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** The API server's GETs of single objects and lists, by resource (watches count as WATCH, not here). */
    private static Map<String, Long> reads(Map<String, Long> api) {
        Map<String, Long> reads = new TreeMap<>(api);
        reads.keySet().removeIf(k -> !k.startsWith("GET "));
        return reads;
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What the world did over whole poll cycles: requests to DM-master and to the API server, and CPU. */
    private record Window(Duration poll, double wallSeconds, long cpu, long operatorCpu, long tickCpu,
                          Map<String, Long> api, List<RecordedRequest> dm) {

        /** Resets the request counters, then sleeps through {@code cycles} poll intervals and reads them. */
        static Window over(SandboxWorld world, List<DmMasterSimulator> sims, Duration poll, int cycles) {
            resetCounters(world, sims);
            var tick0 = Probe.threadCpu(ScaleBench::simulatorTick);
            var operator0 = Probe.threadCpu(ScaleBench::operatorThread);
            long cpu0 = Probe.processCpuNanos();
            long wall0 = System.nanoTime();
            Probe.sleep(poll.multipliedBy(cycles));
            long cpu = Probe.processCpuNanos() - cpu0;
            double wallSeconds = (System.nanoTime() - wall0) / 1e9;
            long operatorCpu = Probe.threadCpuSince(operator0, ScaleBench::operatorThread);
            long tickCpu = Probe.threadCpuSince(tick0, ScaleBench::simulatorTick);
            List<RecordedRequest> dm = new ArrayList<>();
            sims.forEach(s -> dm.addAll(s.requests()));
            return new Window(poll, wallSeconds, cpu, operatorCpu, tickCpu, world.kube().requests().snapshot(), dm);
        }

        /** The poll cycles the window really lasted (a sleep overshoots). */
        double cycles() {
            return wallSeconds / (poll.toMillis() / 1000.0);
        }

        long statusPolls() {
            return dm.stream().filter(ScaleBench::statusPoll).count();
        }
    }

    private static boolean healthy(DMRemediation r, int tasks) {
        var s = r.getStatus();
        return s != null && "Healthy".equals(s.phase) && s.taskCount != null && s.taskCount == tasks
                && s.healthyTasks != null && s.healthyTasks == tasks;
    }

    private static void awaitAll(SandboxWorld world, String what, Predicate<DMRemediation> ok) {
        try {
            Probe.await(what, CONVERGE_TIMEOUT, Duration.ofMillis(100), () -> {
                List<DMRemediation> all = world.client().resources(DMRemediation.class)
                        .inNamespace(SandboxWorld.NAMESPACE).list().getItems();
                return !all.isEmpty() && all.stream().allMatch(ok);
            });
        } catch (IllegalStateException e) {
            Map<String, Long> phases = new TreeMap<>();
            world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE).list().getItems()
                    .forEach(r -> phases.merge((ok.test(r) ? "ok " : "not ok ")
                            + (r.getStatus() == null ? "no status" : r.getStatus().phase), 1L, Long::sum));
            throw new IllegalStateException(e.getMessage() + "; resources by phase: " + phases, e);
        }
    }

    private static void ageLastPoll(SandboxWorld world) {
        for (DMRemediation r : world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE)
                .list().getItems()) {
            r.getStatus().lastPollTime = LONG_AGO;
            world.client().resource(r).updateStatus();
        }
    }
}
