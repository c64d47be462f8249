package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/**
 * On the fast layer: a deleted resource holds its finalizer while a task it stopped is left stopped, until DM holds
 * the task again or a person abandons it; the phase never says Healthy while Ready is False.
 */
class LifecycleEdgesTest {

    static boolean conditionTrue(DMRemediationStatus s, String type) {
        return s.conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** A task the operator stopped and DM will not start again: left stopped. */
    static FastWorld leftStopped() {
        FastWorld w = new FastWorld();
        w.dm.addTask(SafetyMatrixTest.TASK, SafetyMatrixTest.CONFIG);
        w.dm.breakTask(SafetyMatrixTest.TASK, SafetyMatrixTest.INVALID_CONNECTION);
        w.plans.add(new FaultPlan(FaultPlan.Kind.PERSISTENT_REFUSAL, "StartTask", "startTask", 0));
        w.create(SafetyMatrixTest.TASK);
        w.runUntil(r -> r.getStatus() != null && !r.getStatus().leftStopped.isEmpty(), 400);
        assertThat(w.status().leftStopped).hasSize(1);
        return w;
    }

    @Test
    void aDeletedResourceHoldsItsFinalizerWhileATaskItStoppedIsLeftStopped() {
        FastWorld w = leftStopped();
        String secret = w.status().leftStopped.get(0).configSecret;

        w.delete();
        w.runUntil(r -> false, 20);

        DMRemediation held = w.resource();
        assertThat(held).as("the finalizer holds").isNotNull();
        assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(conditionTrue(w.status(), "TaskLeftStopped")).isTrue();
        assertThat(w.client.secrets().inNamespace(w.ns).withName(secret).get()).isNotNull();

        // a person lets go
        w.client.resources(DMRemediation.class).inNamespace(w.ns).withName("guard").edit(r -> {
            r.getMetadata().setAnnotations(new HashMap<>(java.util.Map.of("dmremediation.io/abandon", "true")));
            return r;
        });
        w.runUntil(r -> r == null, 20);
        assertThat(w.resource()).isNull();
        var left = w.client.secrets().inNamespace(w.ns).withName(secret).get();
        assertThat(left == null || left.getMetadata().getFinalizers() == null
                || left.getMetadata().getFinalizers().isEmpty())
                .as("the saved config no longer holds on: it goes with the resource").isTrue();
        w.close();
    }

    @Test
    void aDeletedResourceGoesOnceDmHoldsTheTaskAgain() {
        FastWorld w = leftStopped();
        w.delete();
        w.runUntil(r -> false, 5);
        assertThat(w.resource()).isNotNull();

        w.plans.clear();
        w.dm.startTask(SafetyMatrixTest.CONFIG);
        w.runUntil(r -> r == null, 40);
        assertThat(w.resource()).isNull();
        assertThat(w.savedConfigs()).isEmpty();
        w.close();
    }

    @Test
    void aMissingTaskIsNotReadyNeverHealthy() {
        FastWorld w = new FastWorld();
        w.create(SafetyMatrixTest.TASK);
        w.runUntil(r -> r.getStatus() != null && r.getStatus().phase != null, 20);

        DMRemediationStatus s = w.status();
        assertThat(s.phase).isEqualTo("NotReady");
        assertThat(conditionTrue(s, "Ready")).isFalse();

        w.dm.addTask(SafetyMatrixTest.TASK, SafetyMatrixTest.CONFIG);
        w.runUntil(r -> "Healthy".equals(r.getStatus().phase), 20);
        assertThat(conditionTrue(w.status(), "Ready")).isTrue();
        w.close();
    }
}
