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

    static final String CHECK = "CheckCredentials";
    static final String WAIT_CHECK = "WaitCredentialsCheck";
    static final String CHECK_FAILED = "CredentialsRefused";
    static final String SAVE_CONFIG = "SaveConfig";
    static final String STOP = "StopTask";
    static final String VERIFY_STOPPED = "VerifyStopped";
    static final String START = "StartTask";
    static final String VERIFY_RUNNING = "VerifyRunning";
    private static final String ROUND = "restart";
    private static final String FAILURE = "failure";

    @Override
    public Remedy remedy() {
        return Remedy.RESTART_TASK;
    }

    @Override
    public String firstStep() {
        return CHECK;
    }

    @Override
    public StepResult run(ActiveRemediation a, PlaybookContext ctx) {
        List<String> tasks = List.of(a.task);
        String check = JobSpecs.precheckJobName(a.id);
        return switch (a.step) {
            // the task is started again with the Secret's password (DM hides its own copy): prove it works first
            case CHECK -> JobSteps.create(a, ctx, check, () -> JobSpecs.downstreamJob(ctx.owner(), check, a.id,
                    ctx.remediation(), "check-downstream", List.of(),
                    DownstreamTlsRequirement.forTask(ctx.dm(), a.task)), WAIT_CHECK, CHECK_FAILED, FAILURE);
            case WAIT_CHECK -> JobSteps.await(a, ctx, check, "the downstream credentials check", CHECK, SAVE_CONFIG,
                    CHECK_FAILED, "checkReport", FAILURE);
            case CHECK_FAILED -> StepResult.finish(Outcome.FAILED,
                    nothingChanged(Facts.get(a, FAILURE).orElse("the check failed")));
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

    /** A refusal before the first change says so once. */
    static String nothingChanged(String why) {
        return why.contains("nothing was changed") ? why : why + "; nothing was changed";
    }

    @Override
    public boolean abandon(ActiveRemediation a, PlaybookContext ctx) {
        return Abandon.restartStoppedTasks(a, ctx, List.of(a.task), (task, saved) -> saved);
    }
}
