package io.dmremediation.operator;

import io.dmremediation.playbook.RepairJobControl;
import io.dmremediation.playbook.RepairJobs.JobState;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Repair Jobs for the fast layer: kept in memory and "run" the first time the operator looks at them, with the
 * effect the real command has on the in-memory DM (a fix rewinds the checkpoint; an inspect reports whether it is
 * rewound). A fault armed for the look makes the Job fail: refused with nothing changed, or after the rewrite with
 * its outcome unknown.
 */
final class FakeJobs implements RepairJobControl {

    final Map<String, Job> jobs = new LinkedHashMap<>();
    final Map<String, JobState> ended = new LinkedHashMap<>();
    final Map<String, Integer> created = new LinkedHashMap<>();
    private final InMemoryDmMaster dm;
    private final FastWorld world;

    FakeJobs(InMemoryDmMaster dm, FastWorld world) {
        this.dm = dm;
        this.world = world;
    }

    @Override
    public void createIfAbsent(Job job) {
        String name = job.getMetadata().getName();
        world.call("k8s.createJob", true, () -> {
            if (!jobs.containsKey(name)) {
                jobs.put(name, job);
                created.merge(name, 1, Integer::sum);
            }
        });
    }

    @Override
    public Optional<Job> get(String name) {
        Job[] out = new Job[1];
        world.call("k8s.getJob", false, () -> out[0] = jobs.get(name));
        return Optional.ofNullable(out[0]);
    }

    @Override
    public JobState state(String name, Duration deadline, Instant now) {
        FaultPlan.Kind forced = world.jobOutcome("k8s.jobState");
        JobState[] out = new JobState[1];
        if (forced == null) {
            world.call("k8s.jobState", false, () -> out[0] = look(name, null));
        } else {
            out[0] = look(name, forced);
        }
        return out[0];
    }

    private JobState look(String name, FaultPlan.Kind forced) {
        Job job = jobs.get(name);
        if (job == null) {
            return state("MISSING", "", "");
        }
        if (ended.containsKey(name)) {
            return ended.get(name);
        }
        List<String> args = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        String task = valueOf(args, "--task");
        boolean fix = args.get(0).equals("fix-checkpoint") && !args.contains("--check") && !args.contains("--inspect");
        JobState result;
        if (forced == null) {
            if (fix) {
                dm.rewind(task);
                result = state("SUCCEEDED", "", "{\"result\":\"fixed\",\"message\":\"fixed: set binlog_pos = 4\"}");
            } else if (args.contains("--inspect")) {
                boolean applied = dm.rewound.getOrDefault(task, false);
                result = state("SUCCEEDED", "", "{\"result\":\"" + (applied ? "applied" : "not-applied") + "\"}");
            } else if (world.downstreamDown && args.get(0).equals("check-downstream")) {
                result = state("FAILED", "BackoffLimitExceeded", "{\"result\":\"refused\",\"message\":\"the "
                        + "downstream cannot be reached\"}");
            } else {
                result = state("SUCCEEDED", "", "{\"result\":\"checked\",\"message\":\"check passed\"}");
            }
        } else if (forced == FaultPlan.Kind.TIMEOUT) {
            if (fix) {
                // the commit reached the database; the connection did not survive to say so
                dm.rewind(task);
            }
            result = state("FAILED", "BackoffLimitExceeded", "{\"result\":\"unknown\",\"message\":\"the commit's "
                    + "outcome is unknown (injected)\"}");
        } else {
            result = state("FAILED", "BackoffLimitExceeded", "{\"result\":\"" + (args.contains("--inspect")
                    ? "unknown" : "refused") + "\",\"message\":\"refused (injected); nothing was changed\"}");
        }
        ended.put(name, result);
        return result;
    }

    @Override
    public void delete(String name) {
        world.call("k8s.deleteJob", true, () -> {
            jobs.remove(name);
            ended.remove(name);
        });
    }

    private static String valueOf(List<String> args, String option) {
        int i = args.indexOf(option);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    /** JobState's factories are package-private to the playbook; its canonical constructor is not. */
    private static JobState state(String phase, String reason, String report) {
        return new JobState(JobState.Phase.valueOf(phase), reason, report);
    }
}
