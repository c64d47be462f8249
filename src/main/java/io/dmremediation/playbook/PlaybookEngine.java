package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.RecoveryState;
import io.dmremediation.dm.DmHttpStatusException;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.domain.Durations;
import io.dmremediation.playbook.StepResult.Outcome;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a remediation's steps from its playbook's table, and is the one place that decides where a failure leads
 * ({@link Phase}): before the first stop it ends the remediation; after it, to the step's recovery step; in a step
 * that must start stopped tasks, to another try with a backoff and, after the last, to {@code LeftStopped}. A
 * DM-master that does not answer is waited for, within the same bounds. Every transition is written through the
 * {@link Journal} before the next step runs.
 */
public final class PlaybookEngine {

    private static final Logger LOG = LoggerFactory.getLogger(PlaybookEngine.class);
    /** Tries of a must-start step before the task is declared left stopped (5 s doubling to 2 min: ~5 min). */
    public static final int MUST_START_TRIES = 6;
    static final Duration UNAVAILABLE_RECHECK = Duration.ofSeconds(5);
    private static final int MAX_STEPS_PER_CALL = 25;

    private PlaybookEngine() {
    }

    /** How a call to {@link #advance} ended. */
    public sealed interface Progress {
        /** Look again after this long. */
        record Waiting(Duration recheck, String note) implements Progress {
        }

        /** DM-master did not answer properly; the step is on record and runs again when it does. */
        record Unavailable(Duration recheck, String message) implements Progress {
        }

        record Finished(Outcome outcome, String detail) implements Progress {
        }
    }

