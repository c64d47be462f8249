package io.dmremediation.playbook;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DM-worker pods of a cluster. Under TiDB Operator a DM-worker's name is its pod's name
 * (dm-on-k8s §2.2); with an explicit selector the worker's advertised address names the pod.
 */
public final class WorkerPods implements WorkerPodControl {

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, String> selector;

    public WorkerPods(KubernetesClient client, String namespace, Map<String, String> selector) {
        this.client = client;
        this.namespace = namespace;
        this.selector = selector;
    }

    public List<Pod> list() {
        if (selector == null || selector.isEmpty()) {
            return List.of();
        }
        return client.pods().inNamespace(namespace).withLabels(selector).list().getItems();
    }

    /** The pod running this DM-worker: the pod of that name, or the pod whose name starts the worker's address. */
    @Override
    public Optional<Pod> find(String workerName, String workerAddress) {
        List<Pod> pods = list();
        Optional<Pod> byName = pods.stream().filter(p -> p.getMetadata().getName().equals(workerName)).findFirst();
        if (byName.isPresent() || workerAddress == null) {
            return byName;
        }
        String host = workerAddress.contains(":") ? workerAddress.substring(0, workerAddress.indexOf(':')) : workerAddress;
        return pods.stream()
                .filter(p -> host.equals(p.getStatus() == null ? null : p.getStatus().getPodIP())
                        || host.startsWith(p.getMetadata().getName() + "."))
                .findFirst();
    }

    @Override
    public Optional<Pod> get(String name) {
        return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
    }

    @Override
    public void delete(String name) {
        client.pods().inNamespace(namespace).withName(name).delete();
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
