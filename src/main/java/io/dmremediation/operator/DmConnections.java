package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.dm.DmMaster;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * One DM-master client per URL (and, over TLS, per version of its Secret), shared by every resource on that
 * cluster. {@code rewrite} maps an in-cluster URL to one this process can reach (the sandbox serves DM-master on a
 * local port).
 */
public final class DmConnections {

    private final Function<String, DmMaster> factory;
    private final BiFunction<String, SSLContext, DmMaster> tlsFactory;
    private final Function<String, String> rewrite;
    private final MasterTls tls;
    private final Map<String, DmMaster> clients = new ConcurrentHashMap<>();

    public DmConnections(Function<String, DmMaster> factory, Function<String, String> rewrite) {
        this(factory, (url, ctx) -> factory.apply(url), rewrite, null);
    }

    DmConnections(Function<String, DmMaster> factory, BiFunction<String, SSLContext, DmMaster> tlsFactory,
                  Function<String, String> rewrite, MasterTls tls) {
        this.factory = factory;
        this.tlsFactory = tlsFactory;
        this.rewrite = rewrite;
        this.tls = tls;
    }

    public DmMaster get(String url) {
        return clients.computeIfAbsent(url, u -> factory.apply(rewrite.apply(u)));
    }

    /**
     * The DM-master of a validated resource, over TLS when its cluster uses TLS (see {@link MasterTls}). Never
     * throws: a TLS Secret that cannot be used gives a DM-master whose every call fails with the reason.
     */
    DmMaster of(DMRemediation r, ClusterTarget target) {
        if (tls == null) {
            return get(target.masterUrl());
        }
        MasterTls.Choice c = tls.choose(r, target);
        if (c.problem() != null) {
            return new UnreachableDmMaster(c.url(), c.problem());
        }
        if (c.context() == null) {
            return get(c.url());
        }
        // a new client when the Secret changes (rotation); the old one is dropped with its connections
        String key = c.url() + "|" + c.fingerprint();
        clients.keySet().removeIf(k -> k.startsWith(c.url() + "|") && !k.equals(key));
        return clients.computeIfAbsent(key, k -> tlsFactory.apply(rewrite.apply(c.url()), c.context()));
    }
}
