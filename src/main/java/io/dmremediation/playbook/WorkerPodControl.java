package io.dmremediation.playbook;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/** The DM-worker pods of the cluster ({@link WorkerPods}). */
public interface WorkerPodControl {

    Optional<Pod> find(String workerName, String workerAddress);

    Optional<Pod> get(String name);

    void delete(String name);
}
