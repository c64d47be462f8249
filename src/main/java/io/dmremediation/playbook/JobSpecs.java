package io.dmremediation.playbook;

import io.dmremediation.api.DMRemediation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
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
    /** Non-root user the checkpoint fixer runs as (the distroless "nonroot" id). */
    static final long NON_ROOT_UID = 65532L;
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

    /** {@code fix-checkpoint} against the downstream, credentials from the user's Secret. */
    public static Job checkpointJob(DMRemediation owner, String remediationId, RemediationSettings s,
                                    List<String> args) {
        return downstreamJob(owner, checkpointJobName(remediationId), remediationId, s, "fix-checkpoint", args);
    }

    /** A fixer command against the downstream (a fix or a read-only check), credentials from the user's Secret. */
    public static Job downstreamJob(DMRemediation owner, String name, String remediationId, RemediationSettings s,
                                    String command, List<String> args) {
        List<EnvVar> env = new ArrayList<>();
        env.add(secretEnv("DOWNSTREAM_HOST", s.downstreamSecret(), "host", false));
        env.add(secretEnv("DOWNSTREAM_PORT", s.downstreamSecret(), "port", true));
        env.add(secretEnv("DOWNSTREAM_USER", s.downstreamSecret(), "user", false));
        env.add(secretEnv("DOWNSTREAM_PASSWORD", s.downstreamSecret(), "password", false));
        env.add(new EnvVarBuilder().withName("DMR_REPORT_FILE").withValue(REPORT_FILE).build());
        Container c = container(s.jobImage(), prepend(command, args), env).build();
        return job(owner, name, remediationId, s, c, List.of(tmpVolume()), null, List.of(), NON_ROOT_UID);
    }

    private static ContainerBuilder container(String image, List<String> args, List<EnvVar> env) {
        return new ContainerBuilder()
                .withName("fixer")
                .withImage(image)
                .withArgs(args)
                .withEnv(env)
                .withTerminationMessagePath(REPORT_FILE)
                .withTerminationMessagePolicy("File")
                .withSecurityContext(new SecurityContextBuilder()
                        .withReadOnlyRootFilesystem(true)
                        .withAllowPrivilegeEscalation(false)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .build())
                .withNewResources()
                    .addToRequests("cpu", new Quantity("100m"))
                    .addToRequests("memory", new Quantity("128Mi"))
                    .addToLimits("memory", new Quantity("256Mi"))
                .endResources()
                .addToVolumeMounts(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    }

    private static Job job(DMRemediation owner, String name, String id, RemediationSettings s, Container c,
                           List<Volume> volumes, String nodeName, List<Toleration> tolerations, long uid) {
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
                            .withTolerations(tolerations)
                            .withSecurityContext(new PodSecurityContextBuilder()
                                    .withRunAsUser(uid)
                                    .withRunAsNonRoot(uid != 0)
                                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                    .build())
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
