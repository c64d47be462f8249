package io.dmremediation.sandbox.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How big each benchmark runs. {@link #full()} is what the issue asks for and what BENCHMARKS.md reports;
 * {@link #quick()} is the reduced size the test suite runs to prove the benchmarks work end to end.
 *
 * @param detectionSamples samples per poll interval for the detection benchmark
 * @param podEventSamples  samples for detection through a worker-pod event
 * @param scaleResources   DMRemediations on one DM cluster
 * @param scaleTasks       tasks per DMRemediation
 * @param scalePoll        poll interval of the scale resources
 * @param scaleCycles      poll cycles measured in the steady state
 * @param multiClusters    clusters of the several-clusters variant (0: skip it)
 * @param multiResources   DMRemediations per cluster in that variant
 * @param checkpointRows   table rows of the checkpoint fix
 * @param checkpointRuns   runs of the checkpoint fix (the median is reported)
 * @param recoveryRuns     end-to-end runs per FAQ scenario
 * @param warmup           run an uncounted sample first (class loading, JIT) where a benchmark has one
 * @param stormResources   DMRemediations of the mass fault, all on one DM cluster (poll interval: scalePoll)
 * @param stormTasks       tasks per DMRemediation in the mass fault
 * @param stormOutage      how long the downstream is away
 * @param stormAutoResumeShare the share of the tasks DM's auto-resume gets running again once the downstream is back
 *                         (the rest stay paused until the operator restarts them)
 * @param stormWait        storm.waitForAutoResume of the mass fault's resources (full: the default, 1m)
 */
public record Size(String name, Map<Duration, Integer> detectionSamples, int podEventSamples, int scaleResources,
                   int scaleTasks, Duration scalePoll, int scaleCycles, int multiClusters, int multiResources,
                   int checkpointRows, int checkpointRuns, int recoveryRuns, boolean warmup, int stormResources,
                   int stormTasks, Duration stormOutage, double stormAutoResumeShare, Duration stormWait) {

    public Size {
        if (!(stormAutoResumeShare >= 0 && stormAutoResumeShare <= 1)) {
            throw new IllegalArgumentException("the auto-resume share must be between 0 and 1, not "
                    + stormAutoResumeShare);
        }
    }

    /** The same size with another share of the mass fault's tasks recovered by DM's auto-resume. */
    public Size withAutoResumeShare(double share) {
        return new Size(name, detectionSamples, podEventSamples, scaleResources, scaleTasks, scalePoll, scaleCycles,
                multiClusters, multiResources, checkpointRows, checkpointRuns, recoveryRuns, warmup, stormResources,
                stormTasks, stormOutage, share, stormWait);
    }

    /** The same size with the steady-state scale benchmark at {@code resources} x {@code tasks} tasks. */
    public Size withScale(int resources, int tasks) {
        if (resources < 1 || tasks < 1) {
            throw new IllegalArgumentException("resources and tasks per resource must be at least 1, not "
                    + resources + "x" + tasks);
        }
        return new Size(name + ", scale " + resources + "x" + tasks, detectionSamples, podEventSamples, resources,
                tasks, scalePoll, scaleCycles, multiClusters, multiResources, checkpointRows, checkpointRuns,
                recoveryRuns, warmup, stormResources, stormTasks, stormOutage, stormAutoResumeShare, stormWait);
    }

    /**
     * Parses {@code RESOURCESxTASKS} (e.g. {@code 500x20}): DMRemediations on one cluster and tasks per
     * DMRemediation of the steady-state scale benchmark.
     */
    static int[] parseScale(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + text + "' is not RESOURCESxTASKS, e.g. 500x20");
        }
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not RESOURCESxTASKS, e.g. 500x20");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException("'" + text + "': resources and tasks per resource must be at least 1");
            }
        }
        return out;
    }

    public static Size full() {
        Map<Duration, Integer> detection = new LinkedHashMap<>();
        detection.put(Duration.ofSeconds(1), 40);
        detection.put(Duration.ofSeconds(5), 25);
        detection.put(Duration.ofSeconds(10), 20);
        return new Size("full", detection, 40, 200, 10, Duration.ofSeconds(10), 6, 10, 20, 10_000, 7, 5, true,
                200, 10, Duration.ofSeconds(60), 0.8, Duration.ofMinutes(1));
    }

    public static Size quick() {
        Map<Duration, Integer> detection = new LinkedHashMap<>();
        detection.put(Duration.ofSeconds(1), 1);
        return new Size("quick", detection, 1, 10, 5, Duration.ofSeconds(1), 2, 2, 4, 1_000, 2, 1, false,
                4, 5, Duration.ofSeconds(5), 0.5, Duration.ofSeconds(5));
    }
}
