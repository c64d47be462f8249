package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.TaskProgress;
import io.dmremediation.api.TaskProgress.ActionState;
import io.dmremediation.dm.DmErrorReplyException;
import io.dmremediation.dm.TaskPresence;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Durations;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.playbook.StepResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The FAQ's stop-task / start-task as idempotent steps shared by the playbooks, over each task's
 * {@link TaskProgress}. A stop is on record as intended before it is sent; a stop is confirmed only by DM's own
 * "task not found"; a start is sent only for a task this remediation stopped and DM positively does not hold.
 */
public final class TaskLifecycle {

    static final Duration RECHECK = Duration.ofSeconds(1);
    /** How long a restarted task must keep running before it counts as running again. */
    static final Duration STABLE = Duration.ofSeconds(3);
    public static final String ORIGINAL = "Original";
    public static final String SAFE_MODE = "SafeMode";

    private TaskLifecycle() {
    }

    /** The task's progress record, created on first use. */
    public static TaskProgress progress(ActiveRemediation a, String task) {
        for (TaskProgress p : a.tasks) {
            if (task.equals(p.name)) {
                return p;
            }
        }
        TaskProgress p = new TaskProgress(task);
        a.tasks.add(p);
        return p;
    }

    /** Tasks this remediation stopped at least once. */
    public static List<String> stoppedByUs(ActiveRemediation a) {
        return a.tasks.stream().filter(p -> Boolean.TRUE.equals(p.stoppedByUs)).map(p -> p.name).toList();
    }

