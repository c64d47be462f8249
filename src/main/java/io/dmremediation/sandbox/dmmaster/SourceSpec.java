package io.dmremediation.sandbox.dmmaster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a simulated upstream source is set up: the worker it is bound to, relay settings and dir, the upstream
 * server UUID, the binlog files (name and size; a size over 4 GiB makes an over-4 GB file) and the tables the
 * simulator writes table checkpoints for.
 */
public final class SourceSpec {

    final String id;
    String worker;
    boolean enableRelay;
    final List<String> relayWorkers = new ArrayList<>();
    /** The relay dir on each worker's disk; null: under the simulator's work dir. */
    java.util.function.Function<String, Path> relayDirOf;
    boolean enableGtid;
    Path relayDir;
    String reportedRelayDir;
    String serverUuid;
    final Map<String, Long> binlogFiles = new LinkedHashMap<>();
    final List<String> tables = new ArrayList<>();
    String relayBinlogName;
    String host = "127.0.0.1";
    int port = 3306;
    String user = "root";

    private SourceSpec(String id) {
        this.id = id;
        this.serverUuid = UUID.nameUUIDFromBytes(("dm-sim-" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    /** A source with two small binlog files ({@code mysql-bin.000001}, {@code .000002}) and one table. */
    public static SourceSpec source(String id) {
        return new SourceSpec(id);
    }

    /** The worker (pod name) the source is bound to while that worker runs. */
    public SourceSpec boundTo(String workerName) {
        this.worker = workerName;
        return this;
    }

    /**
     * Source config {@code enable-relay} (§7.1, source-config mode): the bound worker, whichever it is, runs a relay
     * unit and the subtasks read it.
     */
    public SourceSpec enableRelay(boolean enable) {
        this.enableRelay = enable;
        return this;
    }

    /**
     * Named relay workers (§7.1, {@code start-relay -s src w…}): each runs a relay unit for the source, bound or not;
     * the subtasks read the bound one's.
     */
    public SourceSpec relayWorkers(String... workers) {
        relayWorkers.clear();
        relayWorkers.addAll(List.of(workers));
        return this;
    }

    public SourceSpec enableGtid(boolean enable) {
        this.enableGtid = enable;
        return this;
    }

    /**
     * The relay dir on the local disk, the same for every worker (a disk they share); by default each worker has one
     * under the simulator's work dir.
     */
    public SourceSpec relayDir(Path dir) {
        this.relayDir = dir;
        this.relayDirOf = w -> dir;
        return this;
    }

    /**
     * Each worker's relay dir on the local disk (its own volume), and the path DM reports for it (the path inside
     * the DM-worker's container, e.g. {@code /var/lib/dm-worker/relay}).
     */
    public SourceSpec relayDirPerWorker(java.util.function.Function<String, Path> dirOfWorker, String asSeenByWorker) {
        this.relayDirOf = dirOfWorker;
        this.reportedRelayDir = asSeenByWorker;
        return this;
    }

    /**
     * The relay dir on the local disk, and the path DM reports for it: the path inside the DM-worker's container
     * (e.g. {@code /var/lib/dm-worker/relay}) when the local directory stands in for the worker's volume.
     */
    public SourceSpec relayDir(Path dir, String asSeenByWorker) {
        relayDir(dir);
        this.reportedRelayDir = asSeenByWorker;
        return this;
    }

    /**
     * Source config {@code relay-binlog-name}: where a relay starts when no subtask has a checkpoint yet; without
     * it DM starts at the upstream's current file (§7.2).
     */
    public SourceSpec relayBinlogName(String file) {
        this.relayBinlogName = file;
        return this;
    }

    public SourceSpec serverUuid(String uuid) {
        this.serverUuid = uuid;
        return this;
    }

    /** Adds an upstream binlog file, in order; the last one is where the master writes. */
    public SourceSpec binlogFile(String name, long size) {
        binlogFiles.put(name, size);
        return this;
    }

    /** Upstream tables ({@code schema.table}) that get a table checkpoint row each. */
    public SourceSpec tables(String... schemaDotTable) {
        tables.clear();
        for (String t : schemaDotTable) {
            if (!t.contains(".")) {
                throw new IllegalArgumentException("expected schema.table: " + t);
            }
            tables.add(t);
        }
        return this;
    }

    public SourceSpec upstream(String host, int port, String user) {
        this.host = host;
        this.port = port;
        this.user = user;
        return this;
    }
}
