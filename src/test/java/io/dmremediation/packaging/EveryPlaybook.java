package io.dmremediation.packaging;

import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.sandbox.World;
import java.time.Duration;
import java.util.Map;

/**
 * The scenario the read-only tests look at, on either world: DMRemediation {@value #NAME} guards task
 * {@value #TASK_1} (source {@value World#SOURCE_1}) and {@value #TASK_2} (relay source {@value World#SOURCE_2});
 * the world goes through FixSyncerCheckpoint, RestartTask (invalid connection) and FixRelayMeta, each verified
 * Succeeded, then the one-shot retry annotation twice. The operator must already run.
 */
public final class EveryPlaybook {

    public static final String NAME = "guard";
    /** Each world keeps its checkpoints in a meta schema of its own, so these names may recur in other tests. */
    public static final String TASK_1 = "shipments";
    public static final String TASK_2 = "ledger";

    private EveryPlaybook() {
    }

    /** Plays the scenario; {@code log} gets a line per stage (the test output shows where a slow one spent time). */
    public static void play(World world, java.util.function.Consumer<String> log) {
        world.startTask(TASK_1, World.SOURCE_1);
        world.startTask(TASK_2, World.SOURCE_2);
        world.apply(world.remediation(NAME, TASK_1, TASK_2));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "Healthy".equals(status(world).phase) && status(world).healthyTasks == 2);

        // the checkpoint fix first: attempts count per task, and its policy allows one
        world.dm().injectSyncerOverflow(TASK_1, World.SOURCE_1, "mysql-bin.000002");
        awaitOutcome(world, 1, "FixSyncerCheckpoint");
        log.accept("FixSyncerCheckpoint done");
        world.dm().injectInvalidConnection(TASK_1, World.SOURCE_1, Integer.MAX_VALUE);
        awaitOutcome(world, 2, "RestartTask");
        log.accept("RestartTask done");
        world.dm().injectRelayOverflow(World.SOURCE_2, "mysql-bin.000002");
        awaitOutcome(world, 3, "FixRelayMeta");
        log.accept("FixRelayMeta done");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "Healthy".equals(status(world).phase) && status(world).healthyTasks == 2);

        // the one-shot retry annotation, twice: the operator removes it (an update) and records the same
        // RetryRequested event twice (the second time by bumping the first one's count: a patch)
        for (int i = 0; i < 2; i++) {
            // a merge patch without resourceVersion, as kubectl annotate sends: the operator writes status meanwhile
            world.client().resources(DMRemediation.class).inNamespace(world.namespace()).withName(NAME)
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
        log.accept("retry annotations done");
    }

    private static DMRemediationStatus status(World world) {
        return world.status(NAME);
    }

    /** Waits until the history holds {@code count} finished remediations, the newest by {@code playbook}, Succeeded. */
    private static void awaitOutcome(World world, int count, String playbook) {
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> status(world).active == null
                && status(world).history.stream().filter(h -> !"Retry".equals(h.action)).count() >= count);
        var newest = status(world).history.get(0);
        if (!playbook.equals(newest.action) || !"Succeeded".equals(newest.outcome)) {
            throw new AssertionError("expected " + playbook + " Succeeded, history says " + newest.action + " "
                    + newest.outcome + ": " + newest.detail);
        }
    }
}
