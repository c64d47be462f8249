package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes status with optimistic locking: the write carries the resourceVersion the cycle read, so a write from
 * an operator whose view is stale (a second replica, a restarted one) fails with a conflict instead of
 * overwriting a step another operator recorded.
 */
final class StatusWriter {

    private final KubernetesClient client;

    StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    DMRemediation write(DMRemediation r, DMRemediationStatus status) {
        r.setStatus(status);
        DMRemediation updated = client.resources(DMRemediation.class)
                .inNamespace(r.getMetadata().getNamespace())
                .resource(r)
                .updateStatus();
        r.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
        return r;
    }

    /** Removes an annotation (with locking too), returning the resource at its new version. */
    DMRemediation removeAnnotation(DMRemediation r, String key) {
        DMRemediation latest = client.resources(DMRemediation.class).inNamespace(r.getMetadata().getNamespace())
                .withName(r.getMetadata().getName()).get();
        if (latest == null || latest.getMetadata().getAnnotations() == null
                || !latest.getMetadata().getAnnotations().containsKey(key)) {
            return r;
        }
        Map<String, String> annotations = new LinkedHashMap<>(latest.getMetadata().getAnnotations());
        annotations.remove(key);
        latest.getMetadata().setAnnotations(annotations);
        DMRemediation updated = client.resource(latest).update();
        r.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
        r.getMetadata().setAnnotations(annotations);
        return r;
    }

    /** The resource as the API server has it now, or null when it is gone. */
    DMRemediation fresh(DMRemediation r) {
        return client.resources(DMRemediation.class).inNamespace(r.getMetadata().getNamespace())
                .withName(r.getMetadata().getName()).get();
    }
}
