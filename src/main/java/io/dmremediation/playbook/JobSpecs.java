package io.dmremediation.playbook;

import io.dmremediation.api.DMRemediation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repair Jobs. They run the operator's own image in a fixer mode, once ({@code backoffLimit: 0}: a fix that
 * failed is looked at, not retried blindly), with a deadline and a TTL, read-only root filesystem, no privilege
 * escalation, no capabilities, no service account token (the fixer needs no Kubernetes API), and credentials only
 * as Secret references in the environment — never in arguments.
 */
public final class JobSpecs {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "dm-remediation-operator";
    /** Non-root user the checkpoint fixer runs as by default (the distroless "nonroot" id). */
    static final long NON_ROOT_UID = JobPodSettings.NON_ROOT_UID;
    static final String REPORT_FILE = "/dev/termination-log";

    private JobSpecs() {
    }

    public static String checkpointJobName(String remediationId) {
        return "dmr-fix-checkpoint-" + remediationId;
    }

    /** The read-only check before a task is stopped. */
    public static String precheckJobName(String remediationId) {
        return "dmr-precheck-" + remediationId;
    }

    /** The read-only look, after a failed fix, at whether its rewrite is in place. */
    public static String inspectJobName(String remediationId) {
        return "dmr-inspect-checkpoint-" + remediationId;
    }

    public static String relayJobName(String remediationId) {
        return "dmr-fix-relay-meta-" + remediationId;
    }

    /** {@code fix-checkpoint} against the downstream, credentials from the user's Secret. */
    public static Job checkpointJob(DMRemediation owner, String remediationId, RemediationSettings s,
                                    List<String> args) {
        return downstreamJob(owner, checkpointJobName(remediationId), remediationId, s, "fix-checkpoint", args);
    }

    /** Where the downstream Secret's ca.crt, tls.crt and tls.key appear in a downstream Job (when the Secret has them). */
    public static final String DOWNSTREAM_TLS_DIR = "/etc/dmr/downstream-tls";

    /** A fixer command against the downstream (a fix or a read-only check), credentials from the user's Secret. */
    public static Job downstreamJob(DMRemediation owner, String name, String remediationId, RemediationSettings s,
                                    String command, List<String> args) {
        return downstreamJob(owner, name, remediationId, s, command, args, false);
    }

    /**
     * As above; {@code tlsRequired}: the task's target-database has a {@code security} section
     * ({@link DownstreamTlsRequirement}), so the Job refuses to connect without TLS even if the Secret has no CA.
     */
    public static Job downstreamJob(DMRemediation owner, String name, String remediationId, RemediationSettings s,
                                    String command, List<String> args, boolean tlsRequired) {
        List<EnvVar> env = new ArrayList<>();
        env.add(secretEnv("DOWNSTREAM_HOST", s.downstreamSecret(), "host", false));
        env.add(secretEnv("DOWNSTREAM_PORT", s.downstreamSecret(), "port", true));
        env.add(secretEnv("DOWNSTREAM_USER", s.downstreamSecret(), "user", false));
        env.add(secretEnv("DOWNSTREAM_PASSWORD", s.downstreamSecret(), "password", false));
        env.add(new EnvVarBuilder().withName("DMR_REPORT_FILE").withValue(REPORT_FILE).build());
        // TLS: the Secret's CA and client pair as files (each optional: a Secret without ca.crt mounts nothing)
        env.add(new EnvVarBuilder().withName("DOWNSTREAM_TLS_DIR").withValue(DOWNSTREAM_TLS_DIR).build());
        if (tlsRequired) {
            env.add(new EnvVarBuilder().withName("DOWNSTREAM_TLS").withValue("required").build());
        }
        Container c = container(s, prepend(command, args), env)
                .addToVolumeMounts(new VolumeMountBuilder().withName("downstream-tls").withMountPath(DOWNSTREAM_TLS_DIR)
                        .withReadOnly(true).build())
                .build();
        Volume tls = new VolumeBuilder().withName("downstream-tls").withNewSecret()
                .withSecretName(s.downstreamSecret()).withOptional(true)
                .addNewItem().withKey("ca.crt").withPath("ca.crt").endItem()
                .addNewItem().withKey("tls.crt").withPath("tls.crt").endItem()
                .addNewItem().withKey("tls.key").withPath("tls.key").endItem()
                .withDefaultMode(0440)
                .endSecret().build();
        PodSecurityContext pod = s.jobPod().podSecurityContext();
        return job(owner, name, remediationId, s, c, List.of(tmpVolume(), tls), null, s.jobPod().nodeSelector(),
                s.jobPod().tolerations(), pod);
    }

