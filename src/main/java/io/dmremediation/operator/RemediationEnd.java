package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.dm.TaskPresence;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.PlaybookContext;
import io.dmremediation.playbook.StepResult.Outcome;
import io.dmremediation.playbook.TaskLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record: how a remediation ended — rows, history, Event, metrics, escalation — and the invariant after a stop made
 * good: every task it stopped is held by DM again, or it is recorded as left stopped (loudly, with the Secret
 * holding its config, which is then kept). The saved configs are deleted only when DM holds every task again.
 */
final class RemediationEnd {

    private static final Logger LOG = LoggerFactory.getLogger(RemediationEnd.class);

    private RemediationEnd() {
    }

    static void finish(CycleState s, ActiveRemediation a, Outcome outcome, String detail, PlaybookContext ctx) {
        List<String> notBack = notHeldAgain(a, ctx);
        if (!notBack.isEmpty() && outcome != Outcome.LEFT_STOPPED) {
            detail = detail + "; but DM-master does not hold " + String.join(", ", notBack) + " again";
            outcome = Outcome.LEFT_STOPPED;
        }
        String result = switch (outcome) {
            case SUCCEEDED -> "Succeeded";
            case FAILED -> "Failed";
            case ABORTED -> "Aborted";
            case LEFT_STOPPED -> "LeftStopped";
        };
        Duration took = Duration.between(Instant.parse(a.startedAt), s.services.clock().instant());
        s.services.metrics().remediation(a.errorClass, a.playbook, result, took);
        ErrorClass c = ErrorClass.fromId(a.errorClass);
        int maxAttempts = s.settings.policy(c).maxAttempts();
        for (TaskState row : affectedRows(s, a)) {
            int attempts = row.attempts == null ? 0 : row.attempts;
            if (outcome == Outcome.ABORTED) {
                attempts = Math.max(0, attempts - 1);
            } else {
                row.nextAttemptAfter = s.services.clock().instant().plus(s.settings.backoff().delayAfter(attempts))
                        .toString();
            }
            row.attempts = attempts;
            row.lastAction = a.playbook + ": " + result;
        }
        s.status.active = null;
        s.status.lastAction = a.playbook + " " + subject(a) + ": " + result;
        if (a.incident != null) {
            // a storm-mode batch: each task's history says what was done to it, as for a single restart
            for (var p : a.tasks) {
                s.history(p.name, a, result, detail);
            }
        } else {
            s.history(a.task == null ? a.trigger : a.task, a, result, detail);
        }
        EventReason reason = switch (outcome) {
            case SUCCEEDED -> EventReason.RemediationSucceeded;
            case FAILED, LEFT_STOPPED -> EventReason.RemediationFailed;
            case ABORTED -> EventReason.RemediationAborted;
        };
        s.event(reason, a.playbook + " " + subject(a) + ": " + detail);
        LOG.info("remediation finished id={} task={} source={} class={} playbook={} outcome={} detail={}", a.id,
                a.task, a.source, a.errorClass, a.playbook, result, detail);
        if (outcome == Outcome.LEFT_STOPPED) {
            for (String task : notBack.isEmpty() ? TaskLifecycle.stoppedByUs(a) : notBack) {
                LeftStopped.add(s, a, task, detail);
            }
        } else {
            SavedConfigSweep.release(s, ctx.vault(), ConfigVault.secretName(a.id));
        }
        if (outcome == Outcome.LEFT_STOPPED && a.relayFix != null && a.relayFix.relayOff != null) {
            // a relay this fix turned off and could not turn on again: no task may be stopped, so status.leftStopped
            // can be empty; the source's tasks are escalated instead, which is as loud (phase, condition, Event,
            // gauge) and holds every further action on them until a person has looked
            for (TaskState row : affectedRows(s, a)) {
                Finding pseudo = new Finding(row.name, a.source, a.worker, null, c, List.of(), detail);
                Escalation.escalate(s, row.name, pseudo, "the relay of source " + a.source
                        + " may be left off by " + a.playbook + ": " + detail);
            }
        }
        if (outcome == Outcome.FAILED) {
            for (TaskState row : affectedRows(s, a)) {
                if (row.attempts != null && row.attempts >= maxAttempts) {
                    Finding pseudo = new Finding(row.name, a.source, a.worker, null, c, List.of(), detail);
                    Escalation.escalate(s, row.name, pseudo, a.playbook + " failed on attempt " + row.attempts
                            + " of " + maxAttempts + ": " + detail);
                }
            }
        }
        s.services.slots().release(a.clusterKey != null ? a.clusterKey : s.target.key(), s.uid);
        Conditions.set(s.status, Conditions.REMEDIATING, false, "Idle", s.status.lastAction, s.generation, s.now);
        s.persist();
    }

    /**
     * The tasks this remediation stopped that DM-master does not positively hold again. DM-master not answering
     * counts as not held: the Secret is kept, and the next cycles let go of it once DM answers that it holds them.
     */
    private static List<String> notHeldAgain(ActiveRemediation a, PlaybookContext ctx) {
        List<String> missing = new ArrayList<>();
        for (String task : TaskLifecycle.stoppedByUs(a)) {
            try {
                if (ctx.dm().taskPresence(task) != TaskPresence.PRESENT) {
                    missing.add(task);
                }
            } catch (DmMasterException e) {
                missing.add(task);
            }
        }
        return missing;
    }

    /** The rows a remediation counts against: its task, or for a relay fix every guarded task on the source. */
    static List<TaskState> affectedRows(CycleState s, ActiveRemediation a) {
        if (a.incident != null) {
            java.util.Set<String> names = new java.util.HashSet<>();
            a.tasks.forEach(p -> names.add(p.name));
            return s.status.tasks.stream().filter(r -> names.contains(r.name)).toList();
        }
        if (a.task != null) {
            return s.status.tasks.stream().filter(r -> a.task.equals(r.name)).toList();
        }
        return s.status.tasks.stream().filter(r -> a.source.equals(r.source)
                || a.errorClass.equals(r.errorClass) && Objects.equals(a.trigger, r.name)).toList();
    }

    static String subject(ActiveRemediation a) {
        if (a.incident != null) {
            return a.tasks.size() + " task(s) of incident " + a.incident;
        }
        return a.task != null ? a.task : "relay of " + a.source;
    }
}
