package io.dmremediation.policy;

import io.dmremediation.domain.Durations;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import java.time.Instant;

/** From a finding, the task's memory, the settings and the clock, one decision. Pure. */
public final class Decider {

    private Decider() {
    }

    /**
     * @param context facts about the rest of the world the decision depends on
     */
    public static Decision decide(Finding finding, TaskMemory memory, Settings settings, DecisionContext context,
                                  Instant now) {
        ErrorClass c = finding.errorClass();
        if (c == ErrorClass.UNKNOWN) {
            return new Decision.Skip(Decision.Why.NOT_FAQ,
                    "not an error the DM FAQ covers: reported, not acted on (" + finding.reason() + ")");
        }
        if (context.humanPaused()) {
            return new Decision.Skip(Decision.Why.HUMAN_PAUSED,
                    "a subtask of this task was paused by a person; the operator does not act on it");
        }
        if (memory.escalated()) {
            return new Decision.Skip(Decision.Why.ESCALATED, "escalated after " + memory.attempts()
                    + " attempt(s); annotate dmremediation.io/retry=<task> or change the spec to try again");
        }
        if (settings.paused()) {
            return new Decision.Skip(Decision.Why.SPEC_PAUSED, "spec.paused is true: no new remediation");
        }
        ClassPolicy policy = settings.policy(c);
        if (!policy.acts()) {
            return new Decision.Skip(Decision.Why.POLICY_NONE, "the policy for " + c.id() + " is action None");
        }
        if (context.missingConfiguration() != null) {
            return new Decision.Skip(Decision.Why.NOT_CONFIGURED, context.missingConfiguration());
        }
        if (memory.attempts() >= policy.maxAttempts()) {
            return new Decision.Escalate(c.id() + " persists after " + memory.attempts() + " of "
                    + policy.maxAttempts() + " attempt(s)");
        }
        if (!policy.waitForAutoResume().isZero() && memory.firstSeen() != null) {
            Instant waitUntil = memory.firstSeen().plus(policy.waitForAutoResume());
            long pauses = memory.recentPauses().stream()
                    .filter(p -> p.isAfter(now.minus(policy.pauseWindow())))
                    .count();
            boolean repeated = policy.pauseThreshold() > 0 && pauses >= policy.pauseThreshold();
            if (now.isBefore(waitUntil) && !repeated) {
                return new Decision.Wait(waitUntil, "DM retries " + c.id() + " itself; waiting "
                        + Durations.format(policy.waitForAutoResume()) + " for its auto-resume");
            }
        }
        if (memory.nextAttemptAfter() != null && now.isBefore(memory.nextAttemptAfter())) {
            return new Decision.Wait(memory.nextAttemptAfter(), "backoff after attempt " + memory.attempts());
        }
        if (context.inFlightHere()) {
            return new Decision.Skip(Decision.Why.IN_FLIGHT, "another remediation of this resource is in flight");
        }
        if (context.inFlightOnCluster() >= settings.maxConcurrentRemediations()) {
            return new Decision.Skip(Decision.Why.BLAST_RADIUS, context.inFlightOnCluster()
                    + " remediation(s) in flight on this DM cluster, the limit maxConcurrentRemediations is "
                    + settings.maxConcurrentRemediations());
        }
        int attempt = memory.attempts() + 1;
        String why = c.id() + " on " + describe(finding) + ", attempt " + attempt + " of " + policy.maxAttempts();
        if (settings.dryRun()) {
            return new Decision.Planned(policy.playbook(), attempt, "dry run: would run " + policy.playbook().id()
                    + " for " + why);
        }
        return new Decision.Act(policy.playbook(), attempt, why);
    }

    private static String describe(Finding f) {
        return (f.task() == null ? "relay of source " : "task " + f.task() + " source ") + f.source();
    }
}
