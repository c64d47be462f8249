package io.dmremediation.packaging;

import io.dmremediation.operator.OperatorRunner;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One sandbox world in which the real operator has played out every playbook, for the tests that read it
 * (OperatorInSandboxTest: kubectl against it, the RBAC check of what the operator did), so the scenarios run once.
 *
 * <p>The operator runs with leader election and its own Kubernetes client, which records every request it sends
 * (method and URI) — the evidence for the chart's RBAC rules. The scenario is {@link EveryPlaybook}'s.
 */
final class PlayedSandbox {

    static final String NAME = EveryPlaybook.NAME;
    static final String TASK_1 = EveryPlaybook.TASK_1;
    static final String TASK_2 = EveryPlaybook.TASK_2;
    static final String LEASE = "dmr-sandbox";
    static final String IDENTITY = "sandbox-replica-0";

    private PlayedSandbox() {
    }

    /** What the scenarios left: the world, and the operator's own requests. */
    record State(SandboxWorld world, KubernetesClient operatorClient, List<String> operatorRequests)
            implements AutoCloseable {
        @Override
        public void close() {
            world.close();
            operatorClient.close();
        }
    }

    /** Plays the scenarios; close the returned state when done (it stops the operator and the world). */
    static synchronized State play() {
        long t0 = System.nanoTime();
        SandboxWorld world = SandboxWorld.builder().kubectl(true).build();
        log(t0, "world up");
        List<String> requests = new CopyOnWriteArrayList<>();
        KubernetesClient recording = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(world.client().getConfiguration()).build())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("rbac-evidence", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests.add(request.method() + " " + request.uri().getRawPath()
                                + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery()));
                    }
                }))
                .build();
        State state = new State(world, recording, requests);
        try {
            world.startOperator(o -> new OperatorRunner.Options(recording, o.namespaces(),
                    OperatorRunner.LeaderElection.of(LEASE, SandboxWorld.NAMESPACE, IDENTITY, () -> { }),
                    o.dmFactory(), o.addressRewrite(), o.clock(), o.jobImage(), o.registry(), o.useServerSideApply(),
                    o.snapshotMaxAge(), o.reconcileThreads(), o.stepGate(), o.jobPod(), o.workerPodSelector(),
                    o.tlsDmFactory(), o.timing()));
            EveryPlaybook.play(world, what -> log(t0, what));
            return state;
        } catch (RuntimeException | Error e) {
            state.close();
            throw e;
        }
    }

    /** Progress in the test's output file, for when a scenario is slow or stuck. */
    private static void log(long start, String what) {
        System.out.printf("PlayedSandbox: %s after %d ms%n", what, (System.nanoTime() - start) / 1_000_000);
    }
}
