package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.SpecValidator;
import io.dmremediation.policy.StormPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a reconcile reads of the other resources (their cluster, limit and storm settings), worked out once per
 * version of each resource. Every reconcile looks at every peer (the cluster-wide limit, storm mode's census), so
 * without this n resources cost n² spec validations and duration parses per poll cycle: with 200 resources that
 * was most of the operator's CPU (BENCHMARKS.md, scale).
 */
final class PeerViews {

    /** A peer as the cluster-wide rules see it; {@code clusterKey} is null when its spec is invalid. */
    record View(String clusterKey, int maxConcurrentRemediations, StormPolicy storm) {
    }

    private static final int MAX_ENTRIES = 50_000;

    private record Entry(String resourceVersion, View view) {
    }

    private final Map<String, Entry> byUid = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    View of(DMRemediation p) {
        String uid = p.getMetadata() == null ? null : p.getMetadata().getUid();
        String version = p.getMetadata() == null ? null : p.getMetadata().getResourceVersion();
        if (uid == null || version == null) {
            // not from the API server (no version to know it by): worked out each time
            return compute(p);
        }
        synchronized (byUid) {
            Entry e = byUid.get(uid);
            if (e != null && e.resourceVersion().equals(version)) {
                return e.view();
            }
        }
        View v = compute(p);
        synchronized (byUid) {
            byUid.put(uid, new Entry(version, v));
        }
        return v;
    }

    private static View compute(DMRemediation p) {
        if (p.getSpec() == null || !SpecValidator.validate(p.getSpec()).isEmpty()) {
            return new View(null, Integer.MAX_VALUE, StormPolicy.DEFAULTS);
        }
        return new View(ClusterTarget.of(p).key(),
                SpecSettings.settings(p.getSpec()).maxConcurrentRemediations(), SpecSettings.storm(p.getSpec()));
    }
}
