package io.dmremediation.operator;

import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.domain.MasterAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DM cluster a resource guards: DM-master's URL, how to find the DM-worker pods, and a key that is equal for
 * every resource pointing at the same cluster, however it names it (for the per-cluster limit and shared polls).
 *
 * @param trusted the address is the namespace's own DMCluster Service: the downstream password may be sent to it
 *                without the Secret naming it
 */
public record ClusterTarget(String key, String displayName, String masterUrl, String namespace,
                            Map<String, String> workerLabels, boolean trusted) {

    /** DM-master's client port (dm-on-k8s §2). */
    public static final int MASTER_PORT = MasterAddress.DEFAULT_PORT;

    /**
     * From {@code spec.cluster}: a DMCluster reference gives TiDB Operator's names and labels (dm-on-k8s §2.1, §2.3);
     * an explicit address is used as given. The key is the normalised DM-master address, so a DMCluster named by
     * reference in one resource and by its Service address in another is one cluster. Call only on a validated spec.
     */
    public static ClusterTarget of(DMRemediation r) {
        ClusterRef c = r.getSpec().cluster;
        String ns = r.getMetadata().getNamespace();
        if (c.dmClusterRef != null) {
            String name = c.dmClusterRef.name;
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("app.kubernetes.io/instance", name);
            labels.put("app.kubernetes.io/component", "dm-worker");
            String url = "http://" + name + "-dm-master." + ns + ":" + MASTER_PORT;
            return new ClusterTarget(key(url, ns), name, url, ns, labels, true);
        }
        String url = c.masterAddress.endsWith("/") ? c.masterAddress.substring(0, c.masterAddress.length() - 1)
                : c.masterAddress;
        Map<String, String> labels = c.workerSelector == null || c.workerSelector.getMatchLabels() == null
                ? Map.of() : new LinkedHashMap<>(c.workerSelector.getMatchLabels());
        String display = url.replaceFirst("^https?://", "");
        return new ClusterTarget(key(url, ns), display, url, ns, labels, false);
    }

    /**
     * The cluster a remediation in flight started on, when the spec no longer says (it became invalid): its
     * DM-master, and no worker labels.
     */
    static ClusterTarget recorded(String masterUrl, String clusterKey, String namespace) {
        return new ClusterTarget(clusterKey != null ? clusterKey : key(masterUrl, namespace),
                masterUrl.replaceFirst("^https?://", ""), masterUrl, namespace, Map.of(), false);
    }

    static String key(String url, String namespace) {
        return "dm-master/" + MasterAddress.normalize(url, namespace).orElse(url);
    }
}
