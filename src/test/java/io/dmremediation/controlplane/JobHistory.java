package io.dmremediation.controlplane;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything a namespace's Jobs and their pods went through, as watches saw it: a Job may be deleted (by the
 * operator, by its TTL) before a test looks, so its conditions and pods are recorded as they happen. Works in both
 * worlds.
 */
public final class JobHistory implements AutoCloseable {

    private final Map<String, List<JobCondition>> conditions = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> pods = new ConcurrentHashMap<>();
    private final Set<String> deletedJobs = ConcurrentHashMap.newKeySet();
    private final Set<String> deletedPods = ConcurrentHashMap.newKeySet();
    private final SharedIndexInformer<Job> jobs;
    private final SharedIndexInformer<Pod> podInformer;

    public JobHistory(KubernetesClient client, String namespace) {
        this.jobs = client.batch().v1().jobs().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                record(job);
            }

            @Override
            public void onUpdate(Job old, Job job) {
                record(job);
            }

            @Override
            public void onDelete(Job job, boolean unknown) {
                record(job);
                deletedJobs.add(job.getMetadata().getName());
            }
        });
        this.podInformer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                recordPod(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                recordPod(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                recordPod(pod);
                deletedPods.add(pod.getMetadata().getName());
            }
        });
    }

    private void record(Job job) {
        List<JobCondition> seen = conditions.computeIfAbsent(job.getMetadata().getName(), n -> new CopyOnWriteArrayList<>());
        if (job.getStatus() != null && job.getStatus().getConditions() != null) {
            for (JobCondition c : job.getStatus().getConditions()) {
                if (seen.stream().noneMatch(s -> s.getType().equals(c.getType()) && s.getStatus().equals(c.getStatus()))) {
                    seen.add(c);
                }
            }
        }
    }

    private void recordPod(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String job = labels == null ? null : labels.getOrDefault("batch.kubernetes.io/job-name", labels.get("job-name"));
        if (job != null) {
            pods.computeIfAbsent(job, j -> ConcurrentHashMap.newKeySet()).add(pod.getMetadata().getName());
        }
    }

    /** The first Job seen whose name starts with {@code prefix}. */
    public String job(String prefix) {
        return conditions.keySet().stream().filter(n -> n.startsWith(prefix)).sorted().findFirst()
                .orElseThrow(() -> new AssertionError("no Job " + prefix + "* seen; saw " + conditions.keySet()));
    }

    /** The conditions the Job had ({@code True} ones), as "Type/Reason". */
    public List<String> conditions(String job) {
        return conditions.getOrDefault(job, List.of()).stream().filter(c -> "True".equals(c.getStatus()))
                .map(c -> c.getType() + "/" + c.getReason()).toList();
    }

    /** Whether the Job completed (condition Complete). */
    public boolean completed(String job) {
        return conditions(job).stream().anyMatch(c -> c.startsWith("Complete/"));
    }

    /**
     * Why the Job failed: the reasons of its Failed conditions, and of FailureTarget — which a real Job controller
     * sets first and turns into Failed only once the Job's pods have ended; the operator acts on either, and may
     * delete the Job in between.
     */
    public Set<String> failedFor(String job) {
        return conditions.getOrDefault(job, List.of()).stream().filter(c -> "True".equals(c.getStatus()))
                .filter(c -> c.getType().equals("Failed") || c.getType().equals("FailureTarget"))
                .map(JobCondition::getReason).collect(java.util.stream.Collectors.toSet());
    }

    /** Every pod the Job ever had. */
    public Set<String> pods(String job) {
        return Set.copyOf(pods.getOrDefault(job, Set.of()));
    }

    public boolean jobDeleted(String job) {
        return deletedJobs.contains(job);
    }

    public boolean podDeleted(String pod) {
        return deletedPods.contains(pod);
    }

    @Override
    public void close() {
        jobs.close();
        podInformer.close();
    }
}
