package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.playbook.EngineTiming;
import io.dmremediation.playbook.JobPodSettings;
import io.dmremediation.playbook.PlaybookContext;
import io.dmremediation.playbook.RemediationSettings;
import io.dmremediation.policy.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** The long-lived parts a reconcile uses; one instance per operator process. */
record OperatorServices(KubernetesClient client, Clock clock, DmConnections connections, SnapshotCache snapshots,
                        OperatorMetrics metrics, EventRecorder events, ClusterSlots slots, Playbooks playbooks,
                        StatusWriter statusWriter, String jobImage, StepGate gate, JobPodSettings jobPod,
                        PlaybookEdges edges, EngineTiming timing, ConfigurationChecks configurationChecks,
                        Storms storms, PeerViews peerViews) {

    RemediationSettings remediationSettings(DMRemediation r) {
        return SpecSettings.remediation(r.getSpec(), jobImage, jobPod);
    }

    /**
     * What a remediation of this resource may touch. It talks to the DM-master it started with, whatever the spec
     * says now, and trusts it with the password as it did then.
     */
    PlaybookContext playbookContext(DMRemediation r, ClusterTarget target, ActiveRemediation a, Settings settings) {
        String url = a.masterUrl != null ? a.masterUrl : target.masterUrl();
        // the cluster the spec names now, over TLS when it uses TLS; another one (the spec changed or became invalid
        // mid-way) by its recorded address
        DmMaster direct = target.key().equals(a.clusterKey) && target.masterUrl().equals(url) ? connections.of(r, target)
                : connections.get(url);
        // many tasks at once (a storm-mode batch) share the cluster's poll instead of sending one each
        DmMaster dm = new SharedStatusDmMaster(direct, snapshots, a.clusterKey != null ? a.clusterKey : target.key(),
                clock);
        return new PlaybookContext(r, dm, edges.vault(r), edges.jobs(r), edges.downstream(r),
                clock, settings, remediationSettings(r), url, Boolean.TRUE.equals(a.masterTrusted), timing);
    }
}