    /** Runs steps until one waits, the remediation finishes, or the per-call budget is used. */
    public static Progress advance(Playbook playbook, ActiveRemediation a, PlaybookContext ctx, Journal journal) {
        StepTable table = playbook.steps();
        for (int i = 0; i < MAX_STEPS_PER_CALL; i++) {
            Optional<Step> found = table.get(a.step);
            if (found.isEmpty()) {
                // a status written by another version of the operator: the safe way on is recovery, if any
                return failure(table, new Step(String.valueOf(a.step), Phase.STOPPED, (x, c) -> null, null,
                        recoveryOf(table)), a, ctx, journal, "unknown step '" + a.step + "' in the status");
            }
            Step step = found.get();
            if (Boolean.TRUE.equals(a.windingDown) && step.phase() == Phase.BEFORE_STOP) {
                return new Progress.Finished(Outcome.ABORTED, "the resource is being deleted; the remediation ended "
                        + "before any change");
            }
            if (step.phase() == Phase.MUST_START && a.recovery != null && a.recovery.nextTryAt != null
                    && Instant.parse(a.recovery.nextTryAt).isAfter(ctx.now())) {
                return new Progress.Waiting(Duration.between(ctx.now(), Instant.parse(a.recovery.nextTryAt)),
                        a.message);
            }
            StepResult r;
            try {
                r = step.body().run(a, ctx);
            } catch (DmMasterException e) {
                if (unavailable(e)) {
                    return unavailable(table, step, a, ctx, journal, e.getMessage());
                }
                r = StepResult.fail(e.getMessage());
            } catch (KubernetesClientException e) {
                // the API server's trouble, or a conflict with a newer writer: the next reconcile reads afresh
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("step {} of remediation {} failed: {}", step.name(), a.id, e.toString());
                r = StepResult.fail(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (r instanceof StepResult.Done || r instanceof StepResult.Next || r instanceof StepResult.Persist) {
                journal.afterStep(a, step.name());
            }
            if (r instanceof StepResult.Done d) {
                moveTo(a, ctx, journal, step, step.next(), d.note());
            } else if (r instanceof StepResult.Next n) {
                if (!table.leadsTo(step.name(), n.step())) {
                    throw new IllegalStateException("step " + step.name() + " branched to undeclared step " + n.step());
                }
                moveTo(a, ctx, journal, step, n.step(), n.note());
            } else if (r instanceof StepResult.Persist p) {
                a.message = p.note();
                journal.persist(a);
            } else if (r instanceof StepResult.Wait w) {
                a.message = w.note();
                return new Progress.Waiting(w.recheckAfter(), w.note());
            } else if (r instanceof StepResult.Finish f) {
                return finished(a, f);
            } else if (r instanceof StepResult.Fail f) {
                Progress p = failure(table, step, a, ctx, journal, f.reason());
                if (p != null) {
                    return p;
                }
            }
        }
        return new Progress.Waiting(Duration.ofSeconds(1), a.message);
    }

    /** A remediation that had to leave its normal path did not succeed, even when its tasks run again. */
    private static Progress finished(ActiveRemediation a, StepResult.Finish f) {
        if (f.outcome() == Outcome.SUCCEEDED && a.recovery != null && a.recovery.reason != null) {
            return new Progress.Finished(Outcome.FAILED, a.recovery.reason + "; recovered: " + f.detail());
        }
        return new Progress.Finished(f.outcome(), f.detail());
    }

    private static void moveTo(ActiveRemediation a, PlaybookContext ctx, Journal journal, Step from, String to,
                               String note) {
        if (to == null) {
            throw new IllegalStateException("step " + from.name() + " is done but names no next step");
        }
        LOG.info("remediation step id={} task={} source={} {} -> {}: {}", a.id, a.task, a.source, from.name(), to,
                note);
        a.step = to;
        a.stepStartedAt = ctx.now().toString();
        a.message = note;
        if (a.recovery != null && from.phase() == Phase.MUST_START) {
            // the must-start step worked: the next one gets its own tries
            a.recovery.tries = null;
            a.recovery.nextTryAt = null;
        }
        journal.persist(a);
    }

    /** Where a failure of {@code step} leads. Null: the remediation moved on and the loop continues. */
    private static Progress failure(StepTable table, Step step, ActiveRemediation a, PlaybookContext ctx,
                                    Journal journal, String reason) {
        String why = reason == null || reason.isBlank() ? "step " + step.name() + " failed" : reason;
        switch (step.phase()) {
            case BEFORE_STOP:
                return new Progress.Finished(Outcome.FAILED, nothingChanged(why));
            case RUNNING:
                return new Progress.Finished(Outcome.FAILED, why);
            case STOPPED:
                if (a.recovery == null) {
                    a.recovery = new RecoveryState();
                    a.recovery.since = ctx.now().toString();
                    a.recovery.reason = TaskLifecycle.shorten(why);
                }
                a.recovery.lastError = TaskLifecycle.shorten(why);
                LOG.warn("remediation {} step {} failed after a stop, recovering through {}: {}", a.id, step.name(),
                        step.onFailure(), why);
                moveTo(a, ctx, journal, step, step.onFailure(), "recovering: " + why);
                return null;
            case MUST_START:
            default:
                // only the retry bookkeeping: a start that works on a later try is still the normal path
                RecoveryState rs = a.recovery == null ? new RecoveryState() : a.recovery;
                a.recovery = rs;
                int tries = (rs.tries == null ? 0 : rs.tries) + 1;
                rs.tries = tries;
                rs.lastError = TaskLifecycle.shorten(why);
                if (tries >= MUST_START_TRIES) {
                    if (step.onFailure() != null) {
                        if (rs.reason == null) {
                            // a fallback is not the normal path: the outcome says why it was taken
                            rs.since = ctx.now().toString();
                            rs.reason = TaskLifecycle.shorten("step " + step.name() + " failed " + tries
                                    + " times (" + why + "); fell back to " + step.onFailure());
                        }
                        rs.tries = null;
                        rs.nextTryAt = null;
                        moveTo(a, ctx, journal, step, step.onFailure(), "after " + tries + " tries: " + why);
                        return null;
                    }
                    return new Progress.Finished(Outcome.LEFT_STOPPED, "could not start the stopped task(s) again after "
                            + tries + " tries: " + why);
                }
                Duration backoff = ctx.timing().retryDelay(tries);
                rs.nextTryAt = ctx.now().plus(backoff).toString();
                a.message = "try " + tries + " of " + MUST_START_TRIES + " failed, next in " + Durations.format(backoff)
                        + ": " + TaskLifecycle.shorten(why);
                journal.persist(a);
                return new Progress.Waiting(backoff, a.message);
        }
    }

    private static Progress unavailable(StepTable table, Step step, ActiveRemediation a, PlaybookContext ctx,
                                        Journal journal, String message) {
        Duration inStep = TaskLifecycle.elapsed(a, ctx);
        String why = "DM-master did not answer for " + Durations.format(inStep) + ": " + message;
        switch (step.phase()) {
            case MUST_START:
                // every unanswered try counts: a task must not wait stopped and unannounced for a DM-master
                return failure(table, step, a, ctx, journal, why);
            case RUNNING:
                if (inStep.compareTo(ctx.settings().verifyTimeout()) > 0) {
                    return failure(table, step, a, ctx, journal, why);
                }
                break;
            default:
                if (inStep.compareTo(ctx.dmReactionTimeout()) > 0) {
                    Progress p = failure(table, step, a, ctx, journal, why);
                    return p != null ? p : new Progress.Unavailable(UNAVAILABLE_RECHECK, message);
                }
        }
        a.message = "waiting for DM-master: " + message;
        return new Progress.Unavailable(UNAVAILABLE_RECHECK, message);
    }

    /** Not an answer from DM: retry later, never read it as a refusal. */
    static boolean unavailable(DmMasterException e) {
        return switch (e.kind()) {
            case UNREACHABLE, TIMEOUT, BAD_REPLY -> true;
            case HTTP_STATUS -> !(e instanceof DmHttpStatusException h) || h.status() >= 500 || h.status() == 0;
            case ERROR_REPLY, UNSUPPORTED -> false;
        };
    }

    /** The first must-start step of a table: where an unreadable state recovers. */
    private static String recoveryOf(StepTable table) {
        return table.steps().stream().filter(s -> s.phase() == Phase.MUST_START).map(Step::name).findFirst()
                .orElse(table.first());
    }

    static String nothingChanged(String why) {
        return why.contains("nothing was changed") ? why : why + "; nothing was changed";
    }
}
