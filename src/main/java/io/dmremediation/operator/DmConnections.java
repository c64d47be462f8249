package io.dmremediation.operator;

import io.dmremediation.dm.DmMaster;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One DM-master client per URL, shared by every resource on that cluster. {@code rewrite} maps an in-cluster URL
 * to one this process can reach (the sandbox serves DM-master on a local port).
 */
public final class DmConnections {

    private final Function<String, DmMaster> factory;
    private final Function<String, String> rewrite;
    private final Map<String, DmMaster> clients = new ConcurrentHashMap<>();

    public DmConnections(Function<String, DmMaster> factory, Function<String, String> rewrite) {
        this.factory = factory;
        this.rewrite = rewrite;
    }

    public DmMaster get(String url) {
        return clients.computeIfAbsent(url, u -> factory.apply(rewrite.apply(u)));
    }
}
