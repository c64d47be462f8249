package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Writes status with optimistic locking: the write carries the resourceVersion the cycle read, so a write from
 * an operator whose view is stale (a second replica, a restarted one) fails with a conflict instead of
 * overwriting a step another operator recorded.
 */
final class StatusWriter {

    private final KubernetesClient client;
    /** Per uid: the resourceVersion this process last read from or wrote to the API server. */
    private final Map<String, String> known = new ConcurrentHashMap<>();

    StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    DMRemediation write(DMRemediation r, DMRemediationStatus status) {
        // derived here, on the one write path, so the count is right whatever the cycle changed
        status.escalatedTasks = (int) status.tasks.stream().filter(t -> Boolean.TRUE.equals(t.escalated)).count();
        r.setStatus(status);
        return sent(r, () -> client.resources(DMRemediation.class).inNamespace(r.getMetadata().getNamespace())
                .resource(r).updateStatus());
    }

    /**
     * The resource as the API server has it, for a reconcile: the informer's copy when it is the very version this
     * process last read or wrote (nothing newer was written by us, and the watch has delivered our own last write),
     * else a fresh read. A status that is the remediation's memory must never be a stale cached copy; but reading
     * every resource from the API server on every poll made a steady poll cycle cost one GET per resource.
     */
    DMRemediation current(DMRemediation cached) {
        String version = cached.getMetadata().getResourceVersion();
        if (version != null && version.equals(known.get(cached.getMetadata().getUid()))) {
            return cached;
        }
        return fresh(cached);
    }

    void forget(DMRemediation r) {
        known.remove(r.getMetadata().getUid());
    }

    private void remember(DMRemediation r) {
        if (r != null && r.getMetadata().getUid() != null && r.getMetadata().getResourceVersion() != null) {
            known.put(r.getMetadata().getUid(), r.getMetadata().getResourceVersion());
        }
    }

    /** Removes an annotation (with locking too), returning the resource at its new version. */
    DMRemediation removeAnnotation(DMRemediation r, String key) {
        DMRemediation latest = fresh(r);
        if (latest == null || latest.getMetadata().getAnnotations() == null
                || !latest.getMetadata().getAnnotations().containsKey(key)) {
            return r;
        }
        Map<String, String> annotations = new LinkedHashMap<>(latest.getMetadata().getAnnotations());
        annotations.remove(key);
        latest.getMetadata().setAnnotations(annotations);
        sent(r, () -> client.resource(latest).update());
        r.getMetadata().setAnnotations(annotations);
        return r;
    }

    /**
     * Sends a write whose result is the resource's new version: {@code r} takes that version, and this process knows
     * it. After a conflict or a failure, whatever the server holds now is for the next reconcile to read.
     */
    private DMRemediation sent(DMRemediation r, Supplier<DMRemediation> write) {
        DMRemediation updated;
        try {
            updated = write.get();
        } catch (RuntimeException e) {
            known.remove(r.getMetadata().getUid());
            throw e;
        }
        r.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
        remember(updated);
        return r;
    }

    /** The resource as the API server has it now, or null when it is gone. */
    DMRemediation fresh(DMRemediation r) {
        DMRemediation latest = client.resources(DMRemediation.class).inNamespace(r.getMetadata().getNamespace())
                .withName(r.getMetadata().getName()).get();
        if (latest == null) {
            known.remove(r.getMetadata().getUid());
        } else {
            remember(latest);
        }
        return latest;
    }
}
