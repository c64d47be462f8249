package io.dmremediation.playbook;

import io.dmremediation.api.DMRemediation;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Creates repair Jobs at most once (deterministic names) and reads how they ended. */
public final class RepairJobs implements RepairJobControl {

    /** Label the Job controller puts on a Job's pods. */
    public static final String JOB_NAME_LABEL = "job-name";

    private final KubernetesClient client;
    private final DMRemediation owner;

    public RepairJobs(KubernetesClient client, DMRemediation owner) {
        this.client = client;
        this.owner = owner;
    }

    /** Creates the Job unless one of that name exists: a restarted operator never runs a fix twice. */
    @Override
    public void createIfAbsent(Job job) {
        if (get(job.getMetadata().getName()).isPresent()) {
            return;
        }
        try {
            client.resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    @Override
    public Optional<Job> get(String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(namespace()).withName(name).get());
    }

    /**
     * How the Job stands. A Job still active well past its own deadline (no Job controller marked it) counts as
     * failed too: a stuck fix must not keep a task stopped forever.
     */
    @Override
    public JobState state(String name, Duration deadline, Instant now) {
        Optional<Job> found = get(name);
        if (found.isEmpty()) {
            return JobState.missing();
        }
        Job job = found.get();
        var status = job.getStatus();
        if (status != null) {
            if (status.getSucceeded() != null && status.getSucceeded() > 0) {
                return JobState.succeeded(report(name).orElse(""));
            }
            if (status.getConditions() != null) {
                for (JobCondition c : status.getConditions()) {
                    if (("Failed".equals(c.getType()) || "FailureTarget".equals(c.getType()))
                            && "True".equals(c.getStatus())) {
                        return JobState.failed(c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()),
                                report(name).orElse(""));
                    }
                }
            }
            if (status.getFailed() != null && status.getFailed() > 0) {
                return JobState.failed("the fixer exited with an error", report(name).orElse(""));
            }
        }
        String created = job.getMetadata().getCreationTimestamp();
        if (created != null && Instant.parse(created).plus(deadline).plus(Duration.ofMinutes(1)).isBefore(now)) {
            return JobState.failed("still running " + deadline.toMinutes() + "m after its deadline", "");
        }
        return JobState.running();
    }

    /** The fixer's summary, which its container writes as its termination message. */
    public Optional<String> report(String jobName) {
        for (Pod pod : client.pods().inNamespace(namespace()).withLabel(JOB_NAME_LABEL, jobName).list().getItems()) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
                ContainerStateTerminated t = cs.getState() == null ? null : cs.getState().getTerminated();
                if (t != null && t.getMessage() != null && !t.getMessage().isBlank()) {
                    return Optional.of(t.getMessage().strip());
                }
            }
        }
        return Optional.empty();
    }

    /** Stops a stuck Job and its pod. */
    @Override
    public void delete(String name) {
        client.batch().v1().jobs().inNamespace(namespace()).withName(name)
                .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
    }

    private String namespace() {
        return owner.getMetadata().getNamespace();
    }

    /** A Job's state as the playbook sees it. */
    public record JobState(Phase phase, String reason, String report) {

        public enum Phase { RUNNING, SUCCEEDED, FAILED, MISSING }

        static JobState running() {
            return new JobState(Phase.RUNNING, "", "");
        }

        static JobState missing() {
            return new JobState(Phase.MISSING, "", "");
        }

        static JobState succeeded(String report) {
            return new JobState(Phase.SUCCEEDED, "", report);
        }

        static JobState failed(String reason, String report) {
            return new JobState(Phase.FAILED, reason, report);
        }
    }
}
