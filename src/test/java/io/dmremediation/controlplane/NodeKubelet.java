package io.dmremediation.controlplane;

import io.dmremediation.sandbox.Kubelet;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The stand-in kubelet (and scheduler) of the real-control-plane world. It registers Nodes {@link #NODES}, binds
 * the pods of its namespaces that have no node (placement is the world's), and runs the pods bound to its nodes:
 * volumes made (emptyDir, the world's directories for PersistentVolumeClaims, the projected service-account token
 * from a real TokenRequest bound to the pod), environment resolved from the pod spec (values, field references,
 * Secret and ConfigMap keys), the container started from its image ({@link Containers}), probes run, and the pod's
 * status reported as a kubelet does: Running with its conditions, restarts under {@code restartPolicy: Always},
 * terminated with exit code and termination message, Succeeded or Failed. A pod being deleted is stopped within its
 * grace period, reported terminated, and then deleted for good, as the kubelet's status manager does.
 *
 * <p>What it does not do (see docs/mock-vs-real-kubernetes.md): no isolation (containers are processes of this
 * machine), no liveness probes, no node heartbeats, no resource enforcement.
 */
public final class NodeKubelet implements Kubelet, AutoCloseable {

    public static final List<String> NODES = List.of("node-1", "node-2");

    private final ControlPlane controlPlane;
    private final KubernetesClient client;
    private final Path dir;
    private final Set<String> namespaces;
    private final Function<Pod, String> placement;
    private final Function<String, Path> claimDirs;
    private final Map<String, Containers.Image> images = new ConcurrentHashMap<>();
    private final Map<String, String> hosts = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
    private final AtomicInteger addresses = new AtomicInteger(10);
    private volatile boolean closed;

    /**
     * @param namespaces the namespaces whose pods this kubelet binds and runs
     * @param placement  the node of a pod that has none (the scheduler's decision)
     * @param claimDirs  the directory behind a PersistentVolumeClaim, by claim name
     */
    public NodeKubelet(ControlPlane controlPlane, Path dir, Set<String> namespaces, Function<Pod, String> placement,
                       Function<String, Path> claimDirs) {
        this.controlPlane = controlPlane;
        this.client = controlPlane.admin();
        this.dir = dir;
        this.namespaces = Set.copyOf(namespaces);
        this.placement = placement;
        this.claimDirs = claimDirs;
        hosts.put("localhost", "127.0.0.1");
    }

    /** Containers of images whose reference starts with {@code prefix} run so. */
    public NodeKubelet image(String prefix, Containers.Image image) {
        images.put(prefix, image);
        return this;
    }

    /** A name the pods resolve (our cluster DNS): every name a Service of that name would have. */
    public NodeKubelet dns(String service, String namespace, String address) {
        for (String suffix : List.of("", ".svc", ".svc.cluster.local")) {
            hosts.put(service + "." + namespace + suffix, address);
        }
        return this;
    }

    public NodeKubelet start() {
        registerNodes(client);
        for (String ns : namespaces) {
            SharedIndexInformer<Pod> informer = client.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    onPod(pod);
                }

                @Override
                public void onUpdate(Pod old, Pod pod) {
                    onPod(pod);
                }

                @Override
                public void onDelete(Pod pod, boolean unknownFinalState) {
                    PodWorker w = workers.remove(pod.getMetadata().getUid());
                    if (w != null) {
                        w.gone();
                    }
                }
            });
            informers.add(informer);
        }
        return this;
    }

    /** Nodes are shared by every world on the control plane: registered once, Ready, without the not-ready taint. */
    static synchronized void registerNodes(KubernetesClient client) {
        for (String name : NODES) {
            if (client.nodes().withName(name).get() != null) {
                continue;
            }
            client.resource(new NodeBuilder().withNewMetadata().withName(name)
                    .addToLabels("kubernetes.io/hostname", name).addToLabels("kubernetes.io/os", "linux")
                    .addToLabels("kubernetes.io/arch", "amd64").endMetadata().build()).create();
            String now = Instant.now().toString();
            client.nodes().withName(name).editStatus(n -> {
                n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                        .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                            .withMessage("stand-in kubelet is ready").withLastHeartbeatTime(now)
                            .withLastTransitionTime(now).endCondition()
                        .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                        .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                        .addToCapacity("cpu", new Quantity("2")).addToCapacity("memory", new Quantity("8Gi"))
                        .addToCapacity("pods", new Quantity("110"))
                        .addToAllocatable("cpu", new Quantity("2")).addToAllocatable("memory", new Quantity("8Gi"))
                        .addToAllocatable("pods", new Quantity("110"))
                        .withNewNodeInfo().withKubeletVersion("v1.34.4").withOperatingSystem("linux")
                            .withArchitecture("amd64").withContainerRuntimeVersion("dmr-stand-in://1")
                            .withOsImage("stand-in").withKernelVersion(System.getProperty("os.version"))
                            .withMachineID(name).withSystemUUID(name).withBootID(name)
                            .withKubeProxyVersion("").endNodeInfo()
                        .build());
                return n;
            });
            // the admission plugin TaintNodesByCondition taints a new node not-ready; the node lifecycle
            // controller (not run here) would lift it once the node reports Ready
            client.nodes().withName(name).edit(n -> {
                if (n.getSpec().getTaints() != null) {
                    n.getSpec().getTaints().removeIf(t -> "node.kubernetes.io/not-ready".equals(t.getKey()));
                }
                return n;
            });
        }
    }

    private void onPod(Pod pod) {
        if (closed) {
            return;
        }
        workers.computeIfAbsent(pod.getMetadata().getUid(), uid -> new PodWorker(this, pod)).update(pod);
    }

    @Override
    public void behave(String prefix, Behaviour behaviour) {
        behaviours.put(prefix, behaviour);
    }

    @Override
    public List<Run> runs() {
        return List.copyOf(runs);
    }

    /** The main process of a pod's container, while it runs (for a {@code kill -9}). */
    public Optional<ProcessHandle> process(String namespace, String pod) {
        return workers.values().stream()
                .filter(w -> w.namespace().equals(namespace) && w.name().equals(pod))
                .map(PodWorker::process).flatMap(Optional::stream).findFirst();
    }

    /**
     * The pod's node goes down: its container is killed (SIGKILL) and nothing of the pod runs or reports again — the
     * API still shows it Running and Ready, as it shows a dead node's pods until the node lifecycle controller
     * notices (not run here).
     */
    public void loseNodeOf(String namespace, String pod) {
        workers.values().stream().filter(w -> w.namespace().equals(namespace) && w.name().equals(pod))
                .forEach(PodWorker::lose);
    }

    /** What a pod's container wrote (stdout then stderr), for failure messages. */
    public String logs(String namespace, String pod) {
        return workers.values().stream()
                .filter(w -> w.namespace().equals(namespace) && w.name().equals(pod))
                .map(PodWorker::logs).findFirst().orElse("(no such pod on this kubelet)");
    }

    // ------------------------------------------------------------------------------------------ for PodWorker

    KubernetesClient client() {
        return client;
    }

    ControlPlane controlPlane() {
        return controlPlane;
    }

    Path dir() {
        return dir;
    }

    String place(Pod pod) {
        return placement.apply(pod);
    }

    Path claimDir(String claim) {
        return claimDirs.apply(claim);
    }

    Optional<Containers.Image> imageOf(String reference) {
        return images.entrySet().stream().filter(e -> reference.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst();
    }

    Map<String, String> hosts() {
        return Map.copyOf(hosts);
    }

    Behaviour behaviourOf(String job) {
        return behaviours.entrySet().stream().filter(e -> job.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(Behaviour.RUN);
    }

    void ran(Run run) {
        runs.add(run);
    }

    String nextPodIp(String node) {
        return "10.244." + (NODES.indexOf(node) + 1) + "." + addresses.incrementAndGet();
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        informers.forEach(SharedIndexInformer::close);
        workers.values().forEach(PodWorker::gone);
        workers.clear();
    }
}
