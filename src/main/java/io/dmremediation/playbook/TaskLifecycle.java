package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.dm.DmErrorReplyException;
import io.dmremediation.domain.Durations;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.playbook.StepResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The FAQ's stop-task / start-task, as idempotent steps shared by the playbooks. Each checks DM's state first:
 * a task already gone is not stopped again, a task already there is not started again, and a stop is recorded as
 * intended before it is sent, so after a restart the operator knows a missing task was stopped by itself.
 */
final class TaskLifecycle {

    static final Duration RECHECK = Duration.ofSeconds(1);
    /** How long a restarted task must keep running before it counts as running again. */
    static final Duration STABLE = Duration.ofSeconds(3);

    private TaskLifecycle() {
    }

    /** A playbook may stop the same task twice (e.g. to restore safe mode); each stop is its own round. */
    static String stopIssuedKey(String round, String task) {
        return "stopIssued/" + round + "/" + task;
    }

    static String stopSentKey(String round, String task) {
        return "stopSent/" + round + "/" + task;
    }

    static String startedKey(String task) {
        return "started/" + task;
    }

    /** True when any round of this remediation issued a stop of the task. */
    static boolean stoppedByUs(ActiveRemediation a, String task) {
        return a.facts != null && a.facts.entrySet().stream().anyMatch(e -> e.getKey().startsWith("stopIssued/")
                && e.getKey().endsWith("/" + task) && "true".equals(e.getValue()));
    }

    /** Saves each task's config from DM-master unless already saved; a task DM no longer has aborts the playbook. */
    static StepResult saveConfigs(ActiveRemediation a, PlaybookContext ctx, List<String> tasks, String next) {
        for (String task : tasks) {
            if (ctx.vault().has(a, task)) {
                continue;
            }
            String yaml;
            try {
                yaml = ctx.dm().taskConfig(task);
            } catch (DmErrorReplyException e) {
                if (e.isTaskNotFound()) {
                    return StepResult.finish(Outcome.ABORTED, "task " + task + " no longer exists in DM-master");
                }
                throw e;
            }
            if (TaskYaml.passwordMasked(yaml)) {
                String secret = ctx.remediation().downstreamSecret();
                Optional<String> problem = ctx.downstream().problem(secret);
                if (problem.isPresent()) {
                    return StepResult.finish(Outcome.FAILED, problem.get() + "; nothing was changed");
                }
                yaml = TaskYaml.withTargetPassword(yaml, ctx.downstream().password(secret).orElseThrow());
            }
            a.configSecret = ctx.vault().save(a, task, yaml);
        }
        return StepResult.next(next, "saved the config of " + String.join(", ", tasks) + " in Secret "
                + ConfigVault.secretName(a.id));
    }

    /**
     * stop-task for each task. The intent is recorded first; a task found missing is only accepted as stopped
     * when the operator itself had issued the stop.
     */
    static StepResult stopTasks(ActiveRemediation a, PlaybookContext ctx, String round, List<String> tasks,
                                String next) {
        DmSnapshot snapshot = ctx.dm().status(tasks);
        for (String task : tasks) {
            boolean present = !snapshot.subtasksOf(task).isEmpty();
            boolean issued = Facts.is(a, stopIssuedKey(round, task));
            if (!present && !issued) {
                return StepResult.finish(Outcome.ABORTED, "task " + task
                        + " disappeared from DM-master before the operator stopped it; not re-creating it");
            }
            if (present && !ctx.vault().has(a, task)) {
                // the saved copy vanished before the stop: save it again while DM still has the task
                StepResult saved = saveConfigs(a, ctx, List.of(task), "");
                if (saved instanceof StepResult.Finish) {
                    return saved;
                }
            }
            if (present && !issued) {
                Facts.mark(a, stopIssuedKey(round, task));
                return new StepResult.Persist("stopping task " + task);
            }
            if (present && !Facts.is(a, stopSentKey(round, task))) {
                try {
                    ctx.dm().stopTask(task);
                } catch (DmErrorReplyException e) {
                    // gone between the status read and the stop: that is what was asked for
                    if (!e.isTaskNotFound()) {
                        throw e;
                    }
                }
                Facts.mark(a, stopSentKey(round, task));
            }
        }
        return StepResult.next(next, "stop-task sent for " + String.join(", ", tasks));
    }

