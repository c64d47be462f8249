package io.dmremediation.sandbox.bench;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.domain.Durations;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.sandbox.DmWorkerPods;
import io.dmremediation.sandbox.SandboxWorld;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * From a fault appearing in DM-master to the operator's first remediation step ({@code RemediationStarted}: the
 * playbook's first step on record in {@code status.active}), per poll interval, and with a long poll interval when
 * a DM-worker pod changes at the moment of the fault.
 *
 * <p>The fault: {@code driver: bad connection} on a subtask, recurring on every resume, with the policy
 * {@code badConnection.waitForAutoResume: 0s}, so the operator acts on first sight and the wait policy is not part of
 * the latency. Each sample injects at a random phase of the poll interval (uniform over it) into a task of its own
 * (a task's attempt count and backoff would otherwise delay the next sample), and the next sample starts once the
 * remediation has finished. The time of "first step on record" is when the watch delivers the resource with
 * {@code status.active} set for that task.
 */
record DetectionBench(Size size, PrintStream log) {

    static final String NAME = "detection";
    /** How long a pod-event sample gives the poll: far beyond the pod event's target, so only the event can count. */
    private static final Duration POD_EVENT_POLL = Duration.ofSeconds(60);
    private static final long MARGIN_MILLIS = 250;
    private static final long POD_TARGET_MILLIS = 500;

    List<Row> run() {
        List<Row> rows = new ArrayList<>();
        try (SandboxWorld world = SandboxWorld.builder().build(); StatusWatch watch = new StatusWatch(world)) {
            world.startOperator();
            if (size.warmup()) {
                // one sample nobody counts: class loading and JIT of the whole path
                samples(world, watch, "warmup", Duration.ofSeconds(1), 1, false);
            }
            for (Map.Entry<Duration, Integer> e : size.detectionSamples().entrySet()) {
                Duration interval = e.getKey();
                List<Double> ms = samples(world, watch, "p" + interval.toSeconds() + "s", interval, e.getValue(), false);
                String label = "poll " + Durations.format(interval);
                double limit = interval.toMillis() + MARGIN_MILLIS;
                rows.add(Row.info(NAME, label + ": fault -> RemediationStarted p50", Stats.median(ms), "ms",
                        ms.size() + " samples at random phases; uniform phase alone gives ~" + interval.toMillis() / 2
                                + " ms"));
                rows.add(Row.atMost(NAME, label + ": fault -> RemediationStarted p99", Stats.percentile(ms, 99), "ms",
                        limit, "max " + Row.format(Stats.max(ms), "ms")));
            }
            List<Double> ms = samples(world, watch, "pod", POD_EVENT_POLL, size.podEventSamples(), true);
            rows.add(Row.info(NAME, "worker-pod event (poll 60s): fault -> RemediationStarted p50", Stats.median(ms),
                    "ms", ms.size() + " samples; the pod's restart count changes at the moment of the fault"));
            rows.add(Row.atMost(NAME, "worker-pod event (poll 60s): fault -> RemediationStarted p99",
                    Stats.percentile(ms, 99), "ms", POD_TARGET_MILLIS, "max " + Row.format(Stats.max(ms), "ms")));
        }
        return rows;
    }

    /** One resource guarding {@code count} tasks, one sample per task; latencies in milliseconds. */
    private List<Double> samples(SandboxWorld world, StatusWatch watch, String id, Duration interval, int count,
                                 boolean podEvent) {
        String name = "detect-" + id;
        String[] tasks = new String[count];
        for (int i = 0; i < count; i++) {
            tasks[i] = String.format("%s-%02d", name, i);
            world.startTask(tasks[i], SandboxWorld.SOURCE_1);
        }
        DMRemediation r = world.remediation(name, tasks);
        r.getSpec().pollInterval = Durations.format(interval);
        r.getSpec().verifyTimeout = Durations.format(interval.compareTo(Duration.ofSeconds(30)) > 0 ? interval
                : Duration.ofSeconds(30));
        r.getSpec().policies.badConnection.waitForAutoResume = "0s";
        world.apply(r);
        // two polls and some: a first poll that lands before the world is ready leaves the next one an interval away
        Probe.await(name + " Healthy", interval.multipliedBy(2).plusSeconds(30), Duration.ofMillis(50), () -> {
            DMRemediationStatus s = world.status(name);
            return "Healthy".equals(s.phase) && s.taskCount != null && s.taskCount == count;
        });
        String pod = DmWorkerPods.podName(SandboxWorld.CLUSTER, 0);
        List<Double> out = new ArrayList<>();
        for (String task : tasks) {
            Probe.await(name + " idle", Duration.ofSeconds(120), Duration.ofMillis(50), () -> {
                DMRemediationStatus s = world.status(name);
                return s.active == null && "Healthy".equals(s.phase);
            });
            long phaseRange = podEvent ? 1000 : interval.toMillis();
            Probe.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(phaseRange)));
            long t0 = System.nanoTime();
            world.dm().injectBadConnection(task, SandboxWorld.SOURCE_1, Integer.MAX_VALUE);
            if (podEvent) {
                // the kubelet reports a container restart of the task's worker
                world.client().pods().inNamespace(SandboxWorld.NAMESPACE).withName(pod).editStatus(p -> {
                    var cs = p.getStatus().getContainerStatuses().get(0);
                    cs.setRestartCount(cs.getRestartCount() + 1);
                    return p;
                });
            }
            long started = watch.await("RemediationStarted for " + task, name, t0,
                    interval.plusSeconds(30), x -> x.getStatus() != null && x.getStatus().active != null
                            && task.equals(x.getStatus().active.task));
            double ms = (started - t0) / 1e6;
            out.add(ms);
            log.printf("[detection] %s %s: %.0f ms%n", name, task, ms);
            // the restart finishes (and is verified) before the next sample
            watch.await("RestartTask finished for " + task, name, started, Duration.ofSeconds(90),
                    x -> x.getStatus() != null && x.getStatus().active == null && x.getStatus().history.stream()
                            .anyMatch(h -> task.equals(h.task) && "RestartTask".equals(h.action)));
            watch.clear();
        }
        world.client().resource(world.get(name)).delete();
        Probe.await(name + " deleted", Duration.ofSeconds(60), Duration.ofMillis(50), () -> world.get(name) == null);
        return out;
    }
}
