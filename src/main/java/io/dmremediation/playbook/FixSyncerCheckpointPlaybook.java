package io.dmremediation.playbook;

import static io.dmremediation.playbook.Phase.BEFORE_STOP;
import static io.dmremediation.playbook.Phase.MUST_START;
import static io.dmremediation.playbook.Phase.RUNNING;
import static io.dmremediation.playbook.Phase.STOPPED;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.CheckpointFixState;
import io.dmremediation.api.CheckpointFixState.Rewrite;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Durations;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.playbook.StepResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The FAQ's fix for a binlog file over 4 GB in the syncer unit: stop the task (DM reloads checkpoints only for a
 * re-created subtask), rewrite the global and table checkpoints of the source that point into the big file to
 * position 4 of that file (a Job, after a backup), start the task with {@code safe-mode: true} so the replay of the
 * file is reentrant, wait until it has passed the file, then put the task's own safe-mode back.
 *
 * <p>Once the rewrite may be in place the task is never started with its original config before it has replayed
 * past the file: after any failure of the fix Job an inspect Job compares the rows with the backup, and only a
 * rewrite proven absent leads back to the original config.
 */
public final class FixSyncerCheckpointPlaybook implements Playbook {

    public static final String PREPARE = "Prepare";
    public static final String CHECK = "CheckFix";
    public static final String WAIT_CHECK = "WaitFixCheck";
    public static final String SAVE_CONFIG = "SaveConfig";
    public static final String STOP = "StopTask";
    public static final String VERIFY_STOPPED = "VerifyStopped";
    public static final String RUN_JOB = "RunFixJob";
    public static final String WAIT_JOB = "WaitFixJob";
    public static final String INSPECT = "InspectRewrite";
    public static final String WAIT_INSPECT = "WaitInspect";
    public static final String START_SAFE = "StartInSafeMode";
    public static final String VERIFY_PAST_FILE = "VerifyPastBigFile";
    public static final String RESTORE_STOP = "RestoreSafeModeStop";
    public static final String RESTORE_VERIFY_STOPPED = "RestoreSafeModeVerifyStopped";
    public static final String RESTORE_START = "RestoreSafeModeStart";
    public static final String RESTART_SAFE = "RestartInSafeMode";
    public static final String VERIFY_RUNNING = "VerifyRunning";
    public static final String START_ORIGINAL = "StartWithOriginalConfig";
    public static final String VERIFY_RECOVERED = "VerifyRecovered";

