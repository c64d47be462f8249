package io.dmremediation.operator;

import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.TaskState;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;

/** Shared waits and reads for tests that drive the real operator in the sandbox world. */
final class OperatorTestSupport {

    private OperatorTestSupport() {
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .dontCatchUncaughtExceptions();
    }

    static DMRemediationStatus status(SandboxWorld world, String name) {
        return world.status(name);
    }

    static void awaitStatus(SandboxWorld world, String name, Predicate<DMRemediationStatus> p) {
        eventually().until(() -> p.test(status(world, name)));
    }

    static TaskState row(DMRemediationStatus s, String task) {
        return s.tasks.stream().filter(t -> t.name.equals(task)).findFirst().orElseThrow();
    }

    static Optional<Condition> condition(DMRemediationStatus s, String type) {
        return s.conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static boolean conditionIs(DMRemediationStatus s, String type, String value) {
        return condition(s, type).map(c -> value.equals(c.getStatus())).orElse(false);
    }

    /** Starts the task and the resource guarding it, and waits until the operator calls it healthy. */
    static void guardHealthy(SandboxWorld world, DMRemediation r, String task, String... sources) {
        world.startTask(task, sources);
        world.apply(r);
        awaitStatus(world, r.getMetadata().getName(), s -> "Healthy".equals(s.phase));
    }

    static long reasons(SandboxWorld world, String name, String reason) {
        return world.events(name).stream().filter(e -> reason.equals(e.getReason())).count();
    }
}