    /** Waits until DM-master no longer lists the tasks (DM re-creates the subtasks only on a fresh start). */
    static StepResult verifyStopped(ActiveRemediation a, PlaybookContext ctx, List<String> tasks, String next,
                                    String onTimeout) {
        DmSnapshot snapshot = ctx.dm().status(tasks);
        List<String> still = tasks.stream().filter(t -> !snapshot.subtasksOf(t).isEmpty()).toList();
        if (still.isEmpty()) {
            return StepResult.next(next, "DM-master no longer lists " + String.join(", ", tasks));
        }
        if (elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) > 0) {
            return StepResult.next(onTimeout, "DM-master still lists " + String.join(", ", still) + " after "
                    + Durations.format(ctx.dmReactionTimeout()));
        }
        return StepResult.waitFor(RECHECK, "waiting for DM-master to drop " + String.join(", ", still));
    }

    /**
     * start-task for each task from the config {@code configFor} gives (the saved one, or an edit of it). A task
     * DM-master lists already was started before a restart of the operator and is not started again. Never gives
     * up: a task this operator stopped must run again.
     */
    static StepResult startTasks(ActiveRemediation a, PlaybookContext ctx, List<String> tasks,
                                 BiFunction<String, String, String> configFor, String next) {
        DmSnapshot snapshot = ctx.dm().status(tasks);
        for (String task : tasks) {
            if (!snapshot.subtasksOf(task).isEmpty()) {
                Facts.mark(a, startedKey(task));
                continue;
            }
            String saved = ctx.vault().load(a, task).orElseThrow(() -> new SavedConfigMissing(task,
                    ConfigVault.secretName(a.id)));
            try {
                ctx.dm().startTask(configFor.apply(task, saved));
            } catch (DmErrorReplyException e) {
                if (!e.isTaskAlreadyExists()) {
                    throw e;
                }
            }
            Facts.mark(a, startedKey(task));
        }
        return StepResult.next(next, "start-task sent for " + String.join(", ", tasks));
    }

    /**
     * The tasks run again: every subtask Running without errors and its sync position moved (or synced). A
     * subtask paused with errors again fails the playbook at once.
     */
    static StepResult verifyRunning(ActiveRemediation a, PlaybookContext ctx, List<String> tasks, String next) {
        DmSnapshot snapshot = ctx.dm().status(tasks);
        List<String> waiting = new ArrayList<>();
        for (String task : tasks) {
            List<Subtask> subtasks = snapshot.subtasksOf(task);
            if (subtasks.isEmpty()) {
                waiting.add(task + " (not listed yet)");
                continue;
            }
            for (Subtask st : subtasks) {
                if (!st.errors().isEmpty() && st.stage() == Stage.PAUSED) {
                    return StepResult.finish(Outcome.FAILED, "task " + task + " paused again on source "
                            + st.source() + ": " + shorten(st.errors().get(0).text()));
                }
                if (!runsAndMoves(a, ctx, task, st)) {
                    waiting.add(task + "/" + st.source() + " (" + st.stage().dmName() + ")");
                }
            }
        }
        if (waiting.isEmpty()) {
            return next == null ? StepResult.finish(Outcome.SUCCEEDED, "task " + String.join(", ", tasks)
                    + " runs again") : StepResult.next(next, "task " + String.join(", ", tasks) + " runs again");
        }
        if (elapsed(a, ctx).compareTo(ctx.settings().verifyTimeout()) > 0) {
            return StepResult.finish(Outcome.FAILED, "not running " + Durations.format(ctx.settings().verifyTimeout())
                    + " after the restart: " + String.join(", ", waiting));
        }
        return StepResult.waitFor(RECHECK, "waiting for " + String.join(", ", waiting));
    }

    /**
     * Running without errors for {@link #STABLE} (DM may show Running for a moment before the next failure), and
     * either synced or with its position moved since first seen running.
     */
    private static boolean runsAndMoves(ActiveRemediation a, PlaybookContext ctx, String task, Subtask st) {
        if (st.stage() == Stage.FINISHED) {
            return true;
        }
        String since = "runningSince/" + task + "/" + st.source();
        String from = "verifyFrom/" + task + "/" + st.source();
        if (st.stage() != Stage.RUNNING || !st.errors().isEmpty()) {
            a.facts.remove(since);
            a.facts.remove(from);
            return false;
        }
        String position = st.sync() == null ? "" : String.valueOf(st.sync().syncerBinlog());
        if (Facts.get(a, since).isEmpty()) {
            Facts.put(a, since, ctx.now().toString());
            Facts.put(a, from, position);
            return false;
        }
        boolean stable = !Instant.parse(Facts.get(a, since).get()).plus(STABLE).isAfter(ctx.now());
        boolean progressing = st.sync() == null || st.sync().synced() || !position.equals(Facts.get(a, from).orElse(""));
        return stable && progressing;
    }

    static Duration elapsed(ActiveRemediation a, PlaybookContext ctx) {
        if (a.stepStartedAt == null) {
            return Duration.ZERO;
        }
        return Duration.between(Instant.parse(a.stepStartedAt), ctx.now());
    }

    static String shorten(String text) {
        return text.length() <= 500 ? text : text.substring(0, 497) + "...";
    }

    /** The saved config is gone although the remediation still needs it: only a human can restore it. */
    static final class SavedConfigMissing extends RuntimeException {
        SavedConfigMissing(String task, String secret) {
            super("the saved config of task " + task + " is missing from Secret " + secret
                    + "; start the task by hand from your own copy of its config");
        }
    }
}
