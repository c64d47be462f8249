package io.dmremediation.sandbox;

import io.dmremediation.api.Backoff;
import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.ConnectionPolicy;
import io.dmremediation.api.DMClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.Downstream;
import io.dmremediation.api.Policies;
import io.dmremediation.api.SecretRef;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.operator.OperatorRunner;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.DmVersion;
import io.dmremediation.sandbox.dmmaster.SourceSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The in-process world the sandbox, the tests and the benchmarks share: a Kubernetes API (fabric8's mock server
 * in CRUD mode, CRD installed), the DM-worker pods of DMCluster {@value #CLUSTER} as TiDB Operator lays them out,
 * the DM-master simulator, an embedded MariaDB downstream with real {@code dm_meta} tables, the stand-in kubelet
 * that runs repair Jobs, and the real operator against all that.
 *
 * <p>Sources: {@value #SOURCE_1} bound to worker 0 reads the upstream directly; {@value #SOURCE_2} bound to worker 1
 * runs a relay log in {@code /var/lib/dm-worker/relay} on that worker's volume.
 */
public final class SandboxWorld implements AutoCloseable {

    public static final String NAMESPACE = "dm";
    public static final String CLUSTER = "basic";
    public static final String SOURCE_1 = "mysql-01";
    public static final String SOURCE_2 = "mysql-02";
    public static final String DOWNSTREAM_SECRET = "tidb-credentials";
    public static final String RELAY_DIR_IN_POD = DmWorkerPods.MOUNT_PATH + "/relay";
    /** The DM-master URL the operator derives from the DMCluster reference. */
    public static final String MASTER_URL = "http://" + CLUSTER + "-dm-master." + NAMESPACE + ":8261";
    /** The same with TLS on the DMCluster (spec.tlsCluster.enabled). */
    public static final String MASTER_URL_TLS = MASTER_URL.replaceFirst("^http:", "https:");

    private final Path workDir;
    private final KubeWorld kube;
    private final DmMasterSimulator dm;
    private final EmbeddedMariaDb db;
    private final String downstreamUser;
    private final String downstreamPassword;
    private final String metaSchema;
    private final DmWorkerPods pods;
    private final StandInKubelet kubelet;
    private final DownstreamGate gate;
    private final Builder options;
    private OperatorRunner operator;

    private SandboxWorld(Builder b) throws IOException, SQLException {
        this.options = b;
        this.workDir = Files.createTempDirectory("dmr-sandbox-");
        this.kube = KubeWorld.start(b.kubePort, b.kubectl);
        kube.createNamespace(NAMESPACE);
        this.db = b.database ? EmbeddedMariaDb.shared() : null;
        this.downstreamUser = "dm_" + randomToken(6).toLowerCase();
        this.downstreamPassword = randomToken(16);
        // worlds in one JVM share the MariaDB: each gets its own meta schema unless told otherwise
        this.metaSchema = b.metaSchema != null ? b.metaSchema : "dm_meta_" + randomToken(3);
        String w0 = DmWorkerPods.podName(CLUSTER, 0);
        String w1 = DmWorkerPods.podName(CLUSTER, 1);
        DmMasterSimulator.Builder sim = DmMasterSimulator.builder()
                .openApi(b.openApi)
                .version(b.version)
                .clusterName(CLUSTER)
                .workDir(workDir.resolve("dm-master"))
                .tickInterval(b.tick)
                .autoResumeCheckInterval(b.autoResumeCheck)
                .autoResumeBackoff(b.autoResumeMin, b.autoResumeMax)
                .checkpointFlushInterval(b.flush)
                .worker(w0, w0 + "." + CLUSTER + "-dm-worker-peer:8262")
                .worker(w1, w1 + "." + CLUSTER + "-dm-worker-peer:8262")
                .source(SourceSpec.source(SOURCE_1).boundTo(w0).enableGtid(b.gtidOnSource1)
                        .binlogFile("mysql-bin.000001", 1L << 20)
                        .binlogFile("mysql-bin.000002", 4L << 20)
                        .binlogFile("mysql-bin.000003", 64L << 10)
                        .tables("shop.orders", "shop.items", "shop.customers"))
                .source(SourceSpec.source(SOURCE_2).boundTo(w1).enableRelay(true)
                        .relayDir(claimDir(DmWorkerPods.claimName(w1)).resolve("relay"), b.relayDirOfSource2)
                        .binlogFile("mysql-bin.000001", 1L << 20)
                        .binlogFile("mysql-bin.000002", 4L << 20)
                        .binlogFile("mysql-bin.000003", 64L << 10)
                        .tables("crm.accounts", "crm.contacts"));
        if (db != null) {
            db.createUser(downstreamUser, downstreamPassword);
            if (b.checkpointsInDatabase) {
                sim.downstream(db.jdbcUrl(""), downstreamUser, downstreamPassword);
            }
        }
        // the repair Jobs reach the downstream through a gate the world can shut (downstreamAway)
        this.gate = db == null || !b.downstreamGate ? null : new DownstreamGate(db.host(), db.port());
        if (b.dmMasterTls != null) {
            sim.tls(b.dmMasterTls, true);
        }
        this.dm = sim.build();
        this.pods = new DmWorkerPods(kube.client(), NAMESPACE, CLUSTER, dm::stopWorker, dm::startWorker,
                b.podRecreateDelay.toMillis());
        pods.create(2);
        createDmCluster(b.dmMasterTls != null);
        this.kubelet = new StandInKubelet(kube.client(), NAMESPACE, this::claimDir, workDir.resolve("kubelet")).start();
        kube.client().resource(new SecretBuilder()
                .withNewMetadata().withName(DOWNSTREAM_SECRET).withNamespace(NAMESPACE).endMetadata()
                .addToStringData("host", gate != null ? gate.host() : db == null ? "127.0.0.1" : db.host())
                .addToStringData("port", String.valueOf(gate != null ? gate.port() : db == null ? 4000 : db.port()))
                .addToStringData("user", downstreamUser)
                .addToStringData("password", downstreamPassword)
                .build()).create();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The DMCluster TiDB Operator would hold for this world; the operator reads its spec.tlsCluster. */
    private void createDmCluster(boolean tls) {
        java.util.Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("version", "v8.5.4");
        spec.put("master", java.util.Map.of("replicas", 1, "baseImage", "pingcap/dm"));
        spec.put("worker", java.util.Map.of("replicas", 2, "baseImage", "pingcap/dm"));
        spec.put("tlsCluster", java.util.Map.of("enabled", tls));
        io.fabric8.kubernetes.api.model.GenericKubernetesResource dc =
                new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                        .withApiVersion("pingcap.com/v1alpha1").withKind("DMCluster")
                        .withNewMetadata().withName(CLUSTER).withNamespace(NAMESPACE).endMetadata()
                        .addToAdditionalProperties("spec", spec).build();
        kube.client().genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                        .withGroup("pingcap.com").withVersion("v1alpha1").withKind("DMCluster").withPlural("dmclusters")
                        .withNamespaced(true).build())
                .inNamespace(NAMESPACE).resource(dc).create();
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

    // ------------------------------------------------------------------------------------------ operator

    /** Starts the real operator against this world (again, after {@link #stopOperator()}). */
    public OperatorRunner startOperator() {
        return startOperator(UnaryOperator.identity());
    }

    public OperatorRunner startOperator(UnaryOperator<OperatorRunner.Options> customize) {
        if (operator != null) {
            throw new IllegalStateException("the operator already runs");
        }
        operator = OperatorRunner.start(customize.apply(operatorOptions()));
        return operator;
    }

    /** Options for an operator in this world; a second replica uses these too. */
    public OperatorRunner.Options operatorOptions() {
        DmHttpSettings http = DmHttpSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1))
                .withRequestTimeout(options.dmRequestTimeout);
        String local = dm.url();
        return OperatorRunner.Options.defaults(kube.client(), url -> DmMasterClients.connect(url, http))
                .withTlsDmFactory((url, ctx) -> DmMasterClients.connect(url, http.withSslContext(ctx)))
                .withServerSideApply(false)
                .withNamespaces(java.util.Set.of(NAMESPACE))
                .withJobImage("ghcr.io/dmremediation/dm-remediation-operator:sandbox")
                .withAddressRewrite(url -> MASTER_URL.equals(url) || MASTER_URL_TLS.equals(url) ? local : url)
                .withTiming(TIMING);
    }

    /**
     * The engine's waits, shortened like everything else in this world: a task that cannot be started again is
     * declared left stopped after about 20 s of tries instead of about 5 min.
     */
    public static final io.dmremediation.playbook.EngineTiming TIMING = new io.dmremediation.playbook.EngineTiming(
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));

    /** Stops the operator as a crash would: mid-step, without finishing anything. */
    public void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }

    public OperatorRunner operator() {
        return operator;
    }

    // ------------------------------------------------------------------------------------------ DM

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

    public DmMasterSimulator dm() {
        return dm;
    }

    /**
     * The downstream goes away (a TiDB restart, a rolling upgrade): the repair Jobs cannot reach it (the gate in front
     * of the database is shut) and every running subtask pauses with {@code invalid connection}, resumes failing
     * until {@link #downstreamBack}. Needs the database.
     */
    public void downstreamAway() {
        requireGate().shut();
        dm.downstreamDown();
    }

    /** The downstream is back; DM's auto-resume recovers every task but {@code stayPaused}, which need a restart. */
    public void downstreamBack(java.util.Collection<String> stayPaused) {
        dm.downstreamBack(stayPaused);
        requireGate().open();
    }

    private DownstreamGate requireGate() {
        if (gate == null) {
            throw new IllegalStateException("build the world with a database and downstreamGate(true) to take the "
                    + "downstream away");
        }
        return gate;
    }

    // ------------------------------------------------------------------------------------------ Kubernetes

    public KubernetesClient client() {
        return kube.client();
    }

    public KubeWorld kube() {
        return kube;
    }

    public StandInKubelet kubelet() {
        return kubelet;
    }

    public DmWorkerPods pods() {
        return pods;
    }

    /** The meta schema of the tasks this world starts (DM's {@code meta-schema}). */
    public String metaSchema() {
        return metaSchema;
    }

    /** The downstream password the Secret holds: tests check it never shows up where it must not. */
    public String downstreamPassword() {
        return downstreamPassword;
    }

    public EmbeddedMariaDb database() {
        return db;
    }

    /**
     * A DMRemediation next to DMCluster {@value #CLUSTER} guarding the tasks, with short intervals so a scenario
     * plays out in seconds.
     */
    public DMRemediation remediation(String name, String... tasks) {
        DMRemediation r = new DMRemediation();
        r.getMetadata().setName(name);
        r.getMetadata().setNamespace(NAMESPACE);
        DMRemediationSpec spec = new DMRemediationSpec();
        spec.cluster = new ClusterRef();
        spec.cluster.dmClusterRef = new DMClusterRef();
        spec.cluster.dmClusterRef.name = CLUSTER;
        spec.tasks = new ArrayList<>(List.of(tasks));
        spec.pollInterval = "1s";
        spec.verifyTimeout = "30s";
        spec.healthyResetAfter = "1m";
        spec.downstream = new Downstream();
        spec.downstream.secretRef = new SecretRef();
        spec.downstream.secretRef.name = DOWNSTREAM_SECRET;
        spec.backoff = new Backoff();
        spec.backoff.initial = "2s";
        spec.backoff.max = "10s";
        spec.policies = new Policies();
        spec.policies.invalidConnection = new ConnectionPolicy();
        spec.policies.invalidConnection.waitForAutoResume = "4s";
        spec.policies.invalidConnection.pauseWindow = "1m";
        spec.policies.badConnection = new ConnectionPolicy();
        spec.policies.badConnection.waitForAutoResume = "2s";
        r.setSpec(spec);
        return r;
    }

    public DMRemediation apply(DMRemediation r) {
        return kube.client().resource(r).createOr(x -> x.update());
    }

    public DMRemediation get(String name) {
        return kube.client().resources(DMRemediation.class).inNamespace(NAMESPACE).withName(name).get();
    }

    /** The resource's status; an empty one while it has none or is gone, so a wait can simply ask again. */
    public DMRemediationStatus status(String name) {
        DMRemediation r = get(name);
        return r == null || r.getStatus() == null ? new DMRemediationStatus() : r.getStatus();
    }

    /** Events on the resource, oldest first. */
    public List<Event> events(String name) {
        return kube.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(e -> String.valueOf(e.getFirstTimestamp())))
                .toList();
    }

    @Override
    public void close() {
        stopOperator();
        if (gate != null) {
            gate.close();
        }
        kubelet.close();
        pods.close();
        dm.close();
        kube.close();
    }

    private static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }

    /** Knobs; the defaults make scenarios play out in seconds. */
    public static final class Builder {
        boolean openApi = true;
        DmVersion version = DmVersion.V8_5;
        boolean database = true;
        boolean checkpointsInDatabase = true;
        boolean downstreamGate;
        boolean kubectl = false;
        int kubePort = 0;
        Duration tick = Duration.ofMillis(50);
        Duration autoResumeCheck = Duration.ofMillis(200);
        Duration autoResumeMin = Duration.ofMillis(200);
        Duration autoResumeMax = Duration.ofSeconds(2);
        Duration flush = Duration.ofMillis(300);
        Duration podRecreateDelay = Duration.ofMillis(300);
        Duration dmRequestTimeout = Duration.ofSeconds(3);
        boolean gtidOnSource1 = false;
        String metaSchema;
        javax.net.ssl.SSLContext dmMasterTls;

        /**
         * DM-master serves https with this context and requires client certificates signed by its CA, and the
         * DMCluster says spec.tlsCluster.enabled: true (the client Secret is the caller's to create).
         */
        public Builder dmMasterTls(javax.net.ssl.SSLContext serverContext) {
            this.dmMasterTls = serverContext;
            return this;
        }

        /** The tasks' meta schema; default: one of the world's own, so worlds sharing the database do not meet. */
        public Builder metaSchema(String schema) {
            this.metaSchema = schema;
            return this;
        }

        String relayDirOfSource2 = RELAY_DIR_IN_POD;

        /** Source {@value #SOURCE_1} runs with {@code enable-gtid: true}. */
        public Builder gtidOnSource1(boolean on) {
            this.gtidOnSource1 = on;
            return this;
        }

        /** The relay-dir source {@value #SOURCE_2}'s config names (as the DM-worker sees it). */
        public Builder relayDirOfSource2(String dir) {
            this.relayDirOfSource2 = dir;
            return this;
        }

        public Builder openApi(boolean on) {
            this.openApi = on;
            return this;
        }

        public Builder version(DmVersion v) {
            this.version = v;
            return this;
        }

        /** Without a database the simulator keeps checkpoints in memory (no checkpoint fixes possible). */
        public Builder database(boolean on) {
            this.database = on;
            return this;
        }

        /**
         * With the database: whether the simulator keeps DM's checkpoints in it (default) or in memory (thousands of
         * tasks, nothing to fix in a checkpoint), the database then serving only the repair Jobs' credentials checks.
         */
        public Builder checkpointsInDatabase(boolean on) {
            this.checkpointsInDatabase = on;
            return this;
        }

        /** The downstream Secret names a gate in front of the database, which {@link #downstreamAway()} shuts. */
        public Builder downstreamGate(boolean on) {
            this.downstreamGate = on;
            return this;
        }

        /** Serve what a real kubectl asks for (discovery, Table, filtered events). */
        public Builder kubectl(boolean on) {
            this.kubectl = on;
            return this;
        }

        public Builder kubePort(int port) {
            this.kubePort = port;
            return this;
        }

        public Builder autoResume(Duration check, Duration min, Duration max) {
            this.autoResumeCheck = check;
            this.autoResumeMin = min;
            this.autoResumeMax = max;
            return this;
        }

        /**
         * The simulator's clock tick and checkpoint-flush interval (defaults 50 ms and 300 ms make scenarios quick;
         * a world with thousands of subtasks wants DM's own pace).
         */
        public Builder simulatorTiming(Duration tick, Duration flush) {
            this.tick = tick;
            this.flush = flush;
            return this;
        }

        public Builder dmRequestTimeout(Duration d) {
            this.dmRequestTimeout = d;
            return this;
        }

        public SandboxWorld build() {
            try {
                return new SandboxWorld(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SQLException e) {
                throw new IllegalStateException("could not prepare the downstream: " + e.getMessage(), e);
            }
        }
    }
}
