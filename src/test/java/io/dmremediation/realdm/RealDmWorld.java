package io.dmremediation.realdm;

import io.dmremediation.api.Backoff;
import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.ConnectionPolicy;
import io.dmremediation.api.DMClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.Downstream;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.Policies;
import io.dmremediation.api.SecretRef;
import io.dmremediation.api.TaskState;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.dm.DmMasterConnection;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Subtask;
import io.dmremediation.operator.OperatorRunner;
import io.dmremediation.sandbox.DmWorkerPods;
import io.dmremediation.sandbox.KubeWorld;
import io.dmremediation.sandbox.StandInKubelet;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The operator against real DM and a real TiDB, everything on loopback with random ports and temporary
 * directories: the upstream MariaDB with ROW binlog, one dm-master (OpenAPI on), two dm-workers named like the
 * DM-worker pods of DMCluster {@value #CLUSTER} (one is bound to the source, the other is the spare), tidb-server
 * (unistore) as the downstream, source {@value #SOURCE}, a Kubernetes API (fabric8's mock server) with the worker
 * pods, the downstream Secret and the stand-in kubelet running repair Jobs, and the real operator, whose
 * DM-master address is rewritten to the real dm-master.
 *
 * <p>One world per test JVM ({@link #shared()}): DM and TiDB take seconds to start. Tests keep apart by their own
 * task, schema and {@link TcpFaultProxy} link to TiDB.
 */
final class RealDmWorld implements AutoCloseable {

    static final String NAMESPACE = "dm";
    static final String CLUSTER = "basic";
    static final String SOURCE = "mysql-01";
    static final String DOWNSTREAM_SECRET = "tidb-credentials";
    static final String META_SCHEMA = "dm_meta";
    static final String MASTER_URL = "http://" + CLUSTER + "-dm-master." + NAMESPACE + ":8261";

    private static RealDmWorld shared;

    private final Path dir;
    private final DmPeers peers;
    private final UpstreamMariaDb upstream;
    private final TidbServer tidb;
    private final DmCluster dm;
    private final KubeWorld kube;
    private final DmWorkerPods pods;
    private final StandInKubelet kubelet;
    private final String downstreamUser = "dm_target";
    private final String downstreamPassword = token();
    private final String boundWorker;
    private final List<TcpFaultProxy> links = new ArrayList<>();
    private OperatorRunner operator;

    private RealDmWorld() throws IOException, SQLException {
        long t0 = System.nanoTime();
        this.dir = Files.createTempDirectory("dmr-real-dm-");
        this.peers = DmPeers.locate();
        this.upstream = UpstreamMariaDb.start(dir.resolve("upstream"));
        long t1 = System.nanoTime();
        this.tidb = TidbServer.start(peers, dir.resolve("tidb"));
        long t2 = System.nanoTime();
        tidb.createUser(downstreamUser, downstreamPassword);
        List<String> workerNames = List.of(DmWorkerPods.podName(CLUSTER, 0), DmWorkerPods.podName(CLUSTER, 1));
        this.dm = new DmCluster(peers, dir.resolve("dm"), workerNames);
        dm.dmctlOk(sourceYaml(), "operate-source", "create");
        this.boundWorker = boundWorkerOf(SOURCE);
        long t3 = System.nanoTime();
        System.out.printf("real-DM world in %s: MariaDB %d ms, tidb-server %d ms, DM %d ms (%s)%n", dir,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, peers.dmVersion());
        this.kube = KubeWorld.start(0, false);
        kube.createNamespace(NAMESPACE);
        this.pods = new DmWorkerPods(kube.client(), NAMESPACE, CLUSTER, dm::stopWorker, dm::startWorker, 300);
        pods.create(workerNames.size());
        this.kubelet = new StandInKubelet(kube.client(), NAMESPACE, this::claimDir, dir.resolve("kubelet")).start();
        kube.client().resource(new SecretBuilder()
                .withNewMetadata().withName(DOWNSTREAM_SECRET).withNamespace(NAMESPACE).endMetadata()
                .addToStringData("host", tidb.host())
                .addToStringData("port", String.valueOf(tidb.port()))
                .addToStringData("user", downstreamUser)
                .addToStringData("password", downstreamPassword)
                .build()).create();
        startOperator();
    }

    /** The JVM's world, started on first use and stopped when the JVM exits. */
    static synchronized RealDmWorld shared() {
        if (shared == null) {
            try {
                shared = new RealDmWorld();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "real-dm-world-stop"));
        }
        return shared;
    }

    /**
     * The source as a DBA would register it: MariaDB flavour, positions not GTIDs (the operator never edits a
     * checkpoint in GTID mode), and DM's auto-resume off, so a paused task stays paused until someone acts: the
     * situation the FAQ's procedures are for, and no race between DM's retry and the operator in the tests.
     */
    private String sourceYaml() {
        return "source-id: " + SOURCE + "\n"
                + "flavor: mariadb\n"
                + "enable-gtid: false\n"
                + "from:\n"
                + "  host: 127.0.0.1\n"
                + "  port: " + upstream.port() + "\n"
                + "  user: " + UpstreamMariaDb.DM_USER + "\n"
                + "  password: \"" + upstream.dmPassword() + "\"\n"
                + "checker:\n"
                + "  check-enable: false\n";
    }

    private String boundWorkerOf(String source) {
        for (var w : dm.get("/api/v1/cluster/workers").path("data")) {
            if (source.equals(w.path("bound_source_name").asText())) {
                return w.path("name").asText();
            }
        }
        throw new IllegalStateException("source " + source + " is bound to no worker");
    }

    /** A DM-worker pod's volume is its process's working directory. */
    private Path claimDir(String claim) {
        String pod = claim.substring(DmWorkerPods.VOLUME.length() + 1);
        return dm.workerDir(pod);
    }

    // ------------------------------------------------------------------------------------------ operator

    private void startOperator() {
        // DM-master answers start-task only after polling the worker up to ten times a second apart
        DmHttpSettings http = DmHttpSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(2))
                .withRequestTimeout(Duration.ofSeconds(40));
        String real = dm.masterUrl();
        operator = OperatorRunner.start(OperatorRunner.Options.defaults(kube.client(),
                        url -> DmMasterClients.connect(url, http))
                .withServerSideApply(false)
                .withNamespaces(Set.of(NAMESPACE))
                .withJobImage("ghcr.io/dmremediation/dm-remediation-operator:real-dm")
                .withAddressRewrite(url -> MASTER_URL.equals(url) ? real : url));
    }

    /** The operator's own client, for tests that read DM the way the operator does. */
    DmMasterConnection dmClient() {
        return DmMasterClients.connect(dm.masterUrl(), DmHttpSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(40)));
    }

    /**
     * A DMRemediation guarding the tasks, with intervals made for a test. Created {@code paused}: the operator
     * diagnoses and reports but does not act until {@link #resume(String)}, so a test can see DM's real error
     * before the fix starts.
     */
    DMRemediation remediation(String name, List<String> tasks, boolean paused) {
        DMRemediation r = new DMRemediation();
        r.getMetadata().setName(name);
        r.getMetadata().setNamespace(NAMESPACE);
        DMRemediationSpec spec = new DMRemediationSpec();
        spec.cluster = new ClusterRef();
        spec.cluster.dmClusterRef = new DMClusterRef();
        spec.cluster.dmClusterRef.name = CLUSTER;
        spec.tasks = new ArrayList<>(tasks);
        spec.pollInterval = "1s";
        spec.verifyTimeout = "90s";
        spec.healthyResetAfter = "10m";
        spec.paused = paused;
        spec.downstream = new Downstream();
        spec.downstream.secretRef = new SecretRef();
        spec.downstream.secretRef.name = DOWNSTREAM_SECRET;
        spec.backoff = new Backoff();
        spec.backoff.initial = "2s";
        spec.backoff.max = "10s";
        spec.policies = new Policies();
        spec.policies.invalidConnection = new ConnectionPolicy();
        spec.policies.invalidConnection.waitForAutoResume = "2s";
        spec.policies.badConnection = new ConnectionPolicy();
        spec.policies.badConnection.waitForAutoResume = "2s";
        r.setSpec(spec);
        return kube.client().resource(r).create();
    }

    /** DM's own first error of the task's subtask, read through the gateway as the operator reads it. */
    DmError dmError(String task) {
        List<Subtask> subtasks = dmClient().status(List.of(task)).subtasksOf(task);
        if (subtasks.isEmpty() || subtasks.get(0).errors().isEmpty()) {
            throw new IllegalStateException("task " + task + " shows no error in DM: " + subtasks);
        }
        return subtasks.get(0).errors().get(0);
    }

    /** Lets a paused DMRemediation act. */
    void resume(String name) {
        kube.client().resources(DMRemediation.class).inNamespace(NAMESPACE).withName(name).edit(r -> {
            r.getSpec().paused = false;
            return r;
        });
    }

    DMRemediationStatus status(String name) {
        DMRemediation r = kube.client().resources(DMRemediation.class).inNamespace(NAMESPACE).withName(name).get();
        return r == null || r.getStatus() == null ? new DMRemediationStatus() : r.getStatus();
    }

    static TaskState row(DMRemediationStatus s, String task) {
        return s.tasks.stream().filter(t -> task.equals(t.name)).findFirst().orElseThrow();
    }

    /** Until the operator reports the task in this DM stage. */
    void awaitStage(String guard, String task, String stage) {
        ReplicatedSchema.eventually(Duration.ofSeconds(60)).until(() -> stage.equals(row(status(guard), task).stage));
    }

    /** Until the operator has diagnosed the task's error as this class; returns the task's row then. */
    TaskState awaitError(String guard, String task, String errorClass) {
        explained(guard, () -> ReplicatedSchema.eventually(Duration.ofSeconds(90))
                .until(() -> errorClass.equals(row(status(guard), task).errorClass)));
        return row(status(guard), task);
    }

    /** Until the newest history entry is a finished run of the playbook; returns it. */
    HistoryEntry awaitOutcome(String guard, String action) {
        explained(guard, () -> ReplicatedSchema.eventually(Duration.ofSeconds(240)).until(() -> {
            List<HistoryEntry> h = status(guard).history;
            return !h.isEmpty() && action.equals(h.get(0).action) && h.get(0).outcome != null;
        }));
        return status(guard).history.get(0);
    }

    /** A wait that, when it times out, says what the operator's status showed. */
    private void explained(String guard, Runnable wait) {
        try {
            wait.run();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; status of " + guard + ": "
                    + io.fabric8.kubernetes.client.utils.Serialization.asJson(status(guard)), e);
        }
    }

    List<Event> events(String name) {
        return kube.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(e -> String.valueOf(e.getFirstTimestamp())))
                .toList();
    }

    KubernetesClient kubeClient() {
        return kube.client();
    }

    StandInKubelet kubelet() {
        return kubelet;
    }

    // ------------------------------------------------------------------------------------------ DM and data

    DmCluster dm() {
        return dm;
    }

    UpstreamMariaDb upstream() {
        return upstream;
    }

    TidbServer tidb() {
        return tidb;
    }

    String boundWorker() {
        return boundWorker;
    }

    String dmVersion() {
        return peers.dmVersion();
    }

    String downstreamPassword() {
        return downstreamPassword;
    }

    /** A new link DM → TiDB with faults on demand; closed with the world. */
    synchronized TcpFaultProxy link(String name) {
        TcpFaultProxy p = new TcpFaultProxy(name, tidb.port());
        links.add(p);
        return p;
    }

    /**
     * A task replicating schema {@code schema} of the source from the upstream's current position into TiDB at
     * {@code targetPort} (a link, or TiDB itself), incremental, its checkpoint flushed every {@code flushSeconds}
     * (DM's status shows the flushed checkpoint, so a short interval lets it follow closely). Returns the YAML, for
     * dmctl start-task.
     */
    String taskYaml(String task, String schema, int targetPort, int flushSeconds) {
        String file = upstream.currentBinlogFile();
        long pos = masterPosition();
        return "name: " + task + "\n"
                + "task-mode: incremental\n"
                + "meta-schema: " + META_SCHEMA + "\n"
                + "target-database:\n"
                + "  host: 127.0.0.1\n"
                + "  port: " + targetPort + "\n"
                + "  user: " + downstreamUser + "\n"
                + "  password: \"" + downstreamPassword + "\"\n"
                + "mysql-instances:\n"
                + "  - source-id: " + SOURCE + "\n"
                + "    meta:\n"
                + "      binlog-name: " + file + "\n"
                + "      binlog-pos: " + pos + "\n"
                + "    block-allow-list: only-" + schema + "\n"
                + "    syncer-config-name: global\n"
                + "block-allow-list:\n"
                + "  only-" + schema + ":\n"
                + "    do-dbs: [\"" + schema + "\"]\n"
                + "syncers:\n"
                + "  global:\n"
                + "    worker-count: 4\n"
                + "    batch: 100\n"
                + "    checkpoint-flush-interval: " + flushSeconds + "\n";
    }

    private long masterPosition() {
        try (Connection c = upstream.admin(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getLong(2);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Count, sum of ids and a sum of CRC32s of {@code rowText} over the table: equal upstream and downstream. */
    static String digest(Connection c, String table, String rowText) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(id), 0), COALESCE(SUM(CRC32(" + rowText
                     + ")), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3);
        }
    }

    /** The table's digest of rows {@code (id, note)}. */
    String upstreamDigest(String table) {
        return upstreamDigest(table, "CONCAT_WS('|', id, note)");
    }

    String upstreamDigest(String table, String rowText) {
        try (Connection c = upstream.admin()) {
            return digest(c, table, rowText);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The downstream's digest, or the error text while the table is not there yet. */
    String downstreamDigest(String table) {
        return downstreamDigest(table, "CONCAT_WS('|', id, note)");
    }

    String downstreamDigest(String table, String rowText) {
        try (Connection c = tidb.root()) {
            return digest(c, table, rowText);
        } catch (SQLException e) {
            return "error: " + e.getMessage();
        }
    }

    /** {@code SELECT COUNT(*) FROM <from>} on TiDB; -1 while it fails (a table not there yet). */
    long downstreamCount(String from) {
        try (Connection c = tidb.root(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    static String token() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public synchronized void close() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
        links.forEach(TcpFaultProxy::close);
        kubelet.close();
        pods.close();
        kube.close();
        dm.close();
        tidb.close();
        upstream.close();
        if (!Boolean.getBoolean("dmr.keep")) {
            // logs and data of every peer: kept with -Ddmr.keep=true for a look after a failure
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory
        }
    }
}
