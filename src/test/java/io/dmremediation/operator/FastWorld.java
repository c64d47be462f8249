package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.DMClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.Downstream;
import io.dmremediation.api.SecretRef;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.DownstreamCredentials;
import io.dmremediation.playbook.DownstreamSecret;
import io.dmremediation.playbook.RepairJobControl;
import io.dmremediation.playbook.SavedConfigs;
import io.dmremediation.sandbox.KubeWorld;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fast, synchronous test layer: the real reconciler and playbooks over an in-memory DM-master, in-memory repair
 * Jobs, a movable clock and fabric8's mock Kubernetes API (status, Events, the saved-config Secrets, the downstream
 * Secret). No thread, no sleep: each {@link #cycle()} is one reconcile, and time moves only when the test moves it.
 * A crash replaces the operator process (fresh caches, slots, status writer) and the world goes on.
 */
final class FastWorld {

    static final String PASSWORD = "pw for tests, 0123";
    static final String FINALIZER = "dmremediations.dmremediation.io/finalizer";
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static KubeWorld kube;

    final String ns = "fast-" + NAMESPACES.incrementAndGet();
    final KubernetesClient client;
    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    /** The faults in force, the route's first (it leads the playbook to a step), then the cell's. */
    final List<FaultPlan> plans = new ArrayList<>();
    /** Every call the operator made, with the step it was made in. */
    final List<FaultPlan.Call> calls = new ArrayList<>();
    final InMemoryDmMaster dm = new InMemoryDmMaster("http://basic-dm-master." + ns + ":8261", this::call);
    final InMemoryDmMaster other = new InMemoryDmMaster("http://other-dm-master." + ns + ":8261", this::call);
    final FakeJobs jobs = new FakeJobs(dm, this);
    OperatorServices services;
    private DMRemediationReconciler reconciler;
    int processes;
    final List<String> crashes = new ArrayList<>();

    FastWorld() {
        synchronized (FastWorld.class) {
            if (kube == null) {
                kube = KubeWorld.start(0, false);
            }
        }
        client = kube.client();
        kube.createNamespace(ns);
        client.resource(new SecretBuilder().withNewMetadata().withName("tidb-credentials").withNamespace(ns)
                .endMetadata().addToStringData(Map.of("host", "tidb", "port", "4000", "user", "root",
                        "password", PASSWORD)).build()).create();
        newProcess();
    }

    /** A new operator process: nothing survives from the last one but what Kubernetes and DM hold. */
    void newProcess() {
        processes++;
        StepGate gate = (a, step) -> call("afterStep:" + step, false, () -> { });
        services = new OperatorServices(client, clock, new DmConnections(this::dmFor, u -> u),
                new SnapshotCache(clock, Duration.ofMillis(1)), new OperatorMetrics(new SimpleMeterRegistry()),
                new EventRecorder(client, clock), new ClusterSlots(), new Playbooks(), new StatusWriter(client),
                "dmr:test", gate, io.dmremediation.playbook.JobPodSettings.DEFAULTS, new Edges(),
                io.dmremediation.playbook.EngineTiming.DEFAULT, new ConfigurationChecks(clock), new Storms(clock),
                new PeerViews());
        reconciler = new DMRemediationReconciler(services);
        // the informer's cache, as JOSDK would hand it over: every resource of the namespace
        reconciler.peersWithoutInformer(() -> client.resources(DMRemediation.class).inNamespace(ns).list().getItems());
    }

    /** A call of the operator's, offered to each fault in force before it goes through. */
    void call(String name, boolean mutating, Runnable action) {
        // the step is read from the API only when it matters: recording, or a fault waiting for this call
        boolean wanted = recording || plans.stream().anyMatch(p -> p.wants(name));
        String now = wanted ? currentStep() : null;
        if (recording) {
            calls.add(new FaultPlan.Call(now, name, mutating));
        }
        for (FaultPlan p : plans) {
            if (p.handle(name, mutating, now, action)) {
                return;
            }
        }
        action.run();
    }

    /** Whether {@link #calls} records every call (a reach run) or not (a matrix cell: faster). */
    boolean recording;

    FaultPlan.Kind jobOutcome(String name) {
        if (plans.stream().noneMatch(p -> p.wants(name))) {
            return null;
        }
        String now = currentStep();
        for (FaultPlan p : plans) {
            FaultPlan.Kind k = p.takeJobOutcome(name, now);
            if (k != null) {
                calls.add(new FaultPlan.Call(now, name, false));
                return k;
            }
        }
        return null;
    }

    private DmMaster dmFor(String url) {
        return url.contains("other-dm-master") ? other : dm;
    }

    DMRemediation create(String task) {
        return create("guard", List.of(task), spec -> { });
    }

    /** A resource of this name guarding these tasks, the spec as {@link #create(String)} makes it, then changed. */
    DMRemediation create(String name, List<String> tasks, java.util.function.Consumer<DMRemediationSpec> change) {
        DMRemediation r = new DMRemediation();
        r.getMetadata().setName(name);
        r.getMetadata().setNamespace(ns);
        r.getMetadata().setFinalizers(new ArrayList<>(List.of(FINALIZER)));
        DMRemediationSpec spec = new DMRemediationSpec();
        spec.cluster = new ClusterRef();
        spec.cluster.dmClusterRef = new DMClusterRef();
        spec.cluster.dmClusterRef.name = "basic";
        spec.tasks = new ArrayList<>(tasks);
        spec.pollInterval = "5s";
        spec.downstream = new Downstream();
        spec.downstream.secretRef = new SecretRef();
        spec.downstream.secretRef.name = "tidb-credentials";
        change.accept(spec);
        r.setSpec(spec);
        return client.resource(r).create();
    }

    /** Every resource of the namespace, by name. */
    List<DMRemediation> resources() {
        return client.resources(DMRemediation.class).inNamespace(ns).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(x -> x.getMetadata().getName())).toList();
    }

    DMRemediationStatus status(String name) {
        DMRemediation r = client.resources(DMRemediation.class).inNamespace(ns).withName(name).get();
        return r == null || r.getStatus() == null ? new DMRemediationStatus() : r.getStatus();
    }

    /** One reconcile of every resource, in name order (as one poll slot would run them). */
    void cycleAll() {
        for (DMRemediation r : resources()) {
            cycle(r);
        }
    }

    /** Rounds of {@link #cycleAll()}, the clock moving {@code step} after each, until {@code done}. */
    int runAllUntil(java.util.function.BooleanSupplier done, Duration step, int maxRounds) {
        for (int i = 0; i < maxRounds; i++) {
            if (done.getAsBoolean()) {
                return i;
            }
            cycleAll();
            clock.advance(step);
        }
        return maxRounds;
    }

    /** The downstream is away: a credentials check Job fails (the fake Job's answer). */
    volatile boolean downstreamDown;

    DMRemediation resource() {
        return client.resources(DMRemediation.class).inNamespace(ns).withName("guard").get();
    }

    DMRemediationStatus status() {
        DMRemediation r = resource();
        return r == null || r.getStatus() == null ? new DMRemediationStatus() : r.getStatus();
    }

    String currentStep() {
        DMRemediation r = resource();
        ActiveRemediation a = r == null || r.getStatus() == null ? null : r.getStatus().active;
        return a == null ? null : a.step;
    }

    /**
     * One reconcile as JOSDK would run it (cleanup when the resource is being deleted); returns when the operator
     * wants to look again. A crash starts a new process; a conflict or an API error is retried by the next cycle.
     */
    static Map<String, Long> requests() {
        return kube.requests().snapshot();
    }

    static final java.util.concurrent.atomic.AtomicLong CYCLES = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicLong CYCLE_NANOS = new java.util.concurrent.atomic.AtomicLong();

    Duration cycle() {
        return cycle(resource());
    }

    /** One reconcile of {@code r} as this process's informer would hand it over. */
    Duration cycle(DMRemediation r) {
        long t0 = System.nanoTime();
        try {
            return cycleOnce(r);
        } finally {
            CYCLES.incrementAndGet();
            CYCLE_NANOS.addAndGet(System.nanoTime() - t0);
        }
    }

    private Duration cycleOnce(DMRemediation r) {
        if (r == null) {
            return Duration.ofSeconds(5);
        }
        DMRemediationReconciler current = reconciler;
        try {
            if (r.getMetadata().getDeletionTimestamp() != null) {
                DeleteControl c = current.cleanup(r, null);
                if (c.isRemoveFinalizer()) {
                    DMRemediation latest = resource();
                    latest.getMetadata().setFinalizers(new ArrayList<>());
                    client.resource(latest).update();
                }
                return Duration.ofSeconds(1);
            }
            var control = current.reconcile(r, null);
            return control.getScheduleDelay().map(Duration::ofMillis).orElse(Duration.ofSeconds(5));
        } catch (FaultPlan.Crash e) {
            crashes.add(e.getMessage());
            newProcess();
            return Duration.ofSeconds(1);
        } catch (KubernetesClientException e) {
            return Duration.ofSeconds(1);
        }
    }

    /** Cycles, moving the clock by what each asks for (at least 1 s, at most 2 min), until {@code done}. */
    int runUntil(java.util.function.Predicate<DMRemediation> done, int maxCycles) {
        for (int i = 0; i < maxCycles; i++) {
            DMRemediation r = resource();
            if (done.test(r)) {
                return i;
            }
            Duration next = cycle(r);
            clock.advance(clamp(next));
        }
        return maxCycles;
    }

    private static Duration clamp(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return d.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : d;
    }

    /** Empties the namespace: the shared mock API scans every stored object on each request. */
    void close() {
        DMRemediation r = resource();
        if (r != null) {
            r.getMetadata().setFinalizers(new ArrayList<>());
            try {
                client.resource(r).update();
            } catch (KubernetesClientException e) {
                // gone meanwhile
            }
            delete();
        }
        for (Secret secret : client.secrets().inNamespace(ns).list().getItems()) {
            if (secret.getMetadata().getFinalizers() != null && !secret.getMetadata().getFinalizers().isEmpty()) {
                secret.getMetadata().setFinalizers(new ArrayList<>());
                client.resource(secret).update();
            }
        }
        client.secrets().inNamespace(ns).delete();
        client.v1().events().inNamespace(ns).delete();
    }

    void delete() {
        client.resources(DMRemediation.class).inNamespace(ns).withName("guard").delete();
    }

    /** Paused, and pointed at another DM cluster: a remediation in flight must still finish on its own. */
    void changeSpec() {
        client.resources(DMRemediation.class).inNamespace(ns).withName("guard").edit(r -> {
            r.getSpec().paused = true;
            r.getSpec().cluster.dmClusterRef = null;
            r.getSpec().cluster.masterAddress = "http://other-dm-master." + ns + ":8261";
            r.getSpec().cluster.workerSelector = new LabelSelector(null, Map.of("app", "other"));
            return r;
        });
    }

    /** The saved-config Secrets in the namespace. */
    List<Secret> savedConfigs() {
        return client.secrets().inNamespace(ns).withLabel(ConfigVault.LABEL_REMEDIATION).list().getItems();
    }

    List<String> eventReasons() {
        return client.v1().events().inNamespace(ns).list().getItems().stream().map(e -> e.getReason()).toList();
    }

    /** The Kubernetes edges, real against the mock API, with the fault plan between them and the playbook. */
    private final class Edges implements PlaybookEdges {

        @Override
        public SavedConfigs vault(DMRemediation owner) {
            ConfigVault real = new ConfigVault(client, owner);
            return new SavedConfigs() {
                @Override
                public String save(ActiveRemediation a, String task, String yaml) {
                    String[] out = new String[1];
                    call("k8s.saveConfig", true, () -> out[0] = real.save(a, task, yaml));
                    return out[0];
                }

                @Override
                public Optional<String> load(ActiveRemediation a, String task) {
                    @SuppressWarnings("unchecked") Optional<String>[] out = new Optional[1];
                    call("k8s.loadConfig", false, () -> out[0] = real.load(a, task));
                    return out[0];
                }

                @Override
                public boolean has(ActiveRemediation a, String task) {
                    boolean[] out = new boolean[1];
                    call("k8s.hasConfig", false, () -> out[0] = real.has(a, task));
                    return out[0];
                }

                @Override
                public void release(String remediationId) {
                    call("k8s.releaseConfig", true, () -> real.release(remediationId));
                }
            };
        }

        @Override
        public RepairJobControl jobs(DMRemediation owner) {
            return jobs;
        }

        @Override
        public DownstreamCredentials downstream(DMRemediation owner) {
            return new DownstreamSecret(client, owner.getMetadata().getNamespace());
        }
    }
}
