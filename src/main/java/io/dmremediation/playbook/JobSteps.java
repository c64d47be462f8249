package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.playbook.RepairJobs.JobState;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.function.Supplier;

/** Create a Job once and wait for it: the two steps every Job-running playbook shares. */
final class JobSteps {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private JobSteps() {
    }

    /**
     * Creates the Job unless it exists. A Job that vanished before it finished is created again at most once (the
     * fixer commands are idempotent); then {@code onGone} with the reason in fact {@code failureKey}.
     */
    static StepResult create(ActiveRemediation a, PlaybookContext ctx, String name, Supplier<Job> job, String next,
                             String onGone, String failureKey) {
        if (ctx.jobs().get(name).isEmpty()) {
            String counter = "creations/" + name;
            int creations = Integer.parseInt(Facts.get(a, counter).orElse("0"));
            if (creations >= 2) {
                Facts.put(a, failureKey, "Job " + name + " disappeared twice");
                return StepResult.next(onGone, "giving up on Job " + name);
            }
            Facts.put(a, counter, String.valueOf(creations + 1));
            ctx.jobs().createIfAbsent(job.get());
        }
        return StepResult.next(next, "Job " + name + " created");
    }

    /**
     * Waits for the Job: success → {@code onSuccess} with its report in fact {@code reportKey}; failure (including
     * stuck past its deadline, which deletes it) → {@code onFailure} with the reason in fact {@code failureKey};
     * gone → back to {@code createStep}.
     */
    /** The {@code message} of a fixer's JSON summary, if the termination message is one. */
    static java.util.Optional<String> reportMessage(String report) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(report);
            String m = n == null ? "" : n.path("message").asText("");
            return m.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(m);
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    static StepResult await(ActiveRemediation a, PlaybookContext ctx, String name, String what, String createStep,
                            String onSuccess, String onFailure, String reportKey, String failureKey) {
        JobState state = ctx.jobs().state(name, ctx.remediation().jobDeadline(), ctx.now());
        return switch (state.phase()) {
            case SUCCEEDED -> {
                Facts.put(a, reportKey, TaskLifecycle.shorten(state.report()));
                yield StepResult.next(onSuccess, what + " (Job " + name + ") succeeded: "
                        + TaskLifecycle.shorten(state.report()));
            }
            case FAILED -> {
                ctx.jobs().delete(name);
                // the fixer's own message says why; the Job controller's reason only says that it failed
                String why = reportMessage(state.report()).orElse(state.reason());
                Facts.put(a, failureKey, what + " (Job " + name + ") failed: " + TaskLifecycle.shorten(why));
                yield StepResult.next(onFailure, what + " failed");
            }
            case MISSING -> StepResult.next(createStep, "Job " + name + " is gone; creating it again");
            case RUNNING -> StepResult.waitFor(Duration.ofSeconds(1), what + ": Job " + name + " is running");
        };
    }
}
