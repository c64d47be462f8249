package io.dmremediation.packaging;

import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.operator.OperatorRunner;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One sandbox world in which the real operator has played out every playbook, for the tests that read it
 * (OperatorInSandboxTest: kubectl against it, the RBAC check of what the operator did), so the scenarios run once.
 *
 * <p>The operator runs with leader election and its own Kubernetes client, which records every request it sends
 * (method and URI) — the evidence for the chart's RBAC rules. DMRemediation {@value #NAME} guards task
 * {@value #TASK_1} (source {@value SandboxWorld#SOURCE_1}) and {@value #TASK_2} (relay source
 * {@value SandboxWorld#SOURCE_2}); the world goes through FixSyncerCheckpoint, RestartTask (invalid connection) and
 * FixRelayMeta, each verified Succeeded, then the one-shot retry annotation twice.
 */
final class PlayedSandbox {

    static final String NAME = "guard";
    /** Each world keeps its checkpoints in a meta schema of its own, so these names may recur in other tests. */
    static final String TASK_1 = "shipments";
    static final String TASK_2 = "ledger";
    static final String LEASE = "dmr-sandbox";
    static final String IDENTITY = "sandbox-replica-0";

    /** The state being played, for the waits below. */
    private static State state;

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
        state = new State(world, recording, requests);
        try {
            world.startOperator(o -> new OperatorRunner.Options(recording, o.namespaces(),
                    OperatorRunner.LeaderElection.of(LEASE, SandboxWorld.NAMESPACE, IDENTITY, () -> { }),
                    o.dmFactory(), o.addressRewrite(), o.clock(), o.jobImage(), o.registry(), o.useServerSideApply(),
                    o.snapshotMaxAge(), o.reconcileThreads(), o.stepGate()));
            world.startTask(TASK_1, SandboxWorld.SOURCE_1);
            world.startTask(TASK_2, SandboxWorld.SOURCE_2);
            world.apply(world.remediation(NAME, TASK_1, TASK_2));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> "Healthy".equals(status().phase) && status().healthyTasks == 2);

            // the checkpoint fix first: attempts count per task, and its policy allows one
            world.dm().injectSyncerOverflow(TASK_1, SandboxWorld.SOURCE_1, "mysql-bin.000002");
            awaitOutcome(1, "FixSyncerCheckpoint");
            log(t0, "FixSyncerCheckpoint done");
            world.dm().injectInvalidConnection(TASK_1, SandboxWorld.SOURCE_1, Integer.MAX_VALUE);
            awaitOutcome(2, "RestartTask");
            log(t0, "RestartTask done");
            world.dm().injectRelayOverflow(SandboxWorld.SOURCE_2, world.dm().nextBinlogFile(SandboxWorld.SOURCE_2));
            awaitOutcome(3, "FixRelayMeta");
            log(t0, "FixRelayMeta done");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> "Healthy".equals(status().phase) && status().healthyTasks == 2);

            // the one-shot retry annotation, twice: the operator removes it (an update) and records the same
            // RetryRequested event twice (the second time by bumping the first one's count: a patch)
            for (int i = 0; i < 2; i++) {
                // a merge patch without resourceVersion, as kubectl annotate sends: the operator writes status meanwhile
                world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE).withName(NAME)
                        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                                "{\"metadata\":{\"annotations\":{\"" + DMRemediation.RETRY_ANNOTATION + "\":\""
                                        + TASK_1 + "\"}}}");
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    Map<String, String> a = world.get(NAME).getMetadata().getAnnotations();
                    return a == null || !a.containsKey(DMRemediation.RETRY_ANNOTATION);
                });
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> world.events(NAME).stream()
                    .anyMatch(e -> "RetryRequested".equals(e.getReason()) && e.getCount() != null && e.getCount() >= 2));
            log(t0, "retry annotations done");
            State played = state;
            state = null;
            return played;
        } catch (RuntimeException | Error e) {
            state.close();
            state = null;
            throw e;
        }
    }

    /** Progress in the test's output file, for when a scenario is slow or stuck. */
    private static void log(long start, String what) {
        System.out.printf("PlayedSandbox: %s after %d ms%n", what, (System.nanoTime() - start) / 1_000_000);
    }

    private static DMRemediationStatus status() {
        return state.world().status(NAME);
    }

    /** Waits until the history holds {@code count} finished remediations, the newest by {@code playbook}, Succeeded. */
    private static void awaitOutcome(int count, String playbook) {
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> status().active == null
                && status().history.stream().filter(h -> !"Retry".equals(h.action)).count() >= count);
        var newest = status().history.get(0);
        if (!playbook.equals(newest.action) || !"Succeeded".equals(newest.outcome)) {
            throw new AssertionError("expected " + playbook + " Succeeded, history says " + newest.action + " "
                    + newest.outcome + ": " + newest.detail);
        }
    }
}
