package io.dmremediation.operator;

import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.DMRemediation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DM cluster a resource guards: DM-master's URL, how to find the DM-worker pods, and a key that is equal for
 * every resource pointing at the same cluster (for the per-cluster limit and shared polls).
 */
public record ClusterTarget(String key, String displayName, String masterUrl, String namespace,
                            Map<String, String> workerLabels) {

    /** DM-master's client port (dm-on-k8s §2). */
    public static final int MASTER_PORT = 8261;

    /**
     * From {@code spec.cluster}: a DMCluster reference gives TiDB Operator's names and labels (dm-on-k8s §2.1, §2.3);
     * an explicit address is used as given. Call only on a validated spec.
     */
    public static ClusterTarget of(DMRemediation r) {
        ClusterRef c = r.getSpec().cluster;
        String ns = r.getMetadata().getNamespace();
        if (c.dmClusterRef != null) {
            String name = c.dmClusterRef.name;
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("app.kubernetes.io/instance", name);
            labels.put("app.kubernetes.io/component", "dm-worker");
            return new ClusterTarget("dmcluster/" + ns + "/" + name, name,
                    "http://" + name + "-dm-master." + ns + ":" + MASTER_PORT, ns, labels);
        }
        String url = c.masterAddress.endsWith("/") ? c.masterAddress.substring(0, c.masterAddress.length() - 1)
                : c.masterAddress;
        Map<String, String> labels = c.workerSelector == null || c.workerSelector.getMatchLabels() == null
                ? Map.of() : new LinkedHashMap<>(c.workerSelector.getMatchLabels());
        String display = url.replaceFirst("^https?://", "");
        return new ClusterTarget("master/" + url, display, url, ns, labels);
    }
}
