package io.dmremediation.operator;

import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.tls.PemTls;
import io.dmremediation.tls.TlsMaterialException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * How to reach a resource's DM-master: http, or https with the CA and client certificate of a Secret.
 * <ul>
 *   <li>{@code dmClusterRef}: {@code spec.cluster.tls.enabled} when set, else the DMCluster's own
 *       {@code spec.tlsCluster.enabled} (read from the API: TiDB Operator then serves DM-master over https). The
 *       Secret is {@code spec.cluster.tls.secretRef}, else TiDB Operator's {@code <cluster>-dm-client-secret}
 *       (pingcap/tidb-operator:pkg/util/util.go DMClientTLSSecretName, release-1.x) with ca.crt, tls.crt, tls.key.</li>
 *   <li>{@code masterAddress}: its scheme; with https, the Secret of {@code tls.secretRef} if given, else the JVM's
 *       trust store and no client certificate.</li>
 * </ul>
 * What it reads is kept for {@link #TTL} (a rotated certificate is used within 15 s), so a poll costs no extra
 * API request. A Secret that is missing or holds unusable certificates is a {@link Choice#problem()}: the resource
 * goes Degraded with that message, nothing is sent in plain text instead.
 */
final class MasterTls {

    static final Duration TTL = Duration.ofSeconds(15);
    static final ResourceDefinitionContext DMCLUSTER = new ResourceDefinitionContext.Builder()
            .withGroup("pingcap.com").withVersion("v1alpha1").withKind("DMCluster").withPlural("dmclusters")
            .withNamespaced(true).build();

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Cached<Boolean>> clusterTls = new ConcurrentHashMap<>();
    private final Map<String, Cached<Material>> secrets = new ConcurrentHashMap<>();

    /**
     * The way to DM-master: its URL, and for https the context (null: the JVM's trust store) with a fingerprint
     * that changes when the Secret does; or the problem that keeps it from being reached.
     */
    record Choice(String url, SSLContext context, String fingerprint, String problem) {
        boolean tls() {
            return url.startsWith("https://");
        }
    }

    private record Cached<T>(T value, String problem, Instant until) {
    }

    private record Material(SSLContext context, String fingerprint) {
    }

    MasterTls(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    Choice choose(DMRemediation r, ClusterTarget target) {
        ClusterRef c = r.getSpec().cluster;
        String ns = r.getMetadata().getNamespace();
        String secret = c.tls != null && c.tls.secretRef != null ? c.tls.secretRef.name : null;
        if (c.dmClusterRef != null) {
            String plain = target.masterUrl();
            boolean tls;
            if (c.tls != null && c.tls.enabled != null) {
                tls = c.tls.enabled;
            } else {
                Cached<Boolean> on = dmClusterTls(ns, c.dmClusterRef.name);
                if (on.problem() != null) {
                    return new Choice(plain, null, "", on.problem());
                }
                tls = on.value();
            }
            if (!tls) {
                return new Choice(plain, null, "", null);
            }
            String https = plain.replaceFirst("^http://", "https://");
            return withSecret(https, ns, secret != null ? secret : c.dmClusterRef.name + "-dm-client-secret");
        }
        String url = target.masterUrl();
        if (!url.startsWith("https://")) {
            return new Choice(url, null, "", null);
        }
        return secret == null ? new Choice(url, null, "jvm", null) : withSecret(url, ns, secret);
    }

    private Choice withSecret(String url, String ns, String name) {
        Cached<Material> m = secrets.compute(ns + "/" + name, (k, old) -> fresh(old) ? old : readSecret(ns, name));
        if (m.problem() != null) {
            return new Choice(url, null, "", m.problem());
        }
        return new Choice(url, m.value().context(), m.value().fingerprint(), null);
    }

    private Cached<Boolean> dmClusterTls(String ns, String name) {
        return clusterTls.compute(ns + "/" + name, (k, old) -> fresh(old) ? old : readDmCluster(ns, name));
    }

    private boolean fresh(Cached<?> c) {
        return c != null && clock.instant().isBefore(c.until());
    }

    private Cached<Boolean> readDmCluster(String ns, String name) {
        Instant until = clock.instant().plus(TTL);
        try {
            GenericKubernetesResource dc = client.genericKubernetesResources(DMCLUSTER).inNamespace(ns)
                    .withName(name).get();
            if (dc == null) {
                // no such DMCluster (or no TiDB Operator): DM-master is whatever answers at its name, over http
                return new Cached<>(false, null, until);
            }
            Object spec = dc.getAdditionalProperties().get("spec");
            Object tlsCluster = spec instanceof Map<?, ?> m ? m.get("tlsCluster") : null;
            Object enabled = tlsCluster instanceof Map<?, ?> t ? t.get("enabled") : null;
            return new Cached<>(Boolean.TRUE.equals(enabled), null, until);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return new Cached<>(false, null, until);
            }
            return new Cached<>(null, "cannot read DMCluster " + ns + "/" + name + " to learn whether its DM-master "
                    + "uses TLS (" + (e.getCode() == 403 ? "forbidden: grant get on dmclusters.pingcap.com, as the "
                    + "chart does" : "HTTP " + e.getCode()) + "); or set spec.cluster.tls.enabled", until);
        }
    }

    private Cached<Material> readSecret(String ns, String name) {
        Instant until = clock.instant().plus(TTL);
        String where = "the DM-master TLS Secret " + ns + "/" + name;
        Secret s;
        try {
            s = client.secrets().inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
            return new Cached<>(null, "cannot read " + where + " (HTTP " + e.getCode() + ")", until);
        }
        if (s == null) {
            return new Cached<>(null, where + " does not exist: DM-master serves TLS, and its CA and a client "
                    + "certificate (ca.crt, tls.crt, tls.key) are needed to reach it", until);
        }
        byte[] ca = value(s, "ca.crt");
        if (ca == null) {
            return new Cached<>(null, where + " has no ca.crt: the CA of DM-master's certificate is needed to verify it",
                    until);
        }
        try {
            SSLContext ctx = PemTls.context(ca, value(s, "tls.crt"), value(s, "tls.key"));
            String version = s.getMetadata() == null ? null : s.getMetadata().getResourceVersion();
            return new Cached<>(new Material(ctx, ns + "/" + name + "@" + (version == null
                    ? Integer.toHexString(java.util.Arrays.hashCode(ca)) : version)), null, until);
        } catch (TlsMaterialException e) {
            return new Cached<>(null, where + ": " + e.getMessage(), until);
        }
    }

    private static byte[] value(Secret s, String key) {
        if (s.getData() != null && s.getData().get(key) != null) {
            return Base64.getDecoder().decode(s.getData().get(key));
        }
        if (s.getStringData() != null && s.getStringData().get(key) != null) {
            return s.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }
}