    /**
     * Saves each task's config from DM-master unless saved already, with the downstream password put back (DM masks
     * it). A task DM no longer holds ends the remediation: nothing has been stopped yet.
     */
    static StepResult saveConfigs(ActiveRemediation a, PlaybookContext ctx, List<String> tasks) {
        Optional<String> untrusted = ctx.masterNotAllowed();
        if (untrusted.isPresent()) {
            return StepResult.fail(untrusted.get());
        }
        for (String task : tasks) {
            TaskProgress p = progress(a, task);
            if (Boolean.TRUE.equals(p.configSaved) && ctx.vault().has(a, task)) {
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
                    return StepResult.fail(problem.get());
                }
                yaml = TaskYaml.withTargetPassword(yaml, ctx.downstream().password(secret).orElseThrow());
            }
            a.configSecret = ctx.vault().save(a, task, yaml);
            p.configSaved = true;
        }
        return StepResult.done("saved the config of " + String.join(", ", tasks) + " in Secret "
                + ConfigVault.secretName(a.id));
    }

    /**
     * stop-task for each task, in a {@code round} of its own (a playbook may stop a task again, e.g. to restore
     * safe mode). The intent is written before the stop is sent; after a crash an intended stop whose task is gone
     * counts as done.
     */
    static StepResult stopTasks(ActiveRemediation a, PlaybookContext ctx, String round, List<String> tasks) {
        for (String task : tasks) {
            TaskProgress p = progress(a, task);
            if (!round.equals(p.round)) {
                p.round = round;
                p.stop = null;
                p.start = null;
                p.runningSince.clear();
                p.runningFrom.clear();
            }
            if (p.stop == ActionState.Sent || p.stop == ActionState.Confirmed) {
                continue;
            }
            if (p.stop == null) {
                if (ctx.dm().taskPresence(task) == TaskPresence.ABSENT) {
                    if (stoppedByUs(a).isEmpty()) {
                        return StepResult.finish(Outcome.ABORTED, "task " + task + " disappeared from DM-master "
                                + "before the operator stopped it; not re-creating it");
                    }
                    return StepResult.fail("task " + task + " disappeared from DM-master before the operator "
                            + "stopped it");
                }
                if (!Boolean.TRUE.equals(p.configSaved) || !ctx.vault().has(a, task)) {
                    return StepResult.fail("the config of task " + task + " is not saved; not stopping it");
                }
                p.stop = ActionState.Intended;
                p.stoppedByUs = true;
                return new StepResult.Persist("stopping task " + task);
            }
            try {
                ctx.dm().stopTask(task);
            } catch (DmErrorReplyException e) {
                // gone already (sent before a crash, or stopped by someone else): what was asked for
                if (!e.isTaskNotFound()) {
                    throw e;
                }
            }
            p.stop = ActionState.Sent;
        }
        return StepResult.done("stop-task sent for " + String.join(", ", tasks));
    }

    /** Waits until DM-master says it no longer holds the tasks; a stop DM does not carry out in time fails. */
    static StepResult verifyStopped(ActiveRemediation a, PlaybookContext ctx, List<String> tasks) {
        List<String> still = new ArrayList<>();
        for (String task : tasks) {
            TaskProgress p = progress(a, task);
            if (p.stop == ActionState.Confirmed) {
                continue;
            }
            if (ctx.dm().taskPresence(task) == TaskPresence.ABSENT) {
                p.stop = ActionState.Confirmed;
            } else {
                still.add(task);
            }
        }
        if (still.isEmpty()) {
            return StepResult.done("DM-master says it no longer holds " + String.join(", ", tasks));
        }
        if (elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) > 0) {
            return StepResult.fail("DM-master still holds " + String.join(", ", still) + " "
                    + Durations.format(ctx.dmReactionTimeout()) + " after stop-task");
        }
        return StepResult.waitFor(RECHECK, "waiting for DM-master to drop " + String.join(", ", still));
    }

    /** How the config a task is started with is made from its saved config. */
    @FunctionalInterface
    interface ConfigEdit {
        String apply(String task, String saved);
    }

    /**
     * start-task for each task this remediation stopped and DM-master does not hold, from the saved config as
     * {@code edit} changes it; {@code mode} is recorded. A task DM holds again was started before a crash (or by a
     * person) and is not started twice.
     */
    static StepResult startTasks(ActiveRemediation a, PlaybookContext ctx, List<String> tasks, ConfigEdit edit,
                                 String mode) {
        List<String> started = new ArrayList<>();
        for (String task : tasks) {
            TaskProgress p = progress(a, task);
            if (!Boolean.TRUE.equals(p.stoppedByUs) || p.start == ActionState.Sent) {
                continue;
            }
            if (ctx.dm().taskPresence(task) == TaskPresence.PRESENT) {
                p.start = ActionState.Sent;
                continue;
            }
            String saved = ctx.vault().load(a, task).orElseThrow(() -> new SavedConfigMissing(task,
                    ConfigVault.secretName(a.id)));
            Optional<String> untrusted = ctx.masterNotAllowed();
            if (untrusted.isPresent()) {
                return StepResult.fail(untrusted.get());
            }
            try {
                ctx.dm().startTask(edit.apply(task, saved));
            } catch (DmErrorReplyException e) {
                if (!e.isTaskAlreadyExists()) {
                    throw e;
                }
            }
            p.start = ActionState.Sent;
            p.startedWith = mode;
            started.add(task);
        }
        return StepResult.done(started.isEmpty() ? "DM-master holds " + String.join(", ", tasks) + " again"
                : "start-task sent for " + String.join(", ", started)
                + (SAFE_MODE.equals(mode) ? " with safe-mode: true" : ""));
    }

    /**
     * The tasks run again: every subtask Running without errors for {@link #STABLE} and its position moved (or
     * synced). A subtask paused with errors again is a failure at once.
     */
    static StepResult verifyRunning(ActiveRemediation a, PlaybookContext ctx, List<String> tasks, String success) {
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
                    return StepResult.fail("task " + task + " paused again on source " + st.source() + ": "
                            + shorten(st.errors().get(0).text()));
                }
                if (!runsAndMoves(progress(a, task), ctx, st)) {
                    waiting.add(task + "/" + st.source() + " (" + st.stage().dmName() + ")");
                }
            }
        }
        if (waiting.isEmpty()) {
            return StepResult.finish(Outcome.SUCCEEDED, success);
        }
        if (elapsed(a, ctx).compareTo(ctx.settings().verifyTimeout()) > 0) {
            return StepResult.fail("not running " + Durations.format(ctx.settings().verifyTimeout())
                    + " after the restart: " + String.join(", ", waiting));
        }
        return StepResult.waitFor(RECHECK, "waiting for " + String.join(", ", waiting));
    }

    /**
     * Running without errors for {@link #STABLE} (DM may show Running for a moment before the next failure), and
     * either synced or with its position moved since first seen running.
     */
    private static boolean runsAndMoves(TaskProgress p, PlaybookContext ctx, Subtask st) {
        if (st.stage() == Stage.FINISHED) {
            return true;
        }
        String source = String.valueOf(st.source());
        if (st.stage() != Stage.RUNNING || !st.errors().isEmpty()) {
            p.runningSince.remove(source);
            p.runningFrom.remove(source);
            return false;
        }
        String position = st.sync() == null ? "" : String.valueOf(st.sync().syncerBinlog());
        if (!p.runningSince.containsKey(source)) {
            p.runningSince.put(source, ctx.now().toString());
            p.runningFrom.put(source, position);
            return false;
        }
        boolean stable = !Instant.parse(p.runningSince.get(source)).plus(STABLE).isAfter(ctx.now());
        boolean progressing = st.sync() == null || st.sync().synced()
                || !position.equals(p.runningFrom.getOrDefault(source, ""));
        return stable && progressing;
    }

    static Duration elapsed(ActiveRemediation a, PlaybookContext ctx) {
        if (a.stepStartedAt == null) {
            return Duration.ZERO;
        }
        return Duration.between(Instant.parse(a.stepStartedAt), ctx.now());
    }

    static String shorten(String text) {
        if (text == null) {
            return null;
        }
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
