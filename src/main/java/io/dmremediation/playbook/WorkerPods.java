package io.dmremediation.playbook;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * When a DM-worker pod (dm-on-k8s §2.2) is ready. No playbook restarts a DM-worker: a restart moves its source to a
 * spare worker (dm-facts §7.4), so the relay fix turns the relay off and on instead.
 */
public final class WorkerPods {

    private WorkerPods() {
    }

    public static boolean ready(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null
                || pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(PodCondition::getStatus)
                .anyMatch("True"::equals);
    }
}