    private final StepTable steps = StepTable.builder()
            .step(PREPARE, BEFORE_STOP, FixSyncerCheckpointPlaybook::prepare, CHECK)
            // everything the fix needs (credentials, table, rows, GTID) is checked while the task still runs
            .step(CHECK, BEFORE_STOP, (a, ctx) -> JobSteps.create(a, ctx, JobSpecs.precheckJobName(a.id),
                    () -> JobSpecs.downstreamJob(ctx.owner(), JobSpecs.precheckJobName(a.id), a.id, ctx.remediation(),
                            "fix-checkpoint", fixArgs(a, "--check"), DownstreamTlsRequirement.forTask(ctx.dm(),
                                    a.task))), WAIT_CHECK)
            .step(WAIT_CHECK, BEFORE_STOP, (a, ctx) -> JobSteps.await(a, ctx, JobSpecs.precheckJobName(a.id),
                    "the checkpoint fix check", r -> StepResult.done("the checkpoint fix check succeeded"),
                    why -> StepResult.fail("the checkpoint fix check: " + why)), SAVE_CONFIG)
            .step(SAVE_CONFIG, BEFORE_STOP, (a, ctx) -> TaskLifecycle.saveConfigs(a, ctx, tasks(a)), STOP)
            .step(STOP, STOPPED, FixSyncerCheckpointPlaybook::stop, VERIFY_STOPPED, START_ORIGINAL)
            .step(VERIFY_STOPPED, STOPPED, (a, ctx) -> TaskLifecycle.verifyStopped(a, ctx, tasks(a)), RUN_JOB,
                    START_ORIGINAL)
            .step(RUN_JOB, STOPPED, FixSyncerCheckpointPlaybook::runJob, WAIT_JOB, INSPECT)
            .branches(RUN_JOB, START_ORIGINAL)
            .step(WAIT_JOB, STOPPED, FixSyncerCheckpointPlaybook::awaitJob, START_SAFE, INSPECT)
            .branches(WAIT_JOB, RUN_JOB, INSPECT)
            .step(INSPECT, STOPPED, (a, ctx) -> JobSteps.create(a, ctx, JobSpecs.inspectJobName(a.id),
                    () -> JobSpecs.downstreamJob(ctx.owner(), JobSpecs.inspectJobName(a.id), a.id, ctx.remediation(),
                            "fix-checkpoint", fixArgs(a, "--inspect"), tlsOfStoppedTask(a, ctx))), WAIT_INSPECT,
                    START_SAFE)
            .step(WAIT_INSPECT, STOPPED, FixSyncerCheckpointPlaybook::awaitInspect, START_SAFE, START_SAFE)
            .branches(WAIT_INSPECT, START_ORIGINAL)
            .step(START_SAFE, MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, tasks(a),
                    (task, saved) -> TaskYaml.withSafeMode(saved, a.source), TaskLifecycle.SAFE_MODE),
                    VERIFY_PAST_FILE)
            .step(VERIFY_PAST_FILE, RUNNING, FixSyncerCheckpointPlaybook::verifyPastFile, VERIFY_RUNNING)
            .branches(VERIFY_PAST_FILE, RESTORE_STOP)
            .step(RESTORE_STOP, STOPPED, (a, ctx) -> TaskLifecycle.stopTasks(a, ctx, "restore", tasks(a)),
                    RESTORE_VERIFY_STOPPED, RESTORE_START)
            .step(RESTORE_VERIFY_STOPPED, STOPPED, (a, ctx) -> TaskLifecycle.verifyStopped(a, ctx, tasks(a)),
                    RESTORE_START, RESTORE_START)
            // past the big file the original config is right again; if DM keeps refusing it, safe mode beats stopped
            .step(RESTORE_START, MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, tasks(a),
                    (task, saved) -> saved, TaskLifecycle.ORIGINAL), VERIFY_RUNNING, RESTART_SAFE)
            .step(RESTART_SAFE, MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, tasks(a),
                    (task, saved) -> TaskYaml.withSafeMode(saved, a.source), TaskLifecycle.SAFE_MODE),
                    VERIFY_RUNNING)
            .step(VERIFY_RUNNING, RUNNING, (a, ctx) -> TaskLifecycle.verifyRunning(a, ctx, tasks(a), success(a)),
                    null)
            .step(START_ORIGINAL, MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, tasks(a),
                    (task, saved) -> saved, TaskLifecycle.ORIGINAL), VERIFY_RECOVERED)
            .step(VERIFY_RECOVERED, RUNNING, FixSyncerCheckpointPlaybook::verifyRecovered, null)
            .build();

    @Override
    public Remedy remedy() {
        return Remedy.FIX_SYNCER_CHECKPOINT;
    }

    @Override
    public StepTable steps() {
        return steps;
    }

    private static List<String> tasks(ActiveRemediation a) {
        return List.of(a.task);
    }

    private static CheckpointFixState state(ActiveRemediation a) {
        if (a.checkpointFix == null) {
            a.checkpointFix = new CheckpointFixState();
        }
        return a.checkpointFix;
    }

    private static StepResult prepare(ActiveRemediation a, PlaybookContext ctx) {
        if (ctx.remediation().downstreamSecret() == null) {
            return StepResult.finish(Outcome.ABORTED, "spec.downstream.secretRef is not set; the checkpoint fix needs "
                    + "the downstream credentials");
        }
        DmSnapshot snapshot = ctx.dm().status(tasks(a));
        Optional<Subtask> subtask = snapshot.subtasksOf(a.task).stream()
                .filter(s -> a.source.equals(s.source())).findFirst();
        if (subtask.isEmpty()) {
            return StepResult.finish(Outcome.ABORTED, "task " + a.task + " has no subtask on source " + a.source);
        }
        Optional<String> named = BinlogFiles.namedIn(a.evidence == null ? "" : a.evidence);
        if (named.isEmpty()) {
            named = subtask.get().errors().stream().map(e -> BinlogFiles.namedIn(e.text()))
                    .flatMap(Optional::stream).findFirst();
        }
        Optional<String> checkpoint = Optional.ofNullable(subtask.get().sync())
                .map(s -> s.syncerBinlog()).map(l -> l.plainFile());
        if (named.isPresent() && checkpoint.isPresent() && !named.get().equals(checkpoint.get())) {
            return StepResult.fail("the error names binlog file " + named.get() + " but the syncer checkpoint is in "
                    + checkpoint.get() + "; refusing to guess, a human must look");
        }
        Optional<String> file = named.or(() -> checkpoint);
        if (file.isEmpty()) {
            return StepResult.fail("neither the error nor the checkpoint names the binlog file; cannot tell which "
                    + "file to rewind");
        }
        String config = ctx.dm().taskConfig(a.task);
        // the safe-mode config the task will be started with must be one DM takes: found out before any stop
        TaskYaml.withSafeMode(config, a.source);
        CheckpointFixState s = state(a);
        s.binlogFile = file.get();
        s.metaSchema = TaskYaml.metaSchema(config);
        s.originalSafeMode = TaskYaml.safeMode(config, a.source);
        s.gtidMode = gtidMode(ctx.dm().sourceConfig(a.source));
        s.rewrite = Rewrite.NotRun;
        return StepResult.done("binlog file " + s.binlogFile + ", meta schema " + s.metaSchema + ", source GTID mode "
                + s.gtidMode);
    }

    /** The source's {@code enable-gtid}: on, off, or unknown when DM-master did not give the config. */
    static String gtidMode(Optional<String> sourceYaml) {
        if (sourceYaml.isEmpty()) {
            return "unknown";
        }
        for (String line : sourceYaml.get().split("\n")) {
            String t = line.strip().toLowerCase(Locale.ROOT);
            if (t.startsWith("enable-gtid:")) {
                String v = t.substring("enable-gtid:".length()).strip();
                return v.startsWith("true") ? "on" : v.startsWith("false") ? "off" : "unknown";
            }
        }
        // DM's default is enable-gtid: false
        return "off";
    }

    private static List<String> fixArgs(ActiveRemediation a, String mode) {
        CheckpointFixState s = state(a);
        List<String> args = new ArrayList<>(List.of(
                "--meta-schema", s.metaSchema == null ? "dm_meta" : s.metaSchema,
                "--task", a.task,
                "--source", a.source,
                "--binlog-file", s.binlogFile,
                "--position", "4",
                "--remediation-id", a.id,
                "--source-gtid-mode", s.gtidMode == null ? "unknown" : s.gtidMode));
        if (mode != null) {
            args.add(mode);
        }
        return args;
    }

    private static StepResult stop(ActiveRemediation a, PlaybookContext ctx) {
        if (!TaskLifecycle.stoppedByUs(a).contains(a.task)) {
            if (Boolean.TRUE.equals(a.windingDown)) {
                return StepResult.finish(Outcome.ABORTED, "the resource is being deleted; the task was not stopped");
            }
            if (!Fence.errorStillThere(a, ctx.dm().status(tasks(a)))) {
                return StepResult.finish(Outcome.ABORTED, "the syncer error cleared before the fix; nothing was "
                        + "changed");
            }
        }
        return TaskLifecycle.stopTasks(a, ctx, "fix", tasks(a));
    }

    private static StepResult runJob(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.checkpointJobName(a.id);
        if (Boolean.TRUE.equals(a.windingDown) && ctx.jobs().get(name).isEmpty()
                && JobSteps.job(a, name).creations == null) {
            // no rewrite has been tried: being deleted, the task goes back as it was
            state(a).rewrite = Rewrite.NotApplied;
            return StepResult.next(START_ORIGINAL, "the resource is being deleted; the fix was not run");
        }
        return JobSteps.create(a, ctx, name, () -> JobSpecs.downstreamJob(ctx.owner(), name, a.id, ctx.remediation(),
                "fix-checkpoint", fixArgs(a, null), tlsOfStoppedTask(a, ctx)));
    }

    /** The task is stopped (DM-master forgot it): whether it wants TLS is in the copy saved before the stop. */
    private static boolean tlsOfStoppedTask(ActiveRemediation a, PlaybookContext ctx) {
        return DownstreamTlsRequirement.requiredBy(ctx.vault().load(a, a.task).orElse(""));
    }

    private static StepResult awaitJob(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.checkpointJobName(a.id);
        Optional<JobSteps.Ended> end = JobSteps.ended(a, ctx, name);
        if (end.isEmpty()) {
            return StepResult.waitFor(Duration.ofSeconds(1), "the checkpoint fix: Job " + name + " is running");
        }
        if (end.get() instanceof JobSteps.Ended.Succeeded s) {
            state(a).rewrite = Rewrite.Applied;
            return StepResult.done("the checkpoint fix (Job " + name + ") succeeded: " + TaskLifecycle.shorten(
                    JobSteps.reportMessage(s.report()).orElse(s.report())));
        }
        if (end.get() instanceof JobSteps.Ended.Gone) {
            return StepResult.next(RUN_JOB, "Job " + name + " is gone before it ended; creating it again");
        }
        // it may have committed before it failed (connection lost after COMMIT, deadline, pod killed): ask the
        // downstream, against the backup, before anything is started
        state(a).rewrite = Rewrite.Unknown;
        return StepResult.next(INSPECT, ((JobSteps.Ended.Failed) end.get()).why() + "; inspecting the checkpoints");
    }

    private static StepResult awaitInspect(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.inspectJobName(a.id);
        Optional<JobSteps.Ended> end = JobSteps.ended(a, ctx, name);
        if (end.isEmpty()) {
            return StepResult.waitFor(Duration.ofSeconds(1), "inspecting the checkpoint rewrite: Job " + name
                    + " is running");
        }
        String report = end.get() instanceof JobSteps.Ended.Succeeded s ? s.report()
                : end.get() instanceof JobSteps.Ended.Failed f ? f.report() : "";
        String result = JobSteps.reportField(report, "result").orElse("unknown");
        var fixJob = JobSteps.job(a, JobSpecs.checkpointJobName(a.id));
        String fixFailure = fixJob.failure;
        if (!"applied".equals(result) && "refused".equals(JobSteps.reportField(fixJob.report, "result").orElse(""))) {
            // the fixer itself said so: it refuses only before its transaction commits (a commit it lost sight of
            // is "unknown"), so its checkpoints are as the backup holds them
            result = "not-applied";
        }
        if ("not-applied".equals(result)) {
            state(a).rewrite = Rewrite.NotApplied;
            return StepResult.next(START_ORIGINAL, "the checkpoints are as the backup holds them: the task starts "
                    + "with its original config");
        }
        state(a).rewrite = "applied".equals(result) ? Rewrite.Applied : Rewrite.Unknown;
        if (fixFailure != null && a.recovery == null && !"applied".equals(result)) {
            // the fix's failure and the unknown rewrite are what the outcome reports, whatever follows
            a.recovery = new io.dmremediation.api.RecoveryState();
            a.recovery.since = ctx.now().toString();
            a.recovery.reason = TaskLifecycle.shorten(fixFailure + "; whether the rewrite is in place is unknown");
        }
        return StepResult.done(("applied".equals(result) ? "the rewrite is in place"
                : "whether the rewrite is in place is unknown") + " (" + (fixFailure == null ? "" : fixFailure + "; ")
                + "Job " + name + "): the task starts only in safe mode");
    }

    private static StepResult verifyPastFile(ActiveRemediation a, PlaybookContext ctx) {
        CheckpointFixState fix = state(a);
        String bigFile = fix.binlogFile;
        Optional<Subtask> st = ctx.dm().status(tasks(a)).subtasksOf(a.task).stream()
                .filter(s -> a.source.equals(s.source())).findFirst();
        if (st.isEmpty()) {
            return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for task " + a.task + " to be listed");
        }
        Subtask s = st.get();
        if (s.stage() == Stage.PAUSED && !s.errors().isEmpty()) {
            return StepResult.fail("task " + a.task + " paused while replaying " + bigFile + " in safe mode: "
                    + TaskLifecycle.shorten(s.errors().get(0).text()) + " (it keeps safe-mode: true until a human "
                    + "looks)");
        }
        String position = s.sync() == null || s.sync().syncerBinlog() == null ? "" : s.sync().syncerBinlog().toString();
        String file = s.sync() == null || s.sync().syncerBinlog() == null ? "" : s.sync().syncerBinlog().plainFile();
        boolean past = s.stage() == Stage.RUNNING && !file.isEmpty() && BinlogFiles.after(file, bigFile);
        if (past) {
            fix.rewrite = Rewrite.Applied;
            boolean restore = ctx.remediation().restoreSafeMode() && !Boolean.TRUE.equals(fix.originalSafeMode);
            return restore ? StepResult.next(RESTORE_STOP, "replayed past " + bigFile + " (now at " + position
                    + "); restoring the task's own safe-mode") : StepResult.done("replayed past " + bigFile
                    + " (now at " + position + ")");
        }
        // a 4 GB file takes a while: fail only when the position stops moving, not after a fixed time
        if (!position.equals(fix.progress)) {
            fix.progress = position;
            fix.progressAt = ctx.now().toString();
        }
        Duration still = Duration.between(Instant.parse(fix.progressAt), ctx.now());
        if (still.compareTo(ctx.settings().verifyTimeout()) > 0) {
            return StepResult.fail("task " + a.task + " has not moved from " + position + " for "
                    + Durations.format(ctx.settings().verifyTimeout()) + " while replaying " + bigFile
                    + " in safe mode");
        }
        return StepResult.waitFor(Duration.ofSeconds(2), "replaying " + bigFile + " in safe mode, at " + position);
    }

    private static StepResult verifyRecovered(ActiveRemediation a, PlaybookContext ctx) {
        StepResult r = TaskLifecycle.verifyRunning(a, ctx, tasks(a), "");
        String why = a.recovery != null && a.recovery.reason != null ? a.recovery.reason
                : JobSteps.job(a, JobSpecs.checkpointJobName(a.id)).failure != null
                ? JobSteps.job(a, JobSpecs.checkpointJobName(a.id)).failure : "the fix did not run";
        if (r instanceof StepResult.Finish) {
            return StepResult.finish(Outcome.FAILED, why + "; task " + a.task
                    + " was started again with its original config and runs");
        }
        if (r instanceof StepResult.Fail f) {
            return StepResult.finish(Outcome.FAILED, why + "; task " + a.task
                    + " was started again with its original config: " + f.reason());
        }
        return r;
    }

    private static String success(ActiveRemediation a) {
        CheckpointFixState s = state(a);
        String backup = JobSteps.reportField(JobSteps.job(a, JobSpecs.checkpointJobName(a.id)).report, "backupTable")
                .map(t -> " (backup table " + t + ")").orElse("");
        boolean restored = !Boolean.TRUE.equals(s.originalSafeMode)
                && TaskLifecycle.ORIGINAL.equals(TaskLifecycle.progress(a, a.task).startedWith);
        return "checkpoints of source " + a.source + " in " + s.binlogFile + " rewound to 4" + backup
                + "; replayed past it in safe mode" + (restored ? "; safe-mode restored" : "")
                + "; task " + a.task + " runs";
    }
}
