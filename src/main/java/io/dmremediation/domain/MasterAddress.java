package io.dmremediation.domain;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * One spelling for a DM-master address, so that the same cluster named two ways ({@code http://m.dm:8261},
 * {@code HTTP://M.dm.svc.cluster.local:8261/}, {@code http://m.dm}) is one cluster for the per-cluster limit and one
 * entry of a Secret's allow-list.
 */
public final class MasterAddress {

    /** DM-master's client port (dm-on-k8s §2). */
    public static final int DEFAULT_PORT = 8261;

    private MasterAddress() {
    }

    /**
     * {@code scheme://host:port}: scheme and host lower-cased, the default port made explicit, a trailing slash,
     * path, user info and query dropped, a Kubernetes Service's {@code .svc[.cluster.local]} suffix cut to
     * {@code <service>.<namespace>}. Empty when it is not an http(s) address with a host.
     */
    public static Optional<String> normalize(String address) {
        return normalize(address, null);
    }

    /**
     * As {@link #normalize(String)}; a one-label host is a Service name relative to {@code namespace} (as a pod's
     * DNS search path resolves it), so it gets that namespace.
     */
    public static Optional<String> normalize(String address, String namespace) {
        if (address == null || address.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(address.strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        for (String suffix : new String[] {".svc.cluster.local", ".svc"}) {
            if (host.endsWith(suffix) && host.substring(0, host.length() - suffix.length()).contains(".")) {
                host = host.substring(0, host.length() - suffix.length());
                break;
            }
        }
        if (namespace != null && !host.contains(".") && !host.equals("localhost") && !host.contains(":")) {
            host = host + "." + namespace.toLowerCase(Locale.ROOT);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT;
        return Optional.of(scheme + "://" + host + ":" + port);
    }
}
