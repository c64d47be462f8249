package io.dmremediation.controlplane;

import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.packaging.Tools;
import io.dmremediation.sandbox.DmSide;
import io.dmremediation.sandbox.DmWorkerPods;
import io.dmremediation.sandbox.EmbeddedMariaDb;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The world on a real control plane: its own namespace on the JVM's {@link ControlPlane}, DMCluster
 * {@value #CLUSTER}'s DM-workers as a real StatefulSet (the StatefulSet controller makes and re-makes the pods, the
 * {@link NodeKubelet} binds and runs them), the DM side ({@link DmSide}) with DM-master on a loopback address of its
 * own at port 8261 that the pods resolve as {@code basic-dm-master.<namespace>}, and the operator installed with
 * helm from the chart, running in its own JVM (the production jar) as the chart's ServiceAccount.
 */
public final class ControlPlaneWorld implements World {

    public static final String RELEASE = "dmr";
    public static final String FULLNAME = RELEASE + "-dm-remediation-operator";
    static final String OPERATOR_IMAGE = "ghcr.io/dmremediation/dm-remediation-operator";
    static final int DM_MASTER_PORT = 8261;

    private final ControlPlane cp;
    private final String namespace;
    private final String operatorNamespace;
    private final Path workDir;
    private final DmSide dmSide;
    private final NodeKubelet kubelet;
    private final Map<String, String> nodes = new ConcurrentHashMap<>();
    private final Cli cli;
    private boolean installed;

