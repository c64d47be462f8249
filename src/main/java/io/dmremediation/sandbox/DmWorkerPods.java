package io.dmremediation.sandbox;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The DM-worker pods of a DMCluster laid out as TiDB Operator lays them out (dm-on-k8s §2–3): names
 * {@code <cluster>-dm-worker-<n>}, its labels, container {@code dm-worker}, the {@code dm-worker} volume from PVC
 * {@code dm-worker-<pod>} mounted at {@code /var/lib/dm-worker}. Plays the StatefulSet controller too: a deleted
 * pod comes back under the same name with a new uid, and the DM-worker process goes down and up with it.
 */
public final class DmWorkerPods implements AutoCloseable {

    public static final String MOUNT_PATH = "/var/lib/dm-worker";
    public static final String VOLUME = "dm-worker";

    private final KubernetesClient client;
    private final String namespace;
    private final String cluster;
    private final Consumer<String> workerDown;
    private final Consumer<String> workerUp;
    private final Map<String, String> nodes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-statefulset");
        t.setDaemon(true);
        return t;
    });
    private final long recreateDelayMillis;
    private Watch watch;

    public DmWorkerPods(KubernetesClient client, String namespace, String cluster, Consumer<String> workerDown,
                        Consumer<String> workerUp, long recreateDelayMillis) {
        this.client = client;
        this.namespace = namespace;
        this.cluster = cluster;
        this.workerDown = workerDown;
        this.workerUp = workerUp;
        this.recreateDelayMillis = recreateDelayMillis;
    }

    public static String podName(String cluster, int ordinal) {
        return cluster + "-dm-worker-" + ordinal;
    }

    public static String claimName(String pod) {
        return VOLUME + "-" + pod;
    }

    /** Creates {@code count} worker pods and their claims, and starts playing the StatefulSet. */
    public void create(int count) {
        for (int i = 0; i < count; i++) {
            String pod = podName(cluster, i);
            nodes.put(pod, "node-" + (i + 1));
            client.resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(claimName(pod)).withNamespace(namespace)
                        .withLabels(labels(pod)).endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce")
                        .withNewResources().addToRequests("storage", new Quantity("10Gi")).endResources()
                    .endSpec().build()).createOr(r -> r.update());
            client.resource(new PodBuilder(pod(pod)).withStatus(running(pod)).build()).create();
        }
        watch = client.pods().inNamespace(namespace)
                .withLabel("app.kubernetes.io/instance", cluster)
                .withLabel("app.kubernetes.io/component", "dm-worker")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        if (action == Action.DELETED) {
                            String name = pod.getMetadata().getName();
                            workerDown.accept(name);
                            restarts.schedule(() -> recreate(name), recreateDelayMillis, TimeUnit.MILLISECONDS);
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        // the sandbox is shutting down
                    }
                });
    }

    /** The next incarnation of this pod lands on another node (a reschedule), as after a node drain. */
    public void moveOnRestart(String pod, String node) {
        nodes.put(pod, node);
    }

    private void recreate(String name) {
        try {
            if (client.pods().inNamespace(namespace).withName(name).get() == null) {
                // as in a cluster: the StatefulSet creates the pod bound to a node and not ready; the kubelet then
                // reports it running once the DM-worker is up, so readiness arrives as an update of the pod
                client.resource(pod(name)).create();
                workerUp.accept(name);
                client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
                    p.setStatus(running(name));
                    return p;
                });
            } else {
                workerUp.accept(name);
            }
        } catch (RuntimeException e) {
            // the world is closing
        }
    }

    Map<String, String> labels(String pod) {
        return Map.of(
                "app.kubernetes.io/name", "dm-cluster",
                "app.kubernetes.io/instance", cluster,
                "app.kubernetes.io/component", "dm-worker",
                "app.kubernetes.io/managed-by", "tidb-operator",
                "statefulset.kubernetes.io/pod-name", pod);
    }

    /** The pod as created: its spec, bound to its node, no status yet. */
    private Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels(name))
                    .addToAnnotations("prometheus.io/scrape", "true").endMetadata()
                .withNewSpec()
                    .withNodeName(nodes.getOrDefault(name, "node-1"))
                    .addNewContainer()
                        .withName("dm-worker")
                        .withImage("pingcap/dm:v8.5.0")
                        .withCommand("/bin/sh", "/usr/local/bin/dm_worker_start_script.sh")
                        .addNewPort().withName("client").withContainerPort(8262).endPort()
                        .addNewVolumeMount().withName(VOLUME).withMountPath(MOUNT_PATH).endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName(VOLUME).withNewPersistentVolumeClaim().withClaimName(claimName(name))
                        .endPersistentVolumeClaim().endVolume()
                .endSpec()
                .build();
    }

    /** What the kubelet reports once the DM-worker container runs and passes its readiness probe. */
    private static PodStatus running(String name) {
        String now = Instant.now().toString();
        return new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP("10.0.0." + (Math.abs(name.hashCode()) % 200 + 10))
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
                .addNewContainerStatus().withName("dm-worker").withReady(true).withRestartCount(0)
                    .withImage("pingcap/dm:v8.5.0").withNewState().withNewRunning().withStartedAt(now)
                    .endRunning().endState().endContainerStatus()
                .build();
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        restarts.shutdownNow();
    }
}
