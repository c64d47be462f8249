package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Task configs saved before a task is stopped, in a Secret (a task config holds the downstream password). The
 * Secret carries a finalizer while its remediation runs, so that even a deleted Secret stays readable until the
 * tasks it holds run again; it is owned by the DMRemediation so nothing outlives the resource. A saved config is
 * never overwritten: the first copy is the config the task had before the operator touched it.
 */
public final class ConfigVault implements SavedConfigs {

    public static final String FINALIZER = "dmremediation.io/saved-config";
    public static final String LABEL_REMEDIATION = "dmremediation.io/remediation-id";
    public static final String LABEL_OWNER = "dmremediation.io/owner";

    private final KubernetesClient client;
    private final DMRemediation owner;

    public ConfigVault(KubernetesClient client, DMRemediation owner) {
        this.client = client;
        this.owner = owner;
    }

    public static String secretName(String remediationId) {
        return "dmr-config-" + remediationId;
    }

    /** Saves the task's config unless a copy is already saved; returns the Secret's name. */
    @Override
    public String save(ActiveRemediation a, String task, String yaml) {
        String name = secretName(a.id);
        String key = key(task);
        Secret existing = secrets().withName(name).get();
        String encoded = Base64.getEncoder().encodeToString(yaml.getBytes(StandardCharsets.UTF_8));
        if (existing == null) {
            Secret secret = new SecretBuilder()
                    .withNewMetadata()
                        .withName(name)
                        .withNamespace(owner.getMetadata().getNamespace())
                        .addToLabels(LABEL_REMEDIATION, a.id)
                        .addToLabels(LABEL_OWNER, owner.getMetadata().getName())
                        .addToLabels("app.kubernetes.io/managed-by", "dm-remediation-operator")
                        .addToAnnotations("dmremediation.io/purpose",
                                "DM task configs saved before the operator stopped the tasks")
                        .addToFinalizers(FINALIZER)
                        .addToOwnerReferences(new OwnerReferenceBuilder()
                                .withApiVersion(owner.getApiVersion())
                                .withKind(owner.getKind())
                                .withName(owner.getMetadata().getName())
                                .withUid(owner.getMetadata().getUid())
                                .build())
                    .endMetadata()
                    .withType("Opaque")
                    .addToData(key, encoded)
                    .build();
            client.resource(secret).create();
            return name;
        }
        if (existing.getData() == null || !existing.getData().containsKey(key)) {
            secrets().withName(name).edit(s -> {
                s.getData().put(key, encoded);
                return s;
            });
        }
        return name;
    }

    /** The saved config, or empty when none was saved for the task. */
    @Override
    public Optional<String> load(ActiveRemediation a, String task) {
        Secret secret = secrets().withName(secretName(a.id)).get();
        if (secret == null || secret.getData() == null) {
            return Optional.empty();
        }
        String value = secret.getData().get(key(task));
        return value == null ? Optional.empty()
                : Optional.of(new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
    }

    @Override
    public boolean has(ActiveRemediation a, String task) {
        Secret secret = secrets().withName(secretName(a.id)).get();
        return secret != null && secret.getData() != null && secret.getData().containsKey(key(task));
    }

    /** The remediation is over: lift the finalizer and delete the Secret. */
    @Override
    public void release(String remediationId) {
        String name = secretName(remediationId);
        Secret secret = secrets().withName(name).get();
        if (secret == null) {
            return;
        }
        List<String> finalizers = secret.getMetadata().getFinalizers();
        if (finalizers != null && finalizers.contains(FINALIZER)) {
            secrets().withName(name).edit(s -> {
                List<String> rest = new ArrayList<>(s.getMetadata().getFinalizers());
                rest.remove(FINALIZER);
                s.getMetadata().setFinalizers(rest);
                return s;
            });
        }
        secrets().withName(name).delete();
    }

    /** The remediation id a saved-config Secret's name carries. */
    public static String remediationIdOf(String secretName) {
        return secretName.startsWith("dmr-config-") ? secretName.substring("dmr-config-".length()) : secretName;
    }

    /** Secret keys allow only [-._a-zA-Z0-9]; base64url keeps any DM task name within that. */
    public static String key(String task) {
        return "task-" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(task.getBytes(StandardCharsets.UTF_8)) + ".yaml";
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Secret, io.fabric8.kubernetes.api.model.SecretList,
            io.fabric8.kubernetes.client.dsl.Resource<Secret>> secrets() {
        return client.secrets().inNamespace(owner.getMetadata().getNamespace());
    }

    static Map<String, String> labels(String id) {
        return Map.of(LABEL_REMEDIATION, id);
    }
}
