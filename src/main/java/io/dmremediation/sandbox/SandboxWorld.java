package io.dmremediation.sandbox;

import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.operator.OperatorRunner;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.DmVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The in-process world the sandbox, the tests and the benchmarks share: a Kubernetes API (fabric8's mock server
 * in CRUD mode, CRD installed), the DM-worker pods of DMCluster {@value #CLUSTER} as TiDB Operator lays them out
 * (two bound to a source each and, by default, a spare one),
 * the DM side ({@link DmSide}: the DM-master simulator and an embedded MariaDB downstream with real {@code dm_meta}
 * tables), the stand-in kubelet that runs repair Jobs, and the real operator against all that, in this process.
 *
 * <p>Sources: {@value #SOURCE_1} bound to worker 0 reads the upstream directly; {@value #SOURCE_2} bound to worker 1
 * runs a relay log in {@code /var/lib/dm-worker/relay} on the volume of the worker it is bound to (its config's
 * {@code enable-relay: true}, or worker 1 as a named relay worker: {@link Builder#relayMode}).
 */
public final class SandboxWorld implements World {

    public static final String NAMESPACE = "dm";
    /** The DM-master URL the operator derives from the DMCluster reference. */
    public static final String MASTER_URL = "http://" + CLUSTER + "-dm-master." + NAMESPACE + ":8261";
    /** The same with TLS on the DMCluster (spec.tlsCluster.enabled). */
    public static final String MASTER_URL_TLS = MASTER_URL.replaceFirst("^http:", "https:");

    private final KubeWorld kube;
    private final DmSide dmSide;
    private final DmWorkerPods pods;
    private final StandInKubelet kubelet;
    private final DownstreamGate gate;
    private final Builder options;
    private OperatorRunner operator;

    private SandboxWorld(Builder b) throws IOException {
        this.options = b;
        Path workDir = Files.createTempDirectory("dmr-sandbox-");
        this.kube = KubeWorld.start(b.kubePort, b.kubectl);
        kube.createNamespace(NAMESPACE);
        this.dmSide = DmSide.start(b, workDir, null, 0);
        DmMasterSimulator dm = dmSide.dm();
        EmbeddedMariaDb db = dmSide.database();
        // the repair Jobs reach the downstream through a gate the world can shut (downstreamAway)
        this.gate = db == null || !b.downstreamGate ? null : new DownstreamGate(db.host(), db.port());
        this.pods = new DmWorkerPods(kube.client(), NAMESPACE, CLUSTER, dm::stopWorker, dm::startWorker,
                b.podRecreateDelay.toMillis());
        pods.create(b.spareWorker ? 3 : 2);
        createDmCluster(b.dmMasterTls != null);
        this.kubelet = new StandInKubelet(kube.client(), NAMESPACE, this::claimDir, workDir.resolve("kubelet")).start();
        kube.client().resource(gate == null ? dmSide.downstreamSecret(NAMESPACE)
                : dmSide.downstreamSecret(NAMESPACE, gate.host(), gate.port())).create();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How source {@value #SOURCE_2} runs its relay (dm-facts §7.1). */
    public enum RelayMode {
        /** {@code enable-relay: true} in the source config: the bound worker, whichever it is, runs the relay. */
        SOURCE_CONFIG,
        /** {@code start-relay -s mysql-02 basic-dm-worker-1}: a named relay worker (the bound one). */
        NAMED_WORKER
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    /** The DMCluster TiDB Operator would hold for this world; the operator reads its spec.tlsCluster. */
    private void createDmCluster(boolean tls) {
        kube.client().genericKubernetesResources(DmSide.DMCLUSTER).inNamespace(NAMESPACE)
                .resource(DmSide.dmCluster(NAMESPACE, tls)).create();
    }

    /** The local directory that stands in for a PersistentVolumeClaim's volume. */
    public Path claimDir(String claim) {
        return dmSide.claimDir(claim);
    }

    // ------------------------------------------------------------------------------------------ operator

    /** Starts the real operator in this process against this world (again, after {@link #stopOperator()}). */
    @Override
    public void startOperator() {
        startOperator(UnaryOperator.identity());
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
        String local = dmSide.dm().url();
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

    @Override
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

    @Override
    public void startTask(String name, String... sources) {
        dmSide.startTask(name, sources);
    }

    public String taskYaml(String name, boolean safeMode, String... sources) {
        return dmSide.taskYaml(name, safeMode, sources);
    }

    @Override
    public DmMasterSimulator dm() {
        return dmSide.dm();
    }

    /**
     * The downstream goes away (a TiDB restart, a rolling upgrade): the repair Jobs cannot reach it (the gate in front
     * of the database is shut) and every running subtask pauses with {@code invalid connection}, resumes failing
     * until {@link #downstreamBack}. Needs the database.
     */
    public void downstreamAway() {
        requireGate().shut();
        dmSide.dm().downstreamDown();
    }

    /** The downstream is back; DM's auto-resume recovers every task but {@code stayPaused}, which need a restart. */
    public void downstreamBack(java.util.Collection<String> stayPaused) {
        dmSide.dm().downstreamBack(stayPaused);
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

    @Override
    public KubernetesClient client() {
        return kube.client();
    }

    public KubeWorld kube() {
        return kube;
    }

    @Override
    public StandInKubelet kubelet() {
        return kubelet;
    }

    public DmWorkerPods pods() {
        return pods;
    }

    @Override
    public String metaSchema() {
        return dmSide.metaSchema();
    }

    @Override
    public String downstreamPassword() {
        return dmSide.downstreamPassword();
    }

    @Override
    public EmbeddedMariaDb database() {
        return dmSide.database();
    }

    @Override
    public void close() {
        stopOperator();
        if (gate != null) {
            gate.close();
        }
        kubelet.close();
        pods.close();
        dmSide.close();
        kube.close();
    }

    /** Knobs; the defaults make scenarios play out in seconds. */
    public static final class Builder {
        // package-private: DmSide reads the DM side's options, the real-control-plane world passes them on
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
        RelayMode relayMode = RelayMode.SOURCE_CONFIG;
        boolean spareWorker = true;
        Duration keepaliveTtl = Duration.ofSeconds(60);

        /** How {@value #SOURCE_2} runs its relay; default {@code enable-relay: true} in its source config. */
        public Builder relayMode(RelayMode mode) {
            this.relayMode = mode;
            return this;
        }

        /**
         * A third DM-worker, {@code basic-dm-worker-2}, bound to nothing (default on): what DM-master binds a source
         * to when its worker goes away.
         */
        public Builder spareWorker(boolean on) {
            this.spareWorker = on;
            return this;
        }

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
            }
        }
    }
}
