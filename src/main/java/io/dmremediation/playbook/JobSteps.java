package io.dmremediation.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.JobProgress;
import io.dmremediation.playbook.RepairJobs.JobState;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** Create a Job once and wait for it: the two steps every Job-running playbook shares, over {@link JobProgress}. */
final class JobSteps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobSteps() {
    }

    static JobProgress job(ActiveRemediation a, String name) {
        for (JobProgress j : a.jobs) {
            if (name.equals(j.name)) {
                return j;
            }
        }
        JobProgress j = new JobProgress(name);
        a.jobs.add(j);
        return j;
    }

    /**
     * Creates the Job unless it exists. A Job that vanished before it finished is created again at most once (the
     * fixer commands are idempotent); a third time is a failure of the step.
     */
    static StepResult create(ActiveRemediation a, PlaybookContext ctx, String name, Supplier<Job> job) {
        JobProgress p = job(a, name);
        if (ctx.jobs().get(name).isEmpty()) {
            int creations = p.creations == null ? 0 : p.creations;
            if (creations >= 2) {
                p.failure = "Job " + name + " disappeared twice";
                return StepResult.fail(p.failure);
            }
            p.creations = creations + 1;
            p.outcome = null;
            ctx.jobs().createIfAbsent(job.get());
        }
        return StepResult.done("Job " + name + " created");
    }

    /** How a Job ended, as the step that waits for it sees it. */
    sealed interface Ended {
        record Succeeded(String report) implements Ended {
        }

        record Failed(String why, String report) implements Ended {
        }

        record Gone() implements Ended {
        }
    }

    /**
     * The Job's end, or a wait while it runs. A failed or overdue Job is deleted so it cannot act later; its report
     * and reason are kept in {@link JobProgress}.
     */
    static Optional<Ended> ended(ActiveRemediation a, PlaybookContext ctx, String name) {
        JobProgress p = job(a, name);
        if ("Succeeded".equals(p.outcome)) {
            return Optional.of(new Ended.Succeeded(p.report == null ? "" : p.report));
        }
        if ("Failed".equals(p.outcome)) {
            return Optional.of(new Ended.Failed(p.failure, p.report == null ? "" : p.report));
        }
        JobState state = ctx.jobs().state(name, ctx.remediation().jobDeadline(), ctx.now());
        return switch (state.phase()) {
            case SUCCEEDED -> {
                p.outcome = "Succeeded";
                p.report = TaskLifecycle.shorten(state.report());
                yield Optional.of(new Ended.Succeeded(state.report()));
            }
            case FAILED -> {
                ctx.jobs().delete(name);
                // the fixer's own message says why; the Job controller's reason only says that it failed
                p.outcome = "Failed";
                p.report = TaskLifecycle.shorten(state.report());
                p.failure = "Job " + name + " failed: " + TaskLifecycle.shorten(reportMessage(state.report())
                        .orElse(state.reason()));
                yield Optional.of(new Ended.Failed(p.failure, state.report()));
            }
            case MISSING -> Optional.of(new Ended.Gone());
            case RUNNING -> Optional.empty();
        };
    }

    /**
     * Waits for the Job: its report to {@code onSuccess}, or why it failed (or vanished before it ended) to
     * {@code onFailure}.
     */
    static StepResult await(ActiveRemediation a, PlaybookContext ctx, String name, String what,
                            Function<String, StepResult> onSuccess, Function<String, StepResult> onFailure) {
        Optional<Ended> end = ended(a, ctx, name);
        if (end.isEmpty()) {
            return StepResult.waitFor(Duration.ofSeconds(1), what + ": Job " + name + " is running");
        }
        if (end.get() instanceof Ended.Succeeded s) {
            return onSuccess.apply(s.report());
        }
        if (end.get() instanceof Ended.Failed f) {
            return onFailure.apply(f.why());
        }
        return onFailure.apply("Job " + name + " disappeared before it ended");
    }

    /** A field of a fixer's JSON report ({@code message}, {@code result}, ...), if the report is one. */
    static Optional<String> reportField(String report, String field) {
        try {
            JsonNode n = report == null || report.isBlank() ? null : JSON.readTree(report);
            String m = n == null ? "" : n.path(field).asText("");
            return m.isBlank() ? Optional.empty() : Optional.of(m);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<String> reportMessage(String report) {
        return reportField(report, "message");
    }
}
