package io.dmremediation.sandbox.dmmaster;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A simulated DM-master with its DM-workers, for tests, the sandbox demo and benchmarks. It serves both DM
 * HTTP APIs on {@code 127.0.0.1} ({@link #url()}), models subtasks, relay, auto-resume and checkpoints the way
 * {@code shared/reference/dm-facts.md} describes DM, and lets callers inject the DM FAQ's faults and faults in
 * how DM-master replies. Build one with {@link #builder()}; close it to stop the server and the clock.
 */
public final class DmMasterSimulator implements AutoCloseable {

    static {
        // The JDK's HTTP server sends a reply's headers and its body as two writes; with Nagle's algorithm on, the
        // body waits for the client's delayed ACK of the headers, which added ~45 ms to every request on Linux (a
        // poll asking the gateway about 2,000 failing tasks took 90 s). DM-master, a Go server, sets TCP_NODELAY;
        // so does the simulator. The JDK reads this once, when its first HTTP server starts in the process.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Cluster cluster;
    private final WorkerRuntime workers;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final HttpServer server;
    private final ExecutorService httpExecutor;
    private final RequestLog requestLog = new RequestLog();
    private final FaultTable faults = new FaultTable();
    private final boolean openApi;
    private final Path workDir;
    private final boolean ownsWorkDir;

    private DmMasterSimulator(Builder b) throws IOException {
        CheckpointStore store = b.jdbcUrl == null ? new MemoryCheckpointStore()
                : new JdbcCheckpointStore(b.jdbcUrl, b.jdbcUser, b.jdbcPassword);
        Settings settings = new Settings(b.tick, b.autoResumeCheck, b.backoffMin, b.backoffMax, b.backoffRollback,
                b.checkpointFlush, b.bytesPerTick);
        this.cluster = new Cluster(b.version, settings, store, b.masterName,
                "http://" + b.masterName + "." + b.clusterName + "-dm-master-peer:8291");
        this.workers = new WorkerRuntime(cluster);
        this.scheduler = new Scheduler(cluster, workers);
        this.openApi = b.openApi;
        this.ownsWorkDir = b.workDir == null;
        this.workDir = b.workDir != null ? b.workDir : Files.createTempDirectory("dm-sim-");
        buildTopology(b);

        GatewayApi gateway = new GatewayApi(cluster, scheduler);
        OpenApi open = new OpenApi(cluster, scheduler);
        InetAddress bind = b.bindAddress != null ? b.bindAddress : InetAddress.getLoopbackAddress();
        if (b.tls != null) {
            // DM-master with ssl-ca/ssl-cert/ssl-key serves https on its client port (pingcap/tiflow:dm/master/server.go:179
            // @v8.5.4 builds its TLS config from them, with cert-allowed-cn checking the client's certificate); TiDB
            // Operator's own client always presents the dm-client-secret certificate
            // (pingcap/tidb-operator:pkg/util/crypto/certs.go LoadTlsConfigFromSecret, release-1.x)
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                    new InetSocketAddress(bind, b.port), 0);
            javax.net.ssl.SSLContext context = b.tls;
            boolean clientCert = b.requireClientCert;
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(context) {
                @Override
                public void configure(com.sun.net.httpserver.HttpsParameters params) {
                    javax.net.ssl.SSLParameters p = context.getDefaultSSLParameters();
                    p.setNeedClientAuth(clientCert);
                    params.setSSLParameters(p);
                }
            });
            this.server = https;
        } else {
            this.server = HttpServer.create(new InetSocketAddress(bind, b.port), 0);
        }
        AtomicInteger n = new AtomicInteger();
        this.httpExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dm-sim-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(httpExecutor);
        server.createContext("/", new HttpRouter(gateway, open, openApi, requestLog, faults));
        server.start();
        cluster.clientUrl = (b.tls != null ? "https" : "http") + "://" + server.getAddress().getAddress().getHostAddress()
                + ":" + server.getAddress().getPort();
        this.ticker = new Ticker(cluster, workers);
        ticker.start();
    }

    private void buildTopology(Builder b) {
        long now = System.nanoTime();
        cluster.run(() -> {
            b.workers.forEach((name, addr) -> cluster.workers.put(name, new WorkerState(name,
                    addr != null ? addr : name + "." + b.clusterName + "-dm-worker-peer:8262")));
            for (SourceSpec spec : b.sources) {
                if (spec.worker != null && !cluster.workers.containsKey(spec.worker)) {
                    throw new IllegalArgumentException("source " + spec.id + " is bound to unknown worker " + spec.worker);
                }
                UpstreamBinlog binlog = new UpstreamBinlog();
                if (spec.binlogFiles.isEmpty()) {
                    binlog.append("mysql-bin.000001", 1L << 20);
                    binlog.append("mysql-bin.000002", 64L << 10);
                } else {
                    spec.binlogFiles.forEach(binlog::append);
                }
                List<SourceState.TableRef> tables = new ArrayList<>();
                List<String> names = spec.tables.isEmpty() ? List.of("dmsim.t1") : spec.tables;
                for (String t : names) {
                    int dot = t.indexOf('.');
                    tables.add(new SourceState.TableRef(t.substring(0, dot), t.substring(dot + 1)));
                }
                Path relayRoot = spec.relayDir != null ? spec.relayDir : workDir.resolve(spec.id).resolve("relay");
                SourceState s = new SourceState(spec.id, binlog, new RelayDir(relayRoot, spec.serverUuid),
                        spec.reportedRelayDir, spec.serverUuid, spec.enableGtid, tables, spec.host, spec.port, spec.user, spec.worker,
                        spec.enableRelay);
                cluster.sources.put(spec.id, s);
            }
            // every worker starts as a running process: it binds its sources and starts their relay
            for (String w : cluster.workers.keySet()) {
                cluster.workers.get(w).up = false;
                workers.startWorker(w, now);
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>} (or the address it was told to listen on). */
    public String url() {
        return cluster.clientUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public DmVersion version() {
        return cluster.version;
    }

    public boolean openApiEnabled() {
        return openApi;
    }

    // ---- tasks (Java side, for setting up a world) ---------------------------------------------------------

    /** start-task with this YAML, as the gateway's POST /apis/v1alpha1/tasks does; fails when DM would. */
    public void startTask(String taskYaml) {
        long now = System.nanoTime();
        Scheduler.StartOutcome out = cluster.call(() -> scheduler.startTask(taskYaml, List.of(), false, now));
        if (!out.result()) {
            throw new IllegalStateException("start-task failed: " + out.msg());
        }
    }

    // ---- workers ------------------------------------------------------------------------------------------

    /** Stops a worker process gracefully (units close and flush); its sources show 38029, the worker offline. */
    public void stopWorker(String name) {
        cluster.run(() -> workers.stopWorker(name, true));
    }

    /** Kills a worker process: checkpoints not flushed yet are lost. */
    public void killWorker(String name) {
        cluster.run(() -> workers.stopWorker(name, false));
    }

    /** Starts a worker process: subtasks are re-created from the downstream checkpoints, relay from relay.meta. */
    public void startWorker(String name) {
        long now = System.nanoTime();
        cluster.run(() -> workers.startWorker(name, now));
    }

    public void restartWorker(String name) {
        long now = System.nanoTime();
        cluster.run(() -> {
            workers.stopWorker(name, true);
            workers.startWorker(name, now);
        });
    }

    public boolean workerUp(String name) {
        return cluster.call(() -> requireWorker(name).up);
    }

    /** {@code bound}, {@code free} or {@code offline}, as list-member shows it. */
    public String workerStage(String name) {
        return cluster.call(() -> cluster.workerStage(requireWorker(name)));
    }

    // ---- the FAQ's faults ---------------------------------------------------------------------------------

    /**
     * The subtask pauses with 10006 {@code … execute statement failed: commit}, RawCause
     * {@code invalid connection}; DM's auto-resume resumes it and it fails again {@code recurrences} more times
     * (0: the first resume clears it; {@link Integer#MAX_VALUE}: only re-creating the subtask clears it).
     */
    public void injectInvalidConnection(String task, String source, int recurrences) {
        injectRecurring(task, source, recurrences, ErrorCatalog::invalidConnection);
    }

    /** As {@link #injectInvalidConnection}, with RawCause {@code driver: bad connection}. */
    public void injectBadConnection(String task, String source, int recurrences) {
        injectRecurring(task, source, recurrences, ErrorCatalog::badConnection);
    }

    /**
     * Any error, for look-alikes. Whether DM auto-resumes it follows DM's rules on its content (§5.1);
     * {@code clearsOnResume} says whether the next resume succeeds, or every resume fails again until the
     * subtask is re-created.
     */
    public void injectError(String task, String source, ProcessError error, boolean clearsOnResume) {
        Objects.requireNonNull(error, "error");
        injectRecurring(task, source, clearsOnResume ? 0 : Subtask.InjectedFault.FOREVER, p -> error);
    }

    private void injectRecurring(String task, String source, int recurrences, Function<Position, ProcessError> error) {
        if (recurrences < 0) {
            throw new IllegalArgumentException("recurrences must be >= 0");
        }
        long now = System.nanoTime();
        cluster.run(() -> {
            Subtask st = requireSubtask(task, source);
            ProcessError e = error.apply(st.checkpoint);
            st.injected = new Subtask.InjectedFault(e, recurrences);
            workers.pause(st, List.of(e), now);
        });
    }

    /**
     * The syncer's 4 GB overflow: {@code bigFile} becomes a file over 4 GiB, the subtask's checkpoint sits in
     * it past 4 GiB (stored as offset mod 2^32, and flushed so), and the subtask fails reading from there:
     * 11038 {@code binlog checksum mismatch} when it reads relay, 36069 {@code ERROR 1236} when it reads the
     * upstream. Resumes fail again; only a re-created subtask (start-task, worker start) with a valid position
     * in the file (4) clears it, and only with {@code safe-mode: true} (else 1062 on the replay).
     */
    public void injectSyncerOverflow(String task, String source, String bigFile) {
        long now = System.nanoTime();
        cluster.run(() -> {
            Subtask st = requireSubtask(task, source);
            SourceState s = cluster.sources.get(source);
            s.binlog.makeBig(bigFile);
            Position cp = new Position(bigFile, (1L << 32) + 1_234_567L);
            st.checkpoint = cp;
            cluster.raiseHighWater(task, source, cp);
            st.persistent = workers.startPositionError(s, st, cp, UpstreamBinlog.Validity.MID_EVENT);
            workers.pause(st, List.of(st.persistent), now);
        });
    }

    /**
     * The relay's 4 GB overflow: {@code bigFile} becomes a file over 4 GiB, the relay unit pauses with 30029
     * (under {@code relayStatus.result.errors}) and its relay.meta holds the overflowed {@code binlog-pos};
     * subtasks reading relay stop advancing (and are put back at the start of that file if they were past it).
     * Clears only when a relay unit starts (worker start, relay enable) from a relay.meta at a valid position.
     */
    public void injectRelayOverflow(String source, String bigFile) {
        long now = System.nanoTime();
        cluster.run(() -> {
            SourceState s = requireSource(source);
            RelayUnit r = s.relay;
            if (r == null || r.stage == SimStage.STOPPED) {
                throw new IllegalStateException("the relay of " + source + " is not running");
            }
            s.binlog.makeBig(bigFile);
            Position start = new Position(bigFile, 4);
            for (Subtask st : cluster.subtasksOfSource(source)) {
                if (st.readsRelay && s.binlog.compare(st.checkpoint, start) > 0) {
                    st.checkpoint = start;
                    workers.flush(st);
                    cluster.highWater.put(Cluster.key(st.task, st.source), start);
                }
            }
            r.position = new Position(bigFile, (1L << 32) + 7_654_321L);
            s.relayDir.ensureBinlogPlaceholder(bigFile);
            workers.writeRelayMeta(s, r);
            r.persistent = ErrorCatalog.relayDuplicateEvent(s.reportedSubDirPath() + "/" + bigFile,
                    r.position.uint32Pos());
            r.pauseWithErrors(List.of(r.persistent));
        });
    }

    /**
     * The downstream goes away (TiDB restarts, a rolling upgrade): every running subtask pauses with 10006 RawCause
     * {@code invalid connection}, and every resume or new subtask fails the same way until {@link #downstreamBack}.
     * DM's auto-resume keeps trying with its backoff (1 s doubling), as it does for this resumable error (§5.1).
     */
    public void downstreamDown() {
        long now = System.nanoTime();
        cluster.run(() -> {
            cluster.downstreamDown = true;
            for (Subtask st : new ArrayList<>(cluster.subtasks.values())) {
                if (st.stage == SimStage.RUNNING) {
                    workers.pause(st, List.of(ErrorCatalog.invalidConnection(st.checkpoint)), now);
                }
            }
        });
    }

    /**
     * The downstream is back. DM's auto-resume gets each subtask running again at its next try, except those of
     * {@code stayPaused}: their resumes keep failing with {@code invalid connection} (the FAQ's case where only
     * stop-task and start-task, which re-create the subtask, help).
     */
    public void downstreamBack(java.util.Collection<String> stayPaused) {
        java.util.Set<String> stuck = new java.util.HashSet<>(stayPaused);
        cluster.run(() -> {
            cluster.downstreamDown = false;
            for (Subtask st : cluster.subtasks.values()) {
                if (stuck.contains(st.task)) {
                    st.injected = new Subtask.InjectedFault(ErrorCatalog.invalidConnection(st.checkpoint),
                            Subtask.InjectedFault.FOREVER);
                }
            }
        });
    }

    /** A human pauses the task (gateway Pause): {@code isCanceled: true}, no errors, no auto-resume. */
    public void pauseByHuman(String task) {
        long now = System.nanoTime();
        cluster.run(() -> {
            if (!cluster.tasks.containsKey(task)) {
                throw new IllegalArgumentException("no task " + task);
            }
            scheduler.updateExpected(task, SimStage.PAUSED, scheduler.taskSources(task), now);
        });
    }

    // ---- what the operator's fix Jobs would do ------------------------------------------------------------

    /**
     * Rewrites the stored checkpoint of a source (global and table rows) as the FAQ's UPDATE does; the running
     * subtask does not see it until it is re-created.
     */
    public void editStoredCheckpoint(String task, String source, String binlogName, long binlogPos) {
        cluster.run(() -> {
            TaskState t = cluster.tasks.get(task);
            String metaSchema = t == null ? "dm_meta" : t.config.metaSchema();
            try {
                List<CheckpointRow> rows = cluster.store.load(metaSchema, task, source);
                List<CheckpointRow> out = new ArrayList<>();
                for (CheckpointRow r : rows) {
                    out.add(new CheckpointRow(r.cpSchema(), r.cpTable(), binlogName, binlogPos, r.binlogGtid(), r.global()));
                }
                cluster.store.save(metaSchema, task, source, out);
            } catch (CheckpointStore.StoreException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** Rewrites relay.meta of a source's current relay sub-dir, as the FAQ's relay fix does. */
    public void editRelayMeta(String source, String binlogName, long binlogPos) {
        cluster.run(() -> requireSource(source).relayDir.writeMeta(new RelayDir.RelayMeta(binlogName, binlogPos, "")));
    }

    // ---- the upstream -------------------------------------------------------------------------------------

    public void appendBinlogFile(String source, String name, long size) {
        cluster.run(() -> requireSource(source).binlog.append(name, size));
    }

    /** The upstream writes {@code bytes} more into its current binlog file. */
    public void growBinlog(String source, long bytes) {
        cluster.run(() -> requireSource(source).binlog.grow(bytes));
    }

    public Position masterPosition(String source) {
        return cluster.call(() -> requireSource(source).binlog.master());
    }

    // ---- reply faults -------------------------------------------------------------------------------------

    /** Applies a reply fault to every request until {@link #clearFaults()}. */
    public void replyFault(Fault fault) {
        faults.always(fault);
    }

    /** Applies a reply fault to the next {@code times} requests. */
    public void replyFault(Fault fault, int times) {
        faults.times(fault, times);
    }

    /** Applies a reply fault to requests whose path starts with {@code pathPrefix}. */
    public void replyFault(Fault fault, String pathPrefix) {
        faults.onPath(fault, pathPrefix);
    }

    /** Applies a reply fault for a while (e.g. a leader election). */
    /** The fault for requests of this method under the path prefix only (e.g. POST start-task). */
    public void replyFault(Fault fault, String method, String pathPrefix) {
        faults.onRequest(fault, method, pathPrefix);
    }

    public void replyFault(Fault fault, Duration duration) {
        faults.forNanos(fault, duration.toNanos());
    }

    public void clearFaults() {
        faults.clear();
    }

    /**
     * gRPC's bound on a received message (default 4 MiB) as DM-master's worker clients and gateway keep it: a worker's
     * query-status answer over it fails as 38008, a gateway answer over it as HTTP 429 (tests lower it).
     */
    public void grpcMaxMessageBytes(int bytes) {
        cluster.grpcMaxMessageBytes = bytes;
    }

    // ---- observability ------------------------------------------------------------------------------------

    public List<RecordedRequest> requests() {
        return requestLog.all();
    }

    /** Requests with this method (null: any) whose path starts with {@code pathPrefix} (null: any). */
    public List<RecordedRequest> requests(String method, String pathPrefix) {
        return requestLog.matching(method, pathPrefix);
    }

    public int countRequests(String method, String pathPrefix) {
        return requestLog.matching(method, pathPrefix).size();
    }

    public void clearRequests() {
        requestLog.clear();
    }

    /** Every task DM-master knows, by name. */
    public List<String> taskNames() {
        return cluster.call(() -> List.copyOf(cluster.tasks.keySet()));
    }

    public boolean taskExists(String task) {
        return cluster.call(() -> cluster.tasks.containsKey(task));
    }

    /** The task YAML as last submitted (with its password), or null. */
    public String taskConfig(String task) {
        return cluster.call(() -> cluster.tasks.containsKey(task) ? cluster.tasks.get(task).config.rawYaml() : null);
    }

    /** The safe-mode the task's config gives this source. */
    public boolean taskSafeMode(String task, String source) {
        return cluster.call(() -> {
            TaskState t = cluster.tasks.get(task);
            TaskConfig.Instance i = t == null ? null : t.config.instance(source);
            return i != null && i.safeMode();
        });
    }

    public int startCount(String task) {
        return cluster.call(() -> cluster.startCounts.getOrDefault(task, 0));
    }

    public int stopCount(String task) {
        return cluster.call(() -> cluster.stopCounts.getOrDefault(task, 0));
    }

    /** The live subtask's stage as DM prints it ({@code "Running"}), or null when no worker runs it. */
    public String subtaskStage(String task, String source) {
        return subtaskValue(task, source, st -> st.stage.dmName());
    }

    /** The in-memory syncer checkpoint (true offset). */
    public Position checkpoint(String task, String source) {
        return subtaskValue(task, source, st -> st.checkpoint);
    }

    /** The last checkpoint this subtask flushed. */
    public Position flushedCheckpoint(String task, String source) {
        return subtaskValue(task, source, st -> st.flushed);
    }

    public List<ProcessError> subtaskErrors(String task, String source) {
        return subtaskValue(task, source, st -> st.errors);
    }

    public boolean subtaskCanceled(String task, String source) {
        Boolean b = subtaskValue(task, source, st -> st.canceled);
        return b != null && b;
    }

    public boolean synced(String task, String source) {
        Boolean b = subtaskValue(task, source, st -> {
            SourceState s = cluster.sources.get(source);
            return s.binlog.compare(st.flushed, s.binlog.master()) == 0;
        });
        return b != null && b;
    }

    /** Auto-resumes DM's task checker did on this in-memory subtask. */
    public int autoResumeCount(String task, String source) {
        Integer n = subtaskValue(task, source, st -> st.autoResumes);
        return n == null ? 0 : n;
    }

    /** Resumes of any kind (auto, gateway Resume, OpenAPI start) of this in-memory subtask. */
    public int resumeCount(String task, String source) {
        Integer n = subtaskValue(task, source, st -> st.resumes);
        return n == null ? 0 : n;
    }

    /** The live subtask's safe mode (config at creation or at the last user resume). */
    public boolean safeModeActive(String task, String source) {
        Boolean b = subtaskValue(task, source, st -> st.safeMode);
        return b != null && b;
    }

    /**
     * True when the subtask was created with a valid global checkpoint but a table checkpoint still in the
     * overflowed part of a big file: DM would then silently skip that table's events (FAQ: fix every row).
     */
    public boolean replaySkippedEvents(String task, String source) {
        Boolean b = subtaskValue(task, source, st -> st.replaySkippedEvents);
        return b != null && b;
    }

    private <T> T subtaskValue(String task, String source, Function<Subtask, T> f) {
        return cluster.call(() -> {
            Subtask st = cluster.subtask(task, source);
            return st == null ? null : f.apply(st);
        });
    }

    /** The relay unit's stage ({@code Running}, {@code Paused}, {@code Stopped}), or null without one. */
    public String relayStage(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).relay;
            return r == null ? null : r.stage.dmName();
        });
    }

    public Position relayPosition(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).relay;
            return r == null ? null : r.position;
        });
    }

    public List<ProcessError> relayErrors(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).relay;
            return r == null ? List.of() : r.errors;
        });
    }

    public int relayAutoResumeCount(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).relay;
            return r == null ? 0 : r.autoResumes;
        });
    }

    /** The source's relay dir ({@code relay-dir}). */
    public Path relayDir(String source) {
        return cluster.call(() -> requireSource(source).relayDir.root());
    }

    /** relay.meta of the current relay sub-dir. */
    public Path relayMetaFile(String source) {
        return cluster.call(() -> requireSource(source).relayDir.metaPath());
    }

    /** The worker a source is bound to, or null. */
    public String boundWorker(String source) {
        return cluster.call(() -> requireSource(source).boundWorker);
    }

    private Subtask requireSubtask(String task, String source) {
        Subtask st = cluster.subtask(task, source);
        if (st == null) {
            throw new IllegalStateException("no running subtask for task " + task + " on source " + source);
        }
        return st;
    }

    private SourceState requireSource(String source) {
        SourceState s = cluster.sources.get(source);
        if (s == null) {
            throw new IllegalArgumentException("no source " + source);
        }
        return s;
    }

    private WorkerState requireWorker(String name) {
        WorkerState w = cluster.workers.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no worker " + name);
        }
        return w;
    }

    @Override
    public void close() {
        server.stop(0);
        httpExecutor.shutdownNow();
        ticker.close();
        cluster.store.close();
        if (ownsWorkDir) {
            try (Stream<Path> paths = Files.walk(workDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir left behind is harmless
            }
        }
    }

    /** Builds a simulator; {@link #build()} starts its HTTP server and clock. */
    public static final class Builder {

        private int port;
        private InetAddress bindAddress;
        private boolean openApi;
        private DmVersion version = DmVersion.V8_5;
        private Duration tick = Duration.ofSeconds(1);
        private Duration autoResumeCheck = Duration.ofSeconds(5);
        private Duration backoffMin = Duration.ofSeconds(1);
        private Duration backoffMax = Duration.ofMinutes(5);
        private Duration backoffRollback = Duration.ofMinutes(5);
        private Duration checkpointFlush = Duration.ofSeconds(30);
        private long bytesPerTick = 256L << 20;
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private String masterName = "basic-dm-master-0";
        private String clusterName = "basic";
        private Path workDir;
        private final Map<String, String> workers = new LinkedHashMap<>();
        private final List<SourceSpec> sources = new ArrayList<>();
        private javax.net.ssl.SSLContext tls;
        private boolean requireClientCert;

        private Builder() {
        }

        /**
         * Serves https with this context (its key managers: the server certificate; its trust managers: the CA client
         * certificates must be signed by), as DM-master does with {@code ssl-ca}, {@code ssl-cert}, {@code ssl-key};
         * {@code requireClientCert} as DM-master does (mutual TLS).
         */
        public Builder tls(javax.net.ssl.SSLContext context, boolean requireClientCert) {
            this.tls = context;
            this.requireClientCert = requireClientCert;
            return this;
        }

        /** Listen port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Listen on this address instead of 127.0.0.1: a world whose operator runs in other processes gives DM-master
         * a loopback address of its own, so that its Service name can resolve to it (with DM's port, 8261).
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /** DM-master's {@code openapi = true}; off (DM's default), {@code /api/v1/*} is 404 (§1). */
        public Builder openApi(boolean enabled) {
            this.openApi = enabled;
            return this;
        }

        public Builder version(DmVersion version) {
            this.version = Objects.requireNonNull(version);
            return this;
        }

        /** How often time moves: replication progress, flush and auto-resume checks happen on ticks. */
        public Builder tickInterval(Duration d) {
            this.tick = d;
            return this;
        }

        /** The task checker's interval (DM: 5 s). */
        public Builder autoResumeCheckInterval(Duration d) {
            this.autoResumeCheck = d;
            return this;
        }

        /** Auto-resume backoff bounds (DM: 1 s … 5 min). */
        public Builder autoResumeBackoff(Duration min, Duration max) {
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        /** A running unit's backoff steps back after this long without a pause (DM: 5 min). */
        public Builder backoffRollback(Duration d) {
            this.backoffRollback = d;
            return this;
        }

        /** checkpoint-flush-interval (DM: 30 s). */
        public Builder checkpointFlushInterval(Duration d) {
            this.checkpointFlush = d;
            return this;
        }

        /** How many binlog bytes a running relay or subtask gets through per tick (default 256 MiB). */
        public Builder progressBytesPerTick(long bytes) {
            this.bytesPerTick = bytes;
            return this;
        }

        /** The downstream where checkpoints live (§6); without one they live in memory. */
        public Builder downstream(String jdbcUrl, String user, String password) {
            this.jdbcUrl = jdbcUrl;
            this.jdbcUser = user;
            this.jdbcPassword = password;
            return this;
        }

        /** The DM-master member name (pod name, default {@code basic-dm-master-0}). */
        public Builder masterName(String name) {
            this.masterName = name;
            return this;
        }

        /** The DMCluster name, used in in-cluster addresses (default {@code basic}). */
        public Builder clusterName(String name) {
            this.clusterName = name;
            return this;
        }

        /** Where default relay dirs go; by default a temp dir removed on close. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** A worker named after its pod; its address is the in-cluster peer address of the DMCluster. */
        public Builder worker(String name) {
            workers.put(name, null);
            return this;
        }

        public Builder worker(String name, String addr) {
            workers.put(name, addr);
            return this;
        }

        public Builder source(SourceSpec source) {
            sources.add(source);
            return this;
        }

        public DmMasterSimulator build() {
            try {
                return new DmMasterSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
