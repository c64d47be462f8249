package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.playbook.StepResult.Outcome;
import java.util.List;

/**
 * The FAQ's answer to {@code invalid connection} and {@code driver: bad connection}: stop-task, then start-task
 * with the same config, so DM re-creates the subtask with fresh connections.
 */
public final class RestartTaskPlaybook implements Playbook {

    static final String SAVE_CONFIG = "SaveConfig";
    static final String STOP = "StopTask";
    static final String VERIFY_STOPPED = "VerifyStopped";
    static final String START = "StartTask";
    static final String VERIFY_RUNNING = "VerifyRunning";
    private static final String ROUND = "restart";

    @Override
    public Remedy remedy() {
        return Remedy.RESTART_TASK;
    }

    @Override
    public String firstStep() {
        return SAVE_CONFIG;
    }

    @Override
    public StepResult run(ActiveRemediation a, PlaybookContext ctx) {
        List<String> tasks = List.of(a.task);
        return switch (a.step) {
            case SAVE_CONFIG -> TaskLifecycle.saveConfigs(a, ctx, tasks, STOP);
            case STOP -> {
                if (!Facts.is(a, TaskLifecycle.stopIssuedKey(ROUND, a.task))
                        && !Fence.errorStillThere(a, ctx.dm().status(tasks))) {
                    yield StepResult.finish(Outcome.ABORTED, "the " + a.errorClass
                            + " error cleared before the restart; nothing was changed");
                }
                yield TaskLifecycle.stopTasks(a, ctx, ROUND, tasks, VERIFY_STOPPED);
            }
            case VERIFY_STOPPED -> TaskLifecycle.verifyStopped(a, ctx, tasks, START, START);
            case START -> TaskLifecycle.startTasks(a, ctx, tasks, (task, saved) -> saved, VERIFY_RUNNING);
            case VERIFY_RUNNING -> TaskLifecycle.verifyRunning(a, ctx, tasks, null);
            default -> throw new IllegalStateException("RestartTask has no step '" + a.step + "'");
        };
    }

    @Override
    public boolean abandon(ActiveRemediation a, PlaybookContext ctx) {
        return Abandon.restartStoppedTasks(a, ctx, List.of(a.task), (task, saved) -> saved);
    }
}
