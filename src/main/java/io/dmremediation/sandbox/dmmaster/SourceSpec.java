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
    boolean enableGtid;
    Path relayDir;
    String reportedRelayDir;
    String serverUuid;
    final Map<String, Long> binlogFiles = new LinkedHashMap<>();
    final List<String> tables = new ArrayList<>();
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

    /** Source config {@code enable-relay} (§7): the bound worker runs a relay unit and subtasks read it. */
    public SourceSpec enableRelay(boolean enable) {
        this.enableRelay = enable;
        return this;
    }

    public SourceSpec enableGtid(boolean enable) {
        this.enableGtid = enable;
        return this;
    }

    /** The relay dir on the local disk; by default a directory under the simulator's work dir. */
    public SourceSpec relayDir(Path dir) {
        this.relayDir = dir;
        return this;
    }

    /**
     * The relay dir on the local disk, and the path DM reports for it: the path inside the DM-worker's container
     * (e.g. {@code /var/lib/dm-worker/relay}) when the local directory stands in for the worker's volume.
     */
    public SourceSpec relayDir(Path dir, String asSeenByWorker) {
        this.relayDir = dir;
        this.reportedRelayDir = asSeenByWorker;
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