    private ControlPlaneWorld(SandboxWorld.Builder options) throws IOException {
        this.cp = ControlPlane.shared();
        this.cli = Cli.of(cp);
        String id = token();
        this.namespace = "dm-" + id;
        this.operatorNamespace = "dmr-system-" + id;
        this.workDir = Files.createDirectories(cp.dir().resolve("worlds").resolve(id));
        long t0 = System.nanoTime();
        applyCrds(cli, cp.admin());
        long t1 = System.nanoTime();
        for (String ns : List.of(namespace, operatorNamespace)) {
            cp.admin().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        cp.admin().genericKubernetesResources(DmSide.DMCLUSTER).inNamespace(namespace)
                .resource(DmSide.dmCluster(namespace, false)).create();
        DmSide dm = null;
        String address = null;
        for (int attempt = 0; dm == null; attempt++) {
            address = "127." + (1 + RANDOM.nextInt(250)) + "." + RANDOM.nextInt(256) + "." + (1 + RANDOM.nextInt(250));
            try {
                dm = DmSide.start(options, workDir, InetAddress.getByName(address), DM_MASTER_PORT);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof BindException) || attempt > 20) {
                    throw e;
                }
            }
        }
        this.dmSide = dm;
        nodes.put(workerPod(0), NodeKubelet.NODES.get(0));
        nodes.put(workerPod(1), NodeKubelet.NODES.get(1));
        DmMasterSimulator sim = dm.dm();
        this.kubelet = new NodeKubelet(cp, workDir.resolve("kubelet"), Set.of(namespace, operatorNamespace),
                pod -> nodes.getOrDefault(pod.getMetadata().getName(), NodeKubelet.NODES.get(0)), dm::claimDir)
                .image(OPERATOR_IMAGE, Containers.OperatorImage.fromDockerfile(Tools.projectDir()))
                .image("pingcap/dm", new Containers.DmWorkerImage(sim::startWorker, sim::stopWorker))
                .dns(CLUSTER + "-dm-master", namespace, address)
                .start();
        long t2 = System.nanoTime();
        createDmWorkers();
        cp.admin().resource(dm.downstreamSecret(namespace)).create();
        System.out.printf("world %s: CRD %d ms, namespaces and DM side %d ms, DM-worker pods ready %d ms%n", namespace,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String token() {
        return Long.toString(RANDOM.nextLong() & 0xffffffffL, 36);
    }

    public static ControlPlaneWorld start(SandboxWorld.Builder options) {
        try {
            return new ControlPlaneWorld(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The CRDs this world needs, the way the README's "manage it yourself" path ({@code crds.install=false}) applies
     * ours: {@code kubectl apply --server-side -f crds/} (forcing field ownership: a test before may have installed
     * it with the chart, whose helm then owns its fields), and TiDB Operator's DMCluster. Every world, so a test that
     * changed the CRD leaves the next world the repository's. Waits until the API serves them.
     */
    static void applyCrds(Cli cli, KubernetesClient client) {
        Cli.ok(cli.kubectl("apply", "--server-side", "--force-conflicts", "-f",
                Tools.projectDir().resolve("crds").toString()), "kubectl apply --server-side -f crds/");
        Cli.ok(cli.kubectl("apply", "--server-side", "-f", Tools.projectDir().resolve("src/test/resources/tidb-operator")
                .toString()), "kubectl apply (TiDB Operator's DMCluster CRD)");
        awaitEstablished(client, "dmremediations.dmremediation.io");
        awaitEstablished(client, "dmclusters.pingcap.com");
    }

    /**
     * Deletes our CRD (and so every DMRemediation) and waits until it is gone: a cluster as the README's install
     * finds it, where the chart's CRD template may create it. Only while no world runs.
     */
    public static void removeCrd(KubernetesClient client) {
        client.apiextensions().v1().customResourceDefinitions().withName("dmremediations.dmremediation.io").delete();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.apiextensions().v1()
                .customResourceDefinitions().withName("dmremediations.dmremediation.io").get() == null);
    }

    static void awaitEstablished(KubernetesClient client, String crd) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> client.apiextensions().v1()
                .customResourceDefinitions().withName(crd).get().getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
    }

    /**
     * DMCluster {@value #CLUSTER}'s DM-workers as TiDB Operator lays them out (dm-on-k8s §2–3): StatefulSet
     * {@code <cluster>-dm-worker} with its labels, container {@code dm-worker} and the {@code dm-worker} volume claim
     * template mounted at {@code /var/lib/dm-worker}, behind the headless Service {@code <cluster>-dm-worker-peer}.
     */
    private void createDmWorkers() {
        Map<String, String> selector = Map.of("app.kubernetes.io/name", "dm-cluster",
                "app.kubernetes.io/instance", CLUSTER, "app.kubernetes.io/component", "dm-worker",
                "app.kubernetes.io/managed-by", "tidb-operator");
        KubernetesClient c = cp.admin();
        c.resource(new ServiceBuilder().withNewMetadata().withName(CLUSTER + "-dm-worker-peer").withNamespace(namespace)
                .withLabels(selector).endMetadata()
                .withNewSpec().withClusterIP("None").withSelector(selector).withPublishNotReadyAddresses(true)
                    .addNewPort().withName("dm-worker").withPort(8262).endPort().endSpec().build()).create();
        c.resource(new StatefulSetBuilder().withNewMetadata().withName(CLUSTER + "-dm-worker").withNamespace(namespace)
                .withLabels(selector).endMetadata()
                .withNewSpec().withReplicas(2).withServiceName(CLUSTER + "-dm-worker-peer")
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector().withMatchLabels(selector).endSelector()
                    .withNewTemplate().withNewMetadata().withLabels(selector).endMetadata()
                        .withNewSpec()
                            .addNewContainer().withName("dm-worker").withImage("pingcap/dm:v8.5.0")
                                .withCommand("/bin/sh", "/usr/local/bin/dm_worker_start_script.sh")
                                .addNewPort().withName("client").withContainerPort(8262).endPort()
                                .addNewVolumeMount().withName(DmWorkerPods.VOLUME).withMountPath(DmWorkerPods.MOUNT_PATH)
                                .endVolumeMount()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                    .addNewVolumeClaimTemplate().withNewMetadata().withName(DmWorkerPods.VOLUME).endMetadata()
                        .withNewSpec().withAccessModes("ReadWriteOnce")
                            .withNewResources().addToRequests("storage", new Quantity("10Gi")).endResources()
                        .endSpec()
                    .endVolumeClaimTemplate()
                .endSpec().build()).create();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> workersReady() == 2);
    }

    private long workersReady() {
        return cp.admin().pods().inNamespace(namespace).withLabel("app.kubernetes.io/component", "dm-worker").list()
                .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(io.dmremediation.playbook.WorkerPods::ready).count();
    }

    // ------------------------------------------------------------------------------------------ the operator

    /** Installs the operator with helm, watching this world's namespace, one replica; waits until it is ready. */
    @Override
    public void startOperator() {
        install("watchNamespaces={" + namespace + "}", "replicaCount=1");
    }

    /**
     * {@code helm install} of the chart into this world's operator namespace with {@code crds.install=false} (the
     * world applied the CRD: {@link #applyCrds}) and the given {@code --set} values, then waits until every replica
     * is ready.
     */
    public void install(String... sets) {
        List<String> all = new ArrayList<>(List.of("crds.install=false"));
        all.addAll(List.of(sets));
        installWith(all);
    }

    /**
     * {@code helm install} with the chart's defaults, CRD included, as the README installs it: first
     * {@link #removeCrd} (this world's DMRemediations go with it), as the chart creates the CRD only where there is
     * none.
     */
    public void installAsTheReadme() {
        removeCrd(cp.admin());
        installWith(List.of());
    }

    private void installWith(List<String> sets) {
        if (installed) {
            throw new IllegalStateException("the operator is installed already");
        }
        List<String> args = new ArrayList<>(List.of("install", RELEASE,
                Tools.projectDir().resolve("helm").resolve("dm-remediation-operator").toString(),
                "--namespace", operatorNamespace));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        Cli.ok(cli.helm(args.toArray(String[]::new)), "helm " + String.join(" ", args));
        installed = true;
        awaitOperatorReady();
    }

    /** Waits until the Deployment's replicas are all ready (their /readyz answers); their output if they do not. */
    public void awaitOperatorReady() {
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        Deployment d = cp.admin().apps().deployments().inNamespace(operatorNamespace).withName(FULLNAME)
                                .get();
                        return d.getStatus() != null && d.getStatus().getReadyReplicas() != null
                                && d.getStatus().getReadyReplicas().equals(d.getSpec().getReplicas());
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (Pod p : operatorPods()) {
                logs.append("\n--- ").append(p.getMetadata().getName()).append(": ").append(p.getStatus()).append('\n')
                        .append(kubelet.logs(operatorNamespace, p.getMetadata().getName()));
            }
            throw new AssertionError("the operator's pods did not get ready" + logs, e);
        }
    }

