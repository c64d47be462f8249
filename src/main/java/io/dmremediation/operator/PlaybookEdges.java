package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.DownstreamCredentials;
import io.dmremediation.playbook.DownstreamSecret;
import io.dmremediation.playbook.RepairJobControl;
import io.dmremediation.playbook.RepairJobs;
import io.dmremediation.playbook.SavedConfigs;
import io.dmremediation.playbook.WorkerPodControl;
import io.dmremediation.playbook.WorkerPods;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Builds the Kubernetes edges a playbook touches; tests put faults between the playbook and these. */
interface PlaybookEdges {

    SavedConfigs vault(DMRemediation owner);

    RepairJobControl jobs(DMRemediation owner);

    WorkerPodControl pods(ClusterTarget target);

    DownstreamCredentials downstream(DMRemediation owner);

    static PlaybookEdges kubernetes(KubernetesClient client) {
        return new PlaybookEdges() {
            @Override
            public SavedConfigs vault(DMRemediation owner) {
                return new ConfigVault(client, owner);
            }

            @Override
            public RepairJobControl jobs(DMRemediation owner) {
                return new RepairJobs(client, owner);
            }

            @Override
            public WorkerPodControl pods(ClusterTarget target) {
                return new WorkerPods(client, target.namespace(), target.workerLabels());
            }

            @Override
            public DownstreamCredentials downstream(DMRemediation owner) {
                return new DownstreamSecret(client, owner.getMetadata().getNamespace());
            }
        };
    }
}
