package io.dmremediation.policy;

import io.dmremediation.diagnosis.Remedy;
import java.time.Instant;

/** What to do about one finding now, with the reason a person reads in status and Events. */
public sealed interface Decision {

    String reason();

    /** Not yet: DM's own retry gets its time, or the backoff has not passed. */
    record Wait(Instant until, String reason) implements Decision {
    }

    /** Run a playbook now. {@code attempt} counts from 1. */
    record Act(Remedy playbook, int attempt, String reason) implements Decision {
    }

    /** Dry run: what {@link Act} would have done. */
    record Planned(Remedy playbook, int attempt, String reason) implements Decision {
    }

    /** Give up on this task and tell a human. */
    record Escalate(String reason) implements Decision {
    }

    /** Do nothing, for a reason that is not about time. */
    record Skip(Why why, String reason) implements Decision {
    }

    enum Why {
        /** An error the FAQ does not cover: reported, never acted on. */
        NOT_FAQ,
        /** The policy's action is None. */
        POLICY_NONE,
        /** spec.paused. */
        SPEC_PAUSED,
        /** A subtask of the task was paused by a person. */
        HUMAN_PAUSED,
        /** Escalated earlier and not cleared. */
        ESCALATED,
        /** This resource already runs a remediation. */
        IN_FLIGHT,
        /** maxConcurrentRemediations reached on this DM cluster. */
        BLAST_RADIUS,
        /** The fix needs something the spec does not give (e.g. downstream credentials). */
        NOT_CONFIGURED
    }
}
