package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.playbook.RemediationSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** The long-lived parts a reconcile uses; one instance per operator process. */
record OperatorServices(KubernetesClient client, Clock clock, DmConnections connections, SnapshotCache snapshots,
                        OperatorMetrics metrics, EventRecorder events, ClusterSlots slots, Playbooks playbooks,
                        StatusWriter statusWriter, String jobImage) {

    RemediationSettings remediationSettings(DMRemediation r) {
        return SpecSettings.remediation(r.getSpec(), jobImage);
    }
}
