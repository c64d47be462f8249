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
    private final Bindings bindings;
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
                b.checkpointFlush, b.bytesPerTick, b.keepaliveTtl, b.relayKeepaliveTtl, b.connectionRetryInterval);
        this.cluster = new Cluster(b.version, settings, store, b.masterName,
                "http://" + b.masterName + "." + b.clusterName + "-dm-master-peer:8291");
        this.workers = new WorkerRuntime(cluster);
        this.bindings = new Bindings(cluster, workers);
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
        this.ticker = new Ticker(cluster, workers, bindings);
        ticker.start();
    }

    /**
     * Every worker starts as a running process; each source is bound to the worker its spec names (or to a free
     * one), its named relay workers run its relay, and in {@code enable-relay} mode the bound worker does.
     */
    private void buildTopology(Builder b) {
        long now = System.nanoTime();
        cluster.run(() -> {
            b.workers.forEach((name, addr) -> cluster.workers.put(name, new WorkerState(name,
                    addr != null ? addr : name + "." + b.clusterName + "-dm-worker-peer:8262")));
            for (SourceSpec spec : b.sources) {
                if (spec.worker != null && !cluster.workers.containsKey(spec.worker)) {
                    throw new IllegalArgumentException("source " + spec.id + " is bound to unknown worker " + spec.worker);
                }
                for (String w : spec.relayWorkers) {
                    if (!cluster.workers.containsKey(w)) {
                        throw new IllegalArgumentException("source " + spec.id + " names unknown relay worker " + w);
                    }
                }
                if (spec.enableRelay && !spec.relayWorkers.isEmpty()) {
                    throw new IllegalArgumentException("source " + spec.id + ": enable-relay and named relay workers "
                            + "exclude each other (§7.1)");
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
                // without a dir of their own, the workers share one under the work dir, as on a shared disk
                Path shared = workDir.resolve(spec.id).resolve("relay");
                Function<String, Path> relayRoot = spec.relayDirOf != null ? spec.relayDirOf : w -> shared;
                String reported = spec.reportedRelayDir != null ? spec.reportedRelayDir
                        : spec.relayDir != null ? spec.relayDir.toString() : shared.toString();
                SourceState s = new SourceState(spec.id, binlog, relayRoot, reported, spec.serverUuid, spec.enableGtid,
                        tables, spec.host, spec.port, spec.user, spec.enableRelay);
                s.relayWorkers.addAll(spec.relayWorkers);
                s.relayBinlogName = spec.relayBinlogName;
                s.lastBoundWorker = spec.worker;
                cluster.sources.put(spec.id, s);
            }
            for (WorkerState w : cluster.workers.values()) {
                w.up = true;
                w.registered = true;
            }
            for (SourceState s : cluster.sources.values()) {
                if (s.lastBoundWorker != null) {
                    bindings.bind(s, s.lastBoundWorker, now);
                }
            }
            for (SourceState s : cluster.sources.values()) {
                if (s.boundWorker == null) {
                    bindings.tryBoundForSource(s, now);
                }
                for (String w : s.relayWorkers) {
                    workers.enableRelay(s, w, false, now);
                }
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

    /** One tick now, for tests whose clock is stopped (a tick interval of hours). */
    void tickNow() {
        ticker.tick(System.nanoTime());
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

    /**
     * Stops a worker process gracefully (units close and flush, the keepalive lease is revoked): DM-master binds its
     * source to a free worker at once, if there is one (§7.4); else the source shows 38029 until the worker is back.
     */
    public void stopWorker(String name) {
        long now = System.nanoTime();
        cluster.run(() -> bindings.workerStopped(name, true, now));
    }

    /** Kills a worker process: checkpoints not flushed yet are lost; DM-master notices when its lease expires. */
    public void killWorker(String name) {
        long now = System.nanoTime();
        cluster.run(() -> bindings.workerStopped(name, false, now));
    }

    /**
     * Starts a worker process: still bound (killed within its lease), it runs its source again; otherwise it comes
     * back free and takes a source only if one waits unbound (§7.4).
     */
    public void startWorker(String name) {
        long now = System.nanoTime();
        cluster.run(() -> bindings.workerStarted(name, now));
    }

    public void restartWorker(String name) {
        long now = System.nanoTime();
        cluster.run(() -> {
            bindings.workerStopped(name, true, now);
            bindings.workerStarted(name, now);
        });
    }

    public boolean workerUp(String name) {
        return cluster.call(() -> requireWorker(name).up);
    }

    /** {@code bound}, {@code free}, {@code relay} or {@code offline}, as list-member shows it. */
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
        injectRecurring(task, source, recurrences, p -> ErrorCatalog.badConnection(p, cluster.version));
    }

    /**
     * {@code invalid connection} on BEGIN: 10006 {@code … begin} up to v8.5, 10007 after, which DM after v8.5 also
     * retries in-process before pausing (§4, §5.2).
     */
    public void injectInvalidConnectionAtBegin(String task, String source, int recurrences) {
        injectRecurring(task, source, recurrences, p -> ErrorCatalog.failedBegin(p, "invalid connection", cluster.version));
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
            workers.fail(st, e, now);
        });
    }

    /**
     * The syncer's 4 GB overflow: {@code bigFile} becomes a file over 4 GiB, the subtask's checkpoint sits in
     * it past 4 GiB (stored as offset mod 2^32, and flushed so), and the subtask fails reading from there: 36069
     * {@code ERROR 1236} from the upstream, also when it read relay (the relay read fails and is retried from the
     * upstream, §5.3). Resumes fail again; only a re-created subtask (start-task, worker start) with a valid position
     * in the file (4) clears it, and only with {@code safe-mode: true} (else 1062 on the replay).
     */
    public void injectSyncerOverflow(String task, String source, String bigFile) {
        long now = System.nanoTime();
        cluster.run(() -> {
            Subtask st = requireSubtask(task, source);
            SourceState s = cluster.sources.get(source);
            s.binlog.makeBig(bigFile);
            Position cp = new Position(bigFile, (1L << 32) + 1_234_567L);
            if (st.readsRelay) {
                // a syncer reads a relay file past 4 GiB only when the whole file is there (copied in, §7.3)
                s.relayDir(s.boundWorker).wroteWhole(bigFile);
            }
            st.checkpoint = cp;
            cluster.raiseHighWater(task, source, cp);
            workers.flush(st);
            workers.pause(st, List.of(workers.openError(s, st).orElseThrow()), now);
        });
    }

    /**
     * The relay's 4 GB overflow: {@code bigFile} becomes a file over 4 GiB and the relay of the source on its bound
     * worker has pulled it up to 4 GiB, where the writer's duplicate check failed with 30029 (under
     * {@code relayStatus.result.errors}); relay.meta holds the wrapped position. Subtasks reading the relay read up
     * to the last complete transaction before 4 GiB and wait there. From then on DM behaves as it does (§7.2, §7.3):
     * the relay's auto-resume recovers the file to that transaction and fails again at the same point.
     */
    public void injectRelayOverflow(String source, String bigFile) {
        cluster.run(() -> {
            SourceState s = requireSource(source);
            RelayUnit r = s.boundRelay();
            if (r == null || r.stage != SimStage.RUNNING) {
                throw new IllegalStateException("the relay of " + source + " is not running");
            }
            if (s.binlog.has(bigFile) && s.binlog.index(r.position.file()) > s.binlog.index(bigFile)) {
                throw new IllegalStateException("the relay of " + source + " is past " + bigFile + " already");
            }
            s.binlog.makeBig(bigFile);
            RelayDir dir = s.relayDir(r.worker);
            List<String> files = s.binlog.files();
            for (int i = s.binlog.index(r.position.file()); i < s.binlog.index(bigFile); i++) {
                dir.wrote(files.get(i), s.binlog.size(files.get(i)));
                s.binlog.recordGenuine(new Position(files.get(i), s.binlog.size(files.get(i))));
            }
            r.position = new Position(bigFile, RelayProcess.LAST_TXN_BELOW_4G - 1);
            r.readable = r.position;
            RelayProcess.pull(s, r, 2);
        });
    }

    /** The name the upstream gives its next binlog file (after the one it writes now). */
    public String nextBinlogFile(String source) {
        return cluster.call(() -> UpstreamBinlog.nextName(requireSource(source).binlog.master().file()));
    }

    /** Which upstream binlog files the upstream still has (it purges old ones). */
    public void purgeUpstreamBinlogs(String source, String beforeFile) {
        cluster.run(() -> requireSource(source).binlog.purgeBefore(beforeFile));
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

    /** Rewrites relay.meta of the source's relay sub-dir on its bound worker, as a person editing it by hand. */
    public void editRelayMeta(String source, String binlogName, long binlogPos) {
        cluster.run(() -> relayDirOf(requireSource(source)).writeMeta(new RelayDir.RelayMeta(binlogName, binlogPos, "")));
    }

    /**
     * The docs' step "copy the upstream binlog file into the relay log directory" (§7.3): a full copy of the upstream
     * file in the relay sub-dir of the source's bound (or last bound) worker.
     */
    public void copyUpstreamFileIntoRelayDir(String source, String file) {
        cluster.run(() -> {
            SourceState s = requireSource(source);
            RelayDir dir = relayDirOf(s);
            dir.addSubDirIfMissing();
            dir.wrote(file, s.binlog.size(file));
        });
    }

    private RelayDir relayDirOf(SourceState s) {
        String w = s.boundWorker != null ? s.boundWorker : s.lastBoundWorker;
        if (w == null) {
            throw new IllegalStateException("source " + s.id + " was never bound to a worker");
        }
        return s.relayDir(w);
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

    /** The stage of the relay unit on the source's bound worker ({@code Running}, {@code Paused}), or null without one. */
    public String relayStage(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).boundRelay();
            return r == null ? null : r.stage.dmName();
        });
    }

    /** What the bound worker's relay wrote (true offset), or null without a relay unit. */
    public Position relayPosition(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).boundRelay();
            return r == null ? null : r.position;
        });
    }

    public List<ProcessError> relayErrors(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).boundRelay();
            return r == null ? List.of() : r.errors;
        });
    }

    public int relayAutoResumeCount(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).boundRelay();
            return r == null ? 0 : r.autoResumes;
        });
    }

    /** How often the bound worker's relay unit ran {@code Relay.process} (enable, resumes). */
    public int relayStartCount(String source) {
        return cluster.call(() -> {
            RelayUnit r = requireSource(source).boundRelay();
            return r == null ? 0 : r.starts;
        });
    }

    /** The workers that run a relay unit for the source, by name. */
    public List<String> relayUnitWorkers(String source) {
        return cluster.call(() -> List.copyOf(requireSource(source).relays.keySet()));
    }

    /** The source config's {@code enable-relay} as DM-master stores it (§7.1). */
    public boolean sourceEnableRelay(String source) {
        return cluster.call(() -> requireSource(source).enableRelay);
    }

    /** The source's named relay workers (§7.1). */
    public List<String> relayWorkers(String source) {
        return cluster.call(() -> List.copyOf(requireSource(source).relayWorkers));
    }

    /** The relay dir of the source on its bound (or last bound) worker ({@code relay-dir}). */
    public Path relayDir(String source) {
        return cluster.call(() -> relayDirOf(requireSource(source)).root());
    }

    /** The relay dir of the source on one worker. */
    public Path relayDir(String source, String worker) {
        return cluster.call(() -> requireSource(source).relayDir(worker).root());
    }

    /** relay.meta of the current relay sub-dir on the source's bound (or last bound) worker. */
    public Path relayMetaFile(String source) {
        return cluster.call(() -> relayDirOf(requireSource(source)).metaPath());
    }

    /** The bytes of an upstream file the relay copy on the source's bound worker holds: -1 without a copy. */
    public long relayCopySize(String source, String file) {
        return cluster.call(() -> {
            SourceState s = requireSource(source);
            long size = relayDirOf(s).copySize(file);
            return size == RelayDir.WHOLE_FILE ? s.binlog.size(file) : size;
        });
    }

    /** Whether the live subtask reads the relay ({@code binlogType local}); null without one. */
    public Boolean subtaskReadsRelay(String task, String source) {
        return subtaskValue(task, source, st -> st.readsRelay);
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
        private Duration keepaliveTtl = Duration.ofSeconds(60);
        private Duration relayKeepaliveTtl = Duration.ofSeconds(1800);
        private Duration connectionRetryInterval = Duration.ofSeconds(3);
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

        /** A crashed worker's keepalive TTL, and while it runs a named relay (DM: 60 s, 1800 s; §7.4). */
        public Builder keepaliveTtl(Duration ttl, Duration relayTtl) {
            this.keepaliveTtl = ttl;
            this.relayKeepaliveTtl = relayTtl;
            return this;
        }

        /** The in-process connection retry interval (DM: 3 s; §5.2): after v8.5 a reset is retried 10 times. */
        public Builder connectionRetryInterval(Duration d) {
            this.connectionRetryInterval = d;
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
