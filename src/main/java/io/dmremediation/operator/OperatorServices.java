package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.DownstreamSecret;
import io.dmremediation.playbook.JobPodSettings;
import io.dmremediation.playbook.PlaybookContext;
import io.dmremediation.playbook.RemediationSettings;
import io.dmremediation.playbook.RepairJobs;
import io.dmremediation.playbook.WorkerPods;
import io.dmremediation.policy.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** The long-lived parts a reconcile uses; one instance per operator process. */
record OperatorServices(KubernetesClient client, Clock clock, DmConnections connections, SnapshotCache snapshots,
                        OperatorMetrics metrics, EventRecorder events, ClusterSlots slots, Playbooks playbooks,
                        StatusWriter statusWriter, String jobImage, StepGate gate, JobPodSettings jobPod) {

    RemediationSettings remediationSettings(DMRemediation r) {
        return SpecSettings.remediation(r.getSpec(), jobImage, jobPod);
    }

    /** What a playbook of this resource may touch. */
    PlaybookContext playbookContext(DMRemediation r, ClusterTarget target, DmMaster dm, Settings settings) {
        return new PlaybookContext(r, dm, new ConfigVault(client, r), new RepairJobs(client, r),
                new WorkerPods(client, target.namespace(), target.workerLabels()),
                new DownstreamSecret(client, r.getMetadata().getNamespace()), clock, settings, remediationSettings(r));
    }
}
