package io.dmremediation.sandbox;

import io.dmremediation.api.Backoff;
import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.ConnectionPolicy;
import io.dmremediation.api.DMClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.Downstream;
import io.dmremediation.api.Policies;
import io.dmremediation.api.SecretRef;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What an acceptance test needs of a world, whatever runs its Kubernetes: DMCluster {@value #CLUSTER} in
 * {@link #namespace()} with two DM-worker pods, the DM-master simulator, a MariaDB downstream with its Secret
 * {@value #DOWNSTREAM_SECRET}, a kubelet that runs the repair Jobs' pods, and the real operator.
 *
 * <p>Two implementations: {@link SandboxWorld} (fabric8's mock API in this process, the fast default) and the
 * real-control-plane world of the test sources (etcd, kube-apiserver and kube-controller-manager, the operator
 * installed with helm and running in its own JVM).
 *
 * <p>Sources: {@value #SOURCE_1} bound to worker 0 reads the upstream directly; {@value #SOURCE_2} bound to worker 1
 * runs a relay log in {@value #RELAY_DIR_IN_POD} on that worker's volume.
 */
public interface World extends AutoCloseable {

    String CLUSTER = "basic";
    String SOURCE_1 = "mysql-01";
    String SOURCE_2 = "mysql-02";
    String DOWNSTREAM_SECRET = "tidb-credentials";
    String RELAY_DIR_IN_POD = DmWorkerPods.MOUNT_PATH + "/relay";

    /** Where DMCluster {@value #CLUSTER}, its worker pods, the Secret and the DMRemediations live. */
    String namespace();

    /** A client with every right (the tests' own, not the operator's). */
    KubernetesClient client();

    DmMasterSimulator dm();

    /** The downstream; null in a world built without one. */
    EmbeddedMariaDb database();

    /** The meta schema of the tasks this world starts (DM's {@code meta-schema}). */
    String metaSchema();

    /** The downstream password the Secret holds: tests check it never shows up where it must not. */
    String downstreamPassword();

    Kubelet kubelet();

    /** The name of DM-worker pod {@code ordinal} (TiDB Operator's {@code <cluster>-dm-worker-<n>}). */
    default String workerPod(int ordinal) {
        return DmWorkerPods.podName(CLUSTER, ordinal);
    }

    /** Starts the real operator against this world. */
    void startOperator();

    /** Stops the operator as a crash would: mid-step, without finishing anything. */
    void stopOperator();

    /** Starts a task on the given sources, as a user would with dmctl start-task. */
    void startTask(String name, String... sources);

    /**
     * A DMRemediation next to DMCluster {@value #CLUSTER} guarding the tasks, with short intervals so a scenario
     * plays out in seconds.
     */
    default DMRemediation remediation(String name, String... tasks) {
        DMRemediation r = new DMRemediation();
        r.getMetadata().setName(name);
        r.getMetadata().setNamespace(namespace());
        DMRemediationSpec spec = new DMRemediationSpec();
        spec.cluster = new ClusterRef();
        spec.cluster.dmClusterRef = new DMClusterRef();
        spec.cluster.dmClusterRef.name = CLUSTER;
        spec.tasks = new ArrayList<>(List.of(tasks));
        spec.pollInterval = "1s";
        spec.verifyTimeout = "30s";
        spec.healthyResetAfter = "1m";
        spec.downstream = new Downstream();
        spec.downstream.secretRef = new SecretRef();
        spec.downstream.secretRef.name = DOWNSTREAM_SECRET;
        spec.backoff = new Backoff();
        spec.backoff.initial = "2s";
        spec.backoff.max = "10s";
        spec.policies = new Policies();
        spec.policies.invalidConnection = new ConnectionPolicy();
        spec.policies.invalidConnection.waitForAutoResume = "4s";
        spec.policies.invalidConnection.pauseWindow = "1m";
        spec.policies.badConnection = new ConnectionPolicy();
        spec.policies.badConnection.waitForAutoResume = "2s";
        r.setSpec(spec);
        return r;
    }

    default DMRemediation apply(DMRemediation r) {
        return client().resource(r).createOr(x -> x.update());
    }

    default DMRemediation get(String name) {
        return client().resources(DMRemediation.class).inNamespace(namespace()).withName(name).get();
    }

    /** The resource's status; an empty one while it has none or is gone, so a wait can simply ask again. */
    default DMRemediationStatus status(String name) {
        DMRemediation r = get(name);
        return r == null || r.getStatus() == null ? new DMRemediationStatus() : r.getStatus();
    }

    /** Events on the resource, oldest first. */
    default List<Event> events(String name) {
        return client().v1().events().inNamespace(namespace()).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(e -> String.valueOf(e.getFirstTimestamp())))
                .toList();
    }

    @Override
    void close();
}
