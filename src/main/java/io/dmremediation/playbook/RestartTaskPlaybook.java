package io.dmremediation.playbook;

import static io.dmremediation.playbook.Phase.BEFORE_STOP;
import static io.dmremediation.playbook.Phase.MUST_START;
import static io.dmremediation.playbook.Phase.RUNNING;
import static io.dmremediation.playbook.Phase.STOPPED;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.playbook.StepResult.Outcome;
import java.util.List;

/**
 * The FAQ's answer to {@code invalid connection} and {@code driver: bad connection}: stop-task, then start-task
 * with the same config, so DM re-creates the subtask with fresh connections. One task, or the tasks of a storm-mode
 * batch: the same steps over each of them, so every promise of a single restart holds for each.
 */
public final class RestartTaskPlaybook implements Playbook {

    public static final String CHECK = "CheckCredentials";
    public static final String WAIT_CHECK = "WaitCredentialsCheck";
    public static final String SAVE_CONFIG = "SaveConfig";
    public static final String STOP = "StopTask";
    public static final String VERIFY_STOPPED = "VerifyStopped";
    public static final String START = "StartTask";
    public static final String VERIFY_RUNNING = "VerifyRunning";
    private static final String ROUND = "restart";

    private final StepTable steps = StepTable.builder()
            // the task is started again with the Secret's password (DM hides its own copy): prove it works first
            .step(CHECK, BEFORE_STOP, RestartTaskPlaybook::check, WAIT_CHECK)
            .step(WAIT_CHECK, BEFORE_STOP, RestartTaskPlaybook::awaitCheck, SAVE_CONFIG)
            .step(SAVE_CONFIG, BEFORE_STOP, (a, ctx) -> TaskLifecycle.saveConfigs(a, ctx, tasks(a)), STOP)
            .step(STOP, STOPPED, RestartTaskPlaybook::stop, VERIFY_STOPPED, START)
            .step(VERIFY_STOPPED, STOPPED, (a, ctx) -> TaskLifecycle.verifyStopped(a, ctx, tasks(a)), START, START)
            .step(START, MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, tasks(a),
                    (task, saved) -> saved, TaskLifecycle.ORIGINAL), VERIFY_RUNNING)
            .step(VERIFY_RUNNING, RUNNING, (a, ctx) -> TaskLifecycle.verifyRunning(a, ctx, tasks(a),
                    a.task != null ? "task " + a.task + " runs again" : "tasks " + String.join(", ", tasks(a))
                            + " run again", true), null)
            .build();

    @Override
    public Remedy remedy() {
        return Remedy.RESTART_TASK;
    }

    @Override
    public StepTable steps() {
        return steps;
    }

    /** Its task, or the tasks of a storm-mode batch (no task of its own, each listed in its state). */
    private static List<String> tasks(ActiveRemediation a) {
        return a.task != null ? List.of(a.task) : a.tasks.stream().map(p -> p.name).toList();
    }

    private static StepResult check(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.precheckJobName(a.id);
        return JobSteps.create(a, ctx, name, () -> JobSpecs.downstreamJob(ctx.owner(), name, a.id, ctx.remediation(),
                "check-downstream", List.of(), DownstreamTlsRequirement.forTask(ctx.dm(), tasks(a).get(0))));
    }

    static StepResult awaitCheck(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.precheckJobName(a.id);
        String what = "the downstream credentials check";
        return JobSteps.await(a, ctx, name, what,
                report -> StepResult.done(what + " (Job " + name + ") succeeded"),
                why -> StepResult.fail(what + ": " + why));
    }

    private static StepResult stop(ActiveRemediation a, PlaybookContext ctx) {
        boolean stopping = a.task != null ? TaskLifecycle.stoppedByUs(a).contains(a.task)
                : !TaskLifecycle.stoppedByUs(a).isEmpty();
        if (!stopping) {
            if (Boolean.TRUE.equals(a.windingDown)) {
                return StepResult.finish(Outcome.ABORTED, "the resource is being deleted; the task was not stopped");
            }
            if (a.task == null) {
                List<String> all = tasks(a);
                List<String> still = BatchFence.stillFailing(a, ctx.dm().status(all), all);
                if (still.isEmpty()) {
                    return StepResult.finish(Outcome.ABORTED, "the " + a.errorClass + " error of every task of the "
                            + "batch cleared before the restart; nothing was changed");
                }
                if (still.size() < all.size()) {
                    a.tasks.removeIf(p -> !still.contains(p.name));
                    return new StepResult.Persist("the error of " + (all.size() - still.size()) + " task(s) "
                            + "cleared: they leave the batch untouched; restarting " + String.join(", ", still));
                }
            } else if (!Fence.errorStillThere(a, ctx.dm().status(tasks(a)))) {
                return StepResult.finish(Outcome.ABORTED, "the " + a.errorClass
                        + " error cleared before the restart; nothing was changed");
            }
        }
        return TaskLifecycle.stopTasks(a, ctx, ROUND, tasks(a));
    }
}
