package io.dmremediation.operator;

import io.dmremediation.api.DMRemediationStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.Optional;

/** Kubernetes-style conditions: lastTransitionTime moves only when the status flips. */
final class Conditions {

    static final String READY = "Ready";
    static final String REMEDIATING = "Remediating";
    static final String DEGRADED = "Degraded";
    static final String ESCALATED = "Escalated";
    static final String PAUSED = "Paused";
    static final String TASK_LEFT_STOPPED = "TaskLeftStopped";
    static final String STORM = "Storm";

    private Conditions() {
    }

    static void set(DMRemediationStatus s, String type, boolean value, String reason, String message, Long generation,
                    Instant now) {
        String v = value ? "True" : "False";
        Optional<Condition> existing = get(s, type);
        String transition = existing.filter(c -> v.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(now.toString());
        Condition c = new ConditionBuilder()
                .withType(type)
                .withStatus(v)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(transition)
                .build();
        s.conditions.removeIf(x -> type.equals(x.getType()));
        s.conditions.add(c);
        s.conditions.sort(java.util.Comparator.comparingInt(x -> order(x.getType())));
    }

    static Optional<Condition> get(DMRemediationStatus s, String type) {
        return s.conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static boolean isTrue(DMRemediationStatus s, String type) {
        return get(s, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static int order(String type) {
        return switch (type) {
            case READY -> 0;
            case REMEDIATING -> 1;
            case DEGRADED -> 2;
            case ESCALATED -> 3;
            case PAUSED -> 4;
            case TASK_LEFT_STOPPED -> 5;
            case STORM -> 6;
            default -> 7;
        };
    }
}