    /**
     * {@code fix-relay-meta} on the DM-worker's node with the worker's volume mounted where the worker mounts it.
     * It runs as root: relay.meta belongs to the DM-worker process, which the DM image runs as root, and an edit
     * by any other user would fail or leave a file DM cannot rewrite. Still read-only root, no capabilities.
     */
    public static Job relayMetaJob(DMRemediation owner, String remediationId, RemediationSettings s, List<String> args,
                                   String nodeName, String claimName, List<Toleration> tolerations) {
        Volume data = new VolumeBuilder().withName("worker-data")
                .withNewPersistentVolumeClaim().withClaimName(claimName).endPersistentVolumeClaim().build();
        Container c = container(s, prepend("fix-relay-meta", args),
                List.of(new EnvVarBuilder().withName("DMR_REPORT_FILE").withValue(REPORT_FILE).build()))
                .addToVolumeMounts(new VolumeMountBuilder().withName("worker-data")
                        .withMountPath(s.volumeMountPath()).build())
                .build();
        List<Toleration> all = new ArrayList<>(tolerations == null ? List.of() : tolerations);
        all.addAll(s.jobPod().tolerations());
        // root whatever the chart says (see above); the rest of the pod's security settings are the chart's
        PodSecurityContext root = new PodSecurityContextBuilder(s.jobPod().podSecurityContext())
                .withRunAsUser(0L).withRunAsNonRoot(false).build();
        return job(owner, relayJobName(remediationId), remediationId, s, c, List.of(tmpVolume(), data), nodeName,
                Map.of(), all, root);
    }

    private static ContainerBuilder container(RemediationSettings s, List<String> args, List<EnvVar> env) {
        return new ContainerBuilder()
                .withName("fixer")
                .withImage(s.jobImage())
                .withArgs(args)
                .withEnv(env)
                .withTerminationMessagePath(REPORT_FILE)
                .withTerminationMessagePolicy("File")
                .withSecurityContext(new SecurityContextBuilder(s.jobPod().securityContext()).build())
                .withResources(new ResourceRequirementsBuilder(s.jobPod().resources()).build())
                .addToVolumeMounts(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    }

    private static Job job(DMRemediation owner, String name, String id, RemediationSettings s, Container c,
                           List<Volume> volumes, String nodeName, Map<String, String> nodeSelector,
                           List<Toleration> tolerations, PodSecurityContext security) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(ConfigVault.LABEL_REMEDIATION, id);
        labels.put(ConfigVault.LABEL_OWNER, owner.getMetadata().getName());
        return new JobBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(owner.getMetadata().getNamespace())
                    .withLabels(labels)
                    .addToOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(owner.getApiVersion())
                            .withKind(owner.getKind())
                            .withName(owner.getMetadata().getName())
                            .withUid(owner.getMetadata().getUid())
                            .withController(true)
                            .build())
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(s.jobDeadline().toSeconds())
                    .withTtlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, s.jobTtl().toSeconds()))
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withAutomountServiceAccountToken(false)
                            .withNodeName(nodeName)
                            .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
                            .withTolerations(tolerations)
                            .withImagePullSecrets(s.jobPod().imagePullSecrets())
                            .withSecurityContext(security)
                            .withContainers(c)
                            .withVolumes(volumes)
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Volume tmpVolume() {
        // the JVM needs a writable /tmp under a read-only root filesystem
        return new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
                .build();
    }

    private static EnvVar secretEnv(String name, String secret, String key, boolean optional) {
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewSecretKeyRef(key, secret, optional).endValueFrom()
                .build();
    }

    private static List<String> prepend(String command, List<String> args) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(args);
        return all;
    }
}
