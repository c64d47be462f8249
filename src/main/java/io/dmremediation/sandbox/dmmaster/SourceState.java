package io.dmremediation.sandbox.dmmaster;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * An upstream source as DM-master and its workers know it: its binlog, its stored source config (the relay mode
 * of §7.1 among it), the worker it is bound to, the relay units running for it and the relay dir each worker keeps
 * for it, and the upstream tables the simulator writes table checkpoints for.
 */
final class SourceState {

    record TableRef(String schema, String table) {
        String quoted() {
            return "`" + schema + "`.`" + table + "`";
        }
    }

    final String id;
    final UpstreamBinlog binlog;
    /** Where a worker keeps this source's relay dir on the local disk (its own volume under TiDB Operator). */
    private final Function<String, Path> relayRootOf;
    /** The relay dir as DM-worker names it in configs and errors (its container path in the sandbox). */
    final String reportedRelayDir;
    final String serverUuid;
    final boolean enableGtid;
    final List<TableRef> tables;
    final String host;
    final int port;
    final String user;

    /**
     * Source config {@code enable-relay} as DM-master stores it: the relay runs on whichever worker the source is
     * bound to (§7.1, "source-config mode"); changed by the no-name relay start/stop.
     */
    boolean enableRelay;
    /** Source config {@code relay-binlog-name}, or null. */
    String relayBinlogName;
    /** Named relay workers (DM-master's {@code relayWorkers[source]}, the etcd relay configs; §7.1). */
    final Set<String> relayWorkers = new TreeSet<>();
    /** The worker the source is bound to, or null while unbound. */
    String boundWorker;
    /** DM-master's {@code lastBound}: the worker the source was bound to before (§7.4 rebinding order). */
    String lastBoundWorker;
    /** Relay units of this source by worker: the bound worker's, and those of relay-only (named) workers. */
    final Map<String, RelayUnit> relays = new TreeMap<>();
    private final Map<String, RelayDir> relayDirs = new HashMap<>();

    SourceState(String id, UpstreamBinlog binlog, Function<String, Path> relayRootOf, String reportedRelayDir,
                String serverUuid, boolean enableGtid, List<TableRef> tables, String host, int port, String user,
                boolean enableRelay) {
        this.id = id;
        this.binlog = binlog;
        this.relayRootOf = relayRootOf;
        this.reportedRelayDir = reportedRelayDir;
        this.serverUuid = serverUuid;
        this.enableGtid = enableGtid;
        this.tables = List.copyOf(tables);
        this.host = host;
        this.port = port;
        this.user = user;
        this.enableRelay = enableRelay;
    }

    /** The relay dir this source has on a worker's disk (the dir is created on first use). */
    RelayDir relayDir(String worker) {
        return relayDirs.computeIfAbsent(worker, w -> new RelayDir(relayRootOf.apply(w), serverUuid));
    }

    /** The relay unit on the bound worker, or null. */
    RelayUnit boundRelay() {
        return boundWorker == null ? null : relays.get(boundWorker);
    }

    /** The current relay sub-directory as DM-worker names it in its errors. */
    String reportedSubDirPath(String worker) {
        return reportedRelayDir + "/" + relayDir(worker).subDir();
    }

    /** What DM-master has stored for this source and how it renders it (GetCfg SourceType, §1.2). */
    String yaml(DmVersion version) {
        return ConfigRender.source(this, version);
    }
}
