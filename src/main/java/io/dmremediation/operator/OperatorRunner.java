package io.dmremediation.operator;

import io.dmremediation.dm.DmMaster;
import io.dmremediation.playbook.JobPodSettings;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.dmremediation.playbook.EngineTiming;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds and runs the operator: the JOSDK controller for DMRemediation with its services, optionally behind a
 * leader-election Lease (only the leader reconciles). Everything a test or the sandbox needs to vary is an option.
 */
public final class OperatorRunner implements AutoCloseable {

    private final Operator operator;
    private final OperatorServices services;
    private final java.util.concurrent.atomic.AtomicBoolean closing;
    private final StatusGauges gauges;

    private OperatorRunner(Operator operator, OperatorServices services,
                           java.util.concurrent.atomic.AtomicBoolean closing, StatusGauges gauges) {
        this.operator = operator;
        this.services = services;
        this.closing = closing;
        this.gauges = gauges;
    }

    /**
     * @param client          the Kubernetes client (not closed by the runner)
     * @param namespaces      watched namespaces; empty = all
     * @param leaderElection  lease name and namespace, or null to run without leader election
     * @param dmFactory       DM-master client per URL
     * @param addressRewrite  maps an in-cluster DM-master URL to a reachable one (identity in a cluster)
     * @param useServerSideApply JOSDK's SSA for the primary resource (off against the mock server)
     */
    public record Options(KubernetesClient client, Set<String> namespaces, LeaderElection leaderElection,
                          Function<String, DmMaster> dmFactory, Function<String, String> addressRewrite, Clock clock,
                          String jobImage, MeterRegistry registry, boolean useServerSideApply,
                          Duration snapshotMaxAge, int reconcileThreads, StepGate stepGate, JobPodSettings jobPod,
                          String workerPodSelector,
                          java.util.function.BiFunction<String, javax.net.ssl.SSLContext, DmMaster> tlsDmFactory,
                          EngineTiming timing) {

        /** TiDB Operator's label on every dm-worker pod (dm-on-k8s §2.1): the pod informer watches only these. */
        public static final String DM_WORKER_PODS = "app.kubernetes.io/component=dm-worker";

        public static Options defaults(KubernetesClient client, Function<String, DmMaster> dmFactory) {
            return new Options(client, Set.of(), null, dmFactory, Function.identity(), Clock.systemUTC(),
                    "dm-remediation-operator:latest", new SimpleMeterRegistry(), true, Duration.ofMillis(500), 10, StepGate.NONE,
                    JobPodSettings.DEFAULTS, DM_WORKER_PODS, (url, ctx) -> io.dmremediation.dm.DmMasterClients.connect(url,
                            io.dmremediation.dm.DmHttpSettings.DEFAULTS.withSslContext(ctx)), EngineTiming.DEFAULT);
        }

        public Options withLeaderElection(LeaderElection le) {
            return new Options(client, namespaces, le, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withAddressRewrite(Function<String, String> rewrite) {
            return new Options(client, namespaces, leaderElection, dmFactory, rewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withServerSideApply(boolean ssa) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    ssa, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withRegistry(MeterRegistry r) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, r,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withNamespaces(Set<String> ns) {
            return new Options(client, ns, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withJobImage(String image) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, image, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withClock(Clock c) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, c, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withStepGate(StepGate gate) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, gate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withJobPod(JobPodSettings settings) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, settings, workerPodSelector, tlsDmFactory, timing);
        }

        public Options withWorkerPodSelector(String selector) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, selector, tlsDmFactory, timing);
        }

        /** DM-master clients over TLS: URL and the SSLContext of the cluster's TLS Secret. */
        public Options withTlsDmFactory(java.util.function.BiFunction<String, javax.net.ssl.SSLContext, DmMaster> f) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector, f,
                    timing);
        }

        public Options withTiming(EngineTiming t) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, reconcileThreads, stepGate, jobPod, workerPodSelector,
                    tlsDmFactory, t);
        }

        public Options withReconcileThreads(int threads) {
            return new Options(client, namespaces, leaderElection, dmFactory, addressRewrite, clock, jobImage, registry,
                    useServerSideApply, snapshotMaxAge, threads, stepGate, jobPod, workerPodSelector, tlsDmFactory, timing);
        }
    }

    /**
     * A Lease for leader election; {@code identity} tells replicas apart. {@code onLoss} runs when this replica loses
     * the lease while it is not shutting down (in a cluster: exit, so the pod restarts and competes again).
     */
    public record LeaderElection(String leaseName, String leaseNamespace, String identity, Runnable onLoss,
                                 Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

        /** Kubernetes' customary timings (15s lease, 10s renew deadline, 2s retry). */
        public static LeaderElection of(String leaseName, String leaseNamespace, String identity, Runnable onLoss) {
            return new LeaderElection(leaseName, leaseNamespace, identity, onLoss,
                    LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                    LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                    LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);
        }
    }

    public static OperatorRunner start(Options o) {
        OperatorMetrics metrics = new OperatorMetrics(o.registry());
        OperatorServices services = new OperatorServices(o.client(), o.clock(),
                new DmConnections(url -> new MeteredDmMaster(o.dmFactory().apply(url), metrics),
                        (url, ctx) -> new MeteredDmMaster(o.tlsDmFactory().apply(url, ctx), metrics), o.addressRewrite(),
                        new MasterTls(o.client(), o.clock())),
                new SnapshotCache(o.clock(), o.snapshotMaxAge()), metrics, new EventRecorder(o.client(), o.clock()),
                new ClusterSlots(), new Playbooks(), new StatusWriter(o.client()), o.jobImage(), o.stepGate(), o.jobPod(),
                PlaybookEdges.kubernetes(o.client()), o.timing(), new ConfigurationChecks(o.clock()),
                new Storms(o.clock()), new PeerViews());
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        Operator operator = new Operator(c -> {
            c.withKubernetesClient(o.client())
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(o.useServerSideApply())
                    .withSSABasedCreateUpdateMatchForDependentResources(o.useServerSideApply())
                    .withConcurrentReconciliationThreads(o.reconcileThreads())
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(o.registry()))
                    .withStopOnInformerErrorDuringStartup(true)
                    .withCacheSyncTimeout(Duration.ofSeconds(60));
            if (o.leaderElection() != null) {
                LeaderElection le = o.leaderElection();
                // JOSDK's own exit-on-loss also fires on a clean stop (and System.exit inside a shutdown hook
                // hangs the JVM): losing the lease is told apart from stopping here instead
                LeaderCallbacks callbacks = new LeaderCallbacks(() -> { }, () -> {
                    if (!closing.get()) {
                        le.onLoss().run();
                    }
                }, leader -> { });
                c.withLeaderElectionConfiguration(new LeaderElectionConfiguration(le.leaseName(), le.leaseNamespace(),
                        le.leaseDuration(), le.renewDeadline(), le.retryPeriod(), le.identity(), callbacks, false));
            }
        });
        DMRemediationReconciler reconciler = new DMRemediationReconciler(services, o.workerPodSelector());
        StatusGauges gauges = new StatusGauges(o.registry(), reconciler::cachedResources);
        operator.register(reconciler, cfg -> {
            if (o.namespaces() == null || o.namespaces().isEmpty()) {
                cfg.watchingAllNamespaces();
            } else {
                cfg.settingNamespaces(o.namespaces());
            }
        });
        operator.start();
        return new OperatorRunner(operator, services, closing, gauges);
    }

    public MeterRegistry registry() {
        return services.metrics().registry();
    }

    /** Recounts the state gauges (dmr_tasks, dmr_tasks_escalated, …) from the cached resources; run before a scrape. */
    public void refreshStatusMetrics() {
        gauges.refresh();
    }

    /** True when this process leads (or runs without leader election) and its informers are in sync. */
    public boolean ready() {
        return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    public boolean alive() {
        return operator.getRuntimeInfo().isStarted();
    }

    @Override
    public void close() {
        closing.set(true);
        operator.stop();
    }
}