    /** The operator's pods (the Deployment's), oldest first. */
    public List<Pod> operatorPods() {
        return cp.admin().pods().inNamespace(operatorNamespace)
                .withLabel("app.kubernetes.io/component", "operator").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())).toList();
    }

    /** Uninstalls the release: its pods are stopped gracefully (SIGTERM), as in a cluster. */
    @Override
    public void stopOperator() {
        if (!installed) {
            return;
        }
        cli.helm("uninstall", RELEASE, "--namespace", operatorNamespace, "--wait", "--timeout", "60s");
        installed = false;
    }

    // ------------------------------------------------------------------------------------------ World

    @Override
    public String namespace() {
        return namespace;
    }

    /** Where the helm release, the operator's pods and its Lease live. */
    public String operatorNamespace() {
        return operatorNamespace;
    }

    @Override
    public KubernetesClient client() {
        return cp.admin();
    }

    @Override
    public DmMasterSimulator dm() {
        return dmSide.dm();
    }

    @Override
    public EmbeddedMariaDb database() {
        return dmSide.database();
    }

    @Override
    public String metaSchema() {
        return dmSide.metaSchema();
    }

    @Override
    public String downstreamPassword() {
        return dmSide.downstreamPassword();
    }

    @Override
    public NodeKubelet kubelet() {
        return kubelet;
    }

    @Override
    public void startTask(String name, String... sources) {
        dmSide.startTask(name, sources);
    }

    public ControlPlane controlPlane() {
        return cp;
    }

    public Cli cli() {
        return cli;
    }

    @Override
    public void close() {
        kubelet.close();
        if (installed) {
            cli.helm("uninstall", RELEASE, "--namespace", operatorNamespace);
            installed = false;
        }
        // nothing runs JOSDK's finalizer any more: let the resources go (read untyped: a test may have stored what
        // this build's model cannot read)
        try {
            var resources = cp.admin().genericKubernetesResources("dmremediation.io/v1alpha1", "DMRemediation")
                    .inNamespace(namespace);
            for (var r : resources.list().getItems()) {
                resources.withName(r.getMetadata().getName()).patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"metadata\":{\"finalizers\":null}}");
                resources.withName(r.getMetadata().getName()).delete();
            }
        } catch (KubernetesClientException e) {
            // gone already
        }
        dmSide.close();
    }
}
