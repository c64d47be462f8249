package io.dmremediation.playbook;

import io.dmremediation.domain.MasterAddress;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The user's downstream Secret (keys host, port, user, password). The operator reads only the password, and only to
 * put it back into a task config: DM-master returns task configs with the downstream password masked as
 * {@code ******} (its GetCfg does so on purpose), and a task started from that would be refused by the downstream.
 */
public final class DownstreamSecret implements DownstreamCredentials {

    private final KubernetesClient client;
    private final String namespace;

    public DownstreamSecret(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Why the Secret cannot be used, or empty when it has a password. */
    @Override
    public Optional<String> problem(String name) {
        if (name == null) {
            return Optional.of("spec.downstream.secretRef is not set: DM-master hides the downstream password in the "
                    + "task config it returns, so the operator needs it from a Secret to start a task again");
        }
        Secret s = client.secrets().inNamespace(namespace).withName(name).get();
        if (s == null) {
            return Optional.of("the downstream Secret " + namespace + "/" + name + " does not exist");
        }
        if (value(s, "password").isEmpty() || value(s, "user").isEmpty() || value(s, "host").isEmpty()) {
            return Optional.of("the downstream Secret " + namespace + "/" + name
                    + " must have the keys host, user and password (port is optional)");
        }
        return Optional.empty();
    }

    /** The Secret key that lists the DM-master addresses the password may be sent to (start-task carries it). */
    public static final String ALLOWED_MASTERS = "dm-master-addresses";

    /**
     * Why the password must not go to {@code masterUrl}, or empty when the Secret lists that address (normalised:
     * scheme, host, port; comma- or whitespace-separated) under {@link #ALLOWED_MASTERS}. A start-task sends the
     * password to DM-master, and spec.cluster.masterAddress may name any host: whoever may edit a DMRemediation must
     * not be able to send the namespace's database password to a host of their choice.
     */
    @Override
    public Optional<String> masterNotAllowed(String name, String masterUrl) {
        String wanted = MasterAddress.normalize(masterUrl, namespace).orElse(masterUrl);
        Secret s = name == null ? null : client.secrets().inNamespace(namespace).withName(name).get();
        Optional<String> list = s == null ? Optional.empty() : value(s, ALLOWED_MASTERS);
        if (list.isPresent()) {
            for (String entry : list.get().split("[,\\s]+")) {
                if (!entry.isBlank() && wanted.equals(MasterAddress.normalize(entry, namespace).orElse(null))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("spec.cluster.masterAddress " + masterUrl + " is not listed under the key "
                + ALLOWED_MASTERS + " of the downstream Secret " + namespace + "/" + name + ": the operator sends "
                + "the downstream password to DM-master in start-task only to addresses the Secret allows");
    }

    @Override
    public Optional<String> password(String name) {
        Secret s = client.secrets().inNamespace(namespace).withName(name).get();
        return s == null ? Optional.empty() : value(s, "password");
    }

    private static Optional<String> value(Secret s, String key) {
        if (s.getData() != null && s.getData().get(key) != null) {
            return Optional.of(new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8));
        }
        if (s.getStringData() != null && s.getStringData().get(key) != null) {
            return Optional.of(s.getStringData().get(key));
        }
        return Optional.empty();
    }
}
