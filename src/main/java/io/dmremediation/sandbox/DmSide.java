package io.dmremediation.sandbox;

import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.SourceSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DM side of a world, the same whatever runs its Kubernetes: the DM-master simulator with DMCluster
 * {@value World#CLUSTER}'s two workers and sources, the embedded MariaDB downstream with a user of this world's
 * own, the tasks' meta schema, and the local directories that stand in for the workers' volumes.
 */
public final class DmSide implements AutoCloseable {

    private final Path workDir;
    private final EmbeddedMariaDb db;
    private final String downstreamUser;
    private final String downstreamPassword;
    private final String metaSchema;
    private final DmMasterSimulator dm;

    private DmSide(SandboxWorld.Builder b, Path workDir, InetAddress bind, int port) throws SQLException {
        this.workDir = workDir;
        this.db = b.database ? EmbeddedMariaDb.shared() : null;
        this.downstreamUser = "dm_" + randomToken(6).toLowerCase();
        this.downstreamPassword = randomToken(16);
        // worlds in one JVM share the MariaDB: each gets its own meta schema unless told otherwise
        this.metaSchema = b.metaSchema != null ? b.metaSchema : "dm_meta_" + randomToken(3);
        String w0 = DmWorkerPods.podName(World.CLUSTER, 0);
        String w1 = DmWorkerPods.podName(World.CLUSTER, 1);
        String w2 = DmWorkerPods.podName(World.CLUSTER, 2);
        DmMasterSimulator.Builder sim = DmMasterSimulator.builder()
                .bindAddress(bind)
                .port(port)
                .openApi(b.openApi)
                .version(b.version)
                .clusterName(World.CLUSTER)
                .workDir(workDir.resolve("dm-master"))
                .tickInterval(b.tick)
                .autoResumeCheckInterval(b.autoResumeCheck)
                .autoResumeBackoff(b.autoResumeMin, b.autoResumeMax)
                .checkpointFlushInterval(b.flush)
                .worker(w0, w0 + "." + World.CLUSTER + "-dm-worker-peer:8262")
                .worker(w1, w1 + "." + World.CLUSTER + "-dm-worker-peer:8262")
                .keepaliveTtl(b.keepaliveTtl, b.keepaliveTtl)
                .source(SourceSpec.source(World.SOURCE_1).boundTo(w0).enableGtid(b.gtidOnSource1)
                        .binlogFile("mysql-bin.000001", 1L << 20)
                        .binlogFile("mysql-bin.000002", 4L << 20)
                        .binlogFile("mysql-bin.000003", 64L << 10)
                        .tables("shop.orders", "shop.items", "shop.customers"))
                .source(relayMode(SourceSpec.source(World.SOURCE_2).boundTo(w1), b.relayMode, w1)
                        .relayBinlogName("mysql-bin.000001")
                        .relayDirPerWorker(w -> claimDir(DmWorkerPods.claimName(w)).resolve("relay"), b.relayDirOfSource2)
                        .binlogFile("mysql-bin.000001", 1L << 20)
                        .binlogFile("mysql-bin.000002", 4L << 20)
                        .binlogFile("mysql-bin.000003", 64L << 10)
                        .tables("crm.accounts", "crm.contacts"));
        if (b.spareWorker) {
            // a free DM-worker: DM-master binds a source whose worker went away to it at once (dm-facts §7.4)
            sim.worker(w2, w2 + "." + World.CLUSTER + "-dm-worker-peer:8262");
        }
        if (db != null) {
            db.createUser(downstreamUser, downstreamPassword);
            if (b.checkpointsInDatabase) {
                sim.downstream(db.jdbcUrl(""), downstreamUser, downstreamPassword);
            }
        }
        if (b.dmMasterTls != null) {
            sim.tls(b.dmMasterTls, true);
        }
        this.dm = sim.build();
    }

    private static SourceSpec relayMode(SourceSpec spec, SandboxWorld.RelayMode mode, String worker) {
        return mode == SandboxWorld.RelayMode.SOURCE_CONFIG ? spec.enableRelay(true) : spec.relayWorkers(worker);
    }

    /**
     * Starts the DM side with the world's options; DM-master listens on {@code bind:port} (null and 0: 127.0.0.1
     * and a free port).
     */
    public static DmSide start(SandboxWorld.Builder options, Path workDir, InetAddress bind, int port) {
        try {
            return new DmSide(options, workDir, bind, port);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare the downstream: " + e.getMessage(), e);
        }
    }

    /** The local directory that stands in for a PersistentVolumeClaim's volume. */
    public Path claimDir(String claim) {
        Path dir = workDir.resolve("volumes").resolve(claim);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public DmMasterSimulator dm() {
        return dm;
    }

    public EmbeddedMariaDb database() {
        return db;
    }

    public String metaSchema() {
        return metaSchema;
    }

    public String downstreamPassword() {
        return downstreamPassword;
    }

    /** Secret {@value World#DOWNSTREAM_SECRET} as a user would create it: host, port, user, password. */
    public Secret downstreamSecret(String namespace) {
        return downstreamSecret(namespace, db == null ? "127.0.0.1" : db.host(), db == null ? 4000 : db.port());
    }

    /** The same Secret naming another address of the downstream (a gate in front of it). */
    public Secret downstreamSecret(String namespace, String host, int port) {
        return new SecretBuilder()
                .withNewMetadata().withName(World.DOWNSTREAM_SECRET).withNamespace(namespace).endMetadata()
                .addToStringData("host", host)
                .addToStringData("port", String.valueOf(port))
                .addToStringData("user", downstreamUser)
                .addToStringData("password", downstreamPassword)
                .build();
    }

    /** TiDB Operator's DMCluster resource (the operator reads it by name; it needs get on it). */
    public static final ResourceDefinitionContext DMCLUSTER = new ResourceDefinitionContext.Builder()
            .withGroup("pingcap.com").withVersion("v1alpha1").withKind("DMCluster").withPlural("dmclusters")
            .withNamespaced(true).build();

    /** The DMCluster TiDB Operator would hold for this world; the operator reads its spec.tlsCluster. */
    public static GenericKubernetesResource dmCluster(String namespace, boolean tls) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("version", "v8.5.4");
        spec.put("master", Map.of("replicas", 1, "baseImage", "pingcap/dm"));
        spec.put("worker", Map.of("replicas", 2, "baseImage", "pingcap/dm"));
        spec.put("tlsCluster", Map.of("enabled", tls));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("pingcap.com/v1alpha1").withKind("DMCluster")
                .withNewMetadata().withName(World.CLUSTER).withNamespace(namespace).endMetadata()
                .addToAdditionalProperties("spec", spec).build();
    }

    /** Starts a task on the given sources, as a user would with dmctl start-task. */
    public void startTask(String name, String... sources) {
        dm.startTask(taskYaml(name, false, sources));
    }

    public String taskYaml(String name, boolean safeMode, String... sources) {
        StringBuilder b = new StringBuilder()
                .append("name: ").append(name).append('\n')
                .append("task-mode: incremental\n")
                .append("meta-schema: ").append(metaSchema).append('\n')
                .append("target-database:\n")
                .append("  host: ").append(db == null ? "127.0.0.1" : db.host()).append('\n')
                .append("  port: ").append(db == null ? 4000 : db.port()).append('\n')
                .append("  user: ").append(downstreamUser).append('\n')
                .append("  password: \"").append(downstreamPassword).append("\"\n")
                .append("mysql-instances:\n");
        for (String s : sources) {
            b.append("  - source-id: ").append(s).append('\n')
                    .append("    meta:\n      binlog-name: mysql-bin.000001\n      binlog-pos: 4\n")
                    .append("    syncer-config-name: global\n");
        }
        b.append("syncers:\n  global:\n    worker-count: 16\n    batch: 100\n    safe-mode: ").append(safeMode).append('\n');
        return b.toString();
    }

    @Override
    public void close() {
        dm.close();
    }

    static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }
}
