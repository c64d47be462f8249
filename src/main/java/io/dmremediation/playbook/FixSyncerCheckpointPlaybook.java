package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Durations;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.playbook.StepResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The FAQ's fix for a binlog file over 4 GB in the syncer unit: stop the task (DM reloads checkpoints only for a
 * re-created subtask), rewrite the global and table checkpoints of the source that point into the big file to
 * position 4 of that file (a Job, after a backup), start the task with {@code safe-mode: true} so the replay of the
 * file is reentrant, wait until it has passed the file, then put the task's own safe-mode back.
 */
public final class FixSyncerCheckpointPlaybook implements Playbook {

    static final String PREPARE = "Prepare";
    static final String CHECK = "CheckFix";
    static final String WAIT_CHECK = "WaitFixCheck";
    static final String CHECK_FAILED = "FixRefused";
    static final String SAVE_CONFIG = "SaveConfig";
    static final String STOP = "StopTask";
    static final String VERIFY_STOPPED = "VerifyStopped";
    static final String RUN_JOB = "RunFixJob";
    static final String WAIT_JOB = "WaitFixJob";
    static final String START_SAFE = "StartInSafeMode";
    static final String VERIFY_PAST_FILE = "VerifyPastBigFile";
    static final String RESTORE_STOP = "RestoreSafeModeStop";
    static final String RESTORE_VERIFY_STOPPED = "RestoreSafeModeVerifyStopped";
    static final String RESTORE_START = "RestoreSafeModeStart";
    static final String VERIFY_RUNNING = "VerifyRunning";
    static final String START_ORIGINAL = "StartWithOriginalConfig";

    static final String FILE = "binlogFile";
    static final String SCHEMA = "metaSchema";
    static final String GTID = "sourceGtidMode";
    static final String FAILURE = "failure";
    static final String REPORT = "fixReport";
    static final String PROGRESS = "progress";
    static final String PROGRESS_AT = "progressAt";

    @Override
    public Remedy remedy() {
        return Remedy.FIX_SYNCER_CHECKPOINT;
    }

    @Override
    public String firstStep() {
        return PREPARE;
    }

    @Override
    public StepResult run(ActiveRemediation a, PlaybookContext ctx) {
        List<String> tasks = List.of(a.task);
        String check = JobSpecs.precheckJobName(a.id);
        String fix = JobSpecs.checkpointJobName(a.id);
        return switch (a.step) {
            case PREPARE -> prepare(a, ctx);
            // everything the fix needs (credentials, table, rows, GTID) is checked while the task still runs
            case CHECK -> JobSteps.create(a, ctx, check, () -> JobSpecs.downstreamJob(ctx.owner(), check, a.id,
                    ctx.remediation(), "fix-checkpoint", fixArgs(a, true),
                    DownstreamTlsRequirement.forTask(ctx.dm(), a.task)), WAIT_CHECK, CHECK_FAILED, FAILURE);
            case WAIT_CHECK -> JobSteps.await(a, ctx, check, "the checkpoint fix check", CHECK, SAVE_CONFIG,
                    CHECK_FAILED, "checkReport", FAILURE);
            case CHECK_FAILED -> StepResult.finish(Outcome.FAILED,
                    RestartTaskPlaybook.nothingChanged(Facts.get(a, FAILURE).orElse("the check failed")));
            case SAVE_CONFIG -> TaskLifecycle.saveConfigs(a, ctx, tasks, STOP);
            case STOP -> {
                if (!Facts.is(a, TaskLifecycle.stopIssuedKey("fix", a.task))
                        && !Fence.errorStillThere(a, ctx.dm().status(tasks))) {
                    yield StepResult.finish(Outcome.ABORTED, "the syncer error cleared before the fix; nothing was changed");
                }
                yield TaskLifecycle.stopTasks(a, ctx, "fix", tasks, VERIFY_STOPPED);
            }
            case VERIFY_STOPPED -> TaskLifecycle.verifyStopped(a, ctx, tasks, RUN_JOB, START_ORIGINAL);
            // the task is stopped (DM-master forgot it): its config is the copy saved before the stop
            case RUN_JOB -> JobSteps.create(a, ctx, fix, () -> JobSpecs.downstreamJob(ctx.owner(),
                    JobSpecs.checkpointJobName(a.id), a.id, ctx.remediation(), "fix-checkpoint", fixArgs(a, false),
                    DownstreamTlsRequirement.requiredBy(ctx.vault().load(a, a.task).orElse(""))), WAIT_JOB,
                    START_ORIGINAL, FAILURE);
            case WAIT_JOB -> JobSteps.await(a, ctx, fix, "the checkpoint fix", RUN_JOB, START_SAFE, START_ORIGINAL,
                    REPORT, FAILURE);
            case START_SAFE -> TaskLifecycle.startTasks(a, ctx, tasks,
                    (task, saved) -> TaskYaml.withSafeMode(saved, a.source), VERIFY_PAST_FILE);
            case VERIFY_PAST_FILE -> verifyPastFile(a, ctx);
            case RESTORE_STOP -> TaskLifecycle.stopTasks(a, ctx, "restore", tasks, RESTORE_VERIFY_STOPPED);
            case RESTORE_VERIFY_STOPPED -> TaskLifecycle.verifyStopped(a, ctx, tasks, RESTORE_START, RESTORE_START);
            case RESTORE_START -> TaskLifecycle.startTasks(a, ctx, tasks, (task, saved) -> saved, VERIFY_RUNNING);
            case VERIFY_RUNNING -> {
                StepResult r = TaskLifecycle.verifyRunning(a, ctx, tasks, null);
                yield r instanceof StepResult.Finish f && f.outcome() == Outcome.SUCCEEDED
                        ? StepResult.finish(Outcome.SUCCEEDED, success(a, true)) : r;
            }
            case START_ORIGINAL -> {
                StepResult r = TaskLifecycle.startTasks(a, ctx, tasks, (task, saved) -> saved, "");
                yield r instanceof StepResult.Next ? StepResult.finish(Outcome.FAILED,
                        Facts.get(a, FAILURE).orElse("the fix did not run") + "; task " + a.task
                                + " was started again with its original config") : r;
            }
            default -> throw new IllegalStateException("FixSyncerCheckpoint has no step '" + a.step + "'");
        };
    }

    private StepResult prepare(ActiveRemediation a, PlaybookContext ctx) {
        if (ctx.remediation().downstreamSecret() == null) {
            return StepResult.finish(Outcome.ABORTED, "spec.downstream.secretRef is not set; the checkpoint fix needs "
                    + "the downstream credentials");
        }
        DmSnapshot snapshot = ctx.dm().status(List.of(a.task));
        Optional<Subtask> subtask = snapshot.subtasksOf(a.task).stream()
                .filter(s -> a.source.equals(s.source())).findFirst();
        if (subtask.isEmpty()) {
            return StepResult.finish(Outcome.ABORTED, "task " + a.task + " has no subtask on source " + a.source);
        }
        Optional<String> named = BinlogFiles.namedIn(Facts.get(a, "evidence").orElse(""));
        if (named.isEmpty()) {
            named = subtask.get().errors().stream().map(e -> BinlogFiles.namedIn(e.text()))
                    .flatMap(Optional::stream).findFirst();
        }
        Optional<String> checkpoint = Optional.ofNullable(subtask.get().sync())
                .map(s -> s.syncerBinlog()).map(l -> l.plainFile());
        if (named.isPresent() && checkpoint.isPresent() && !named.get().equals(checkpoint.get())) {
            return StepResult.finish(Outcome.FAILED, "the error names binlog file " + named.get()
                    + " but the syncer checkpoint is in " + checkpoint.get() + "; refusing to guess, a human must look");
        }
        Optional<String> file = named.or(() -> checkpoint);
        if (file.isEmpty()) {
            return StepResult.finish(Outcome.FAILED, "neither the error nor the checkpoint names the binlog file; "
                    + "cannot tell which file to rewind");
        }
        String config = ctx.dm().taskConfig(a.task);
        Facts.put(a, FILE, file.get());
        Facts.put(a, SCHEMA, TaskYaml.metaSchema(config));
        Facts.put(a, "originalSafeMode", String.valueOf(TaskYaml.safeMode(config, a.source)));
        Facts.put(a, GTID, gtidMode(ctx.dm().sourceConfig(a.source)));
        return StepResult.next(CHECK, "binlog file " + file.get() + ", meta schema " + Facts.get(a, SCHEMA).get()
                + ", source GTID mode " + Facts.get(a, GTID).get());
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

    private static List<String> fixArgs(ActiveRemediation a, boolean check) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--meta-schema", Facts.get(a, SCHEMA).orElse("dm_meta"),
                "--task", a.task,
                "--source", a.source,
                "--binlog-file", Facts.get(a, FILE).orElseThrow(),
                "--position", "4",
                "--remediation-id", a.id,
                "--source-gtid-mode", Facts.get(a, GTID).orElse("unknown")));
        if (check) {
            args.add("--check");
        }
        return args;
    }

    private StepResult verifyPastFile(ActiveRemediation a, PlaybookContext ctx) {
        String bigFile = Facts.get(a, FILE).orElseThrow();
        Optional<Subtask> st = ctx.dm().status(List.of(a.task)).subtasksOf(a.task).stream()
                .filter(s -> a.source.equals(s.source())).findFirst();
        if (st.isEmpty()) {
            return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for task " + a.task + " to be listed");
        }
        Subtask s = st.get();
        if (s.stage() == Stage.PAUSED && !s.errors().isEmpty()) {
            return StepResult.finish(Outcome.FAILED, "task " + a.task + " paused while replaying " + bigFile
                    + " in safe mode: " + TaskLifecycle.shorten(s.errors().get(0).text())
                    + " (it keeps safe-mode: true until a human looks)");
        }
        String position = s.sync() == null || s.sync().syncerBinlog() == null ? "" : s.sync().syncerBinlog().toString();
        String file = s.sync() == null || s.sync().syncerBinlog() == null ? "" : s.sync().syncerBinlog().plainFile();
        boolean past = s.stage() == Stage.RUNNING && !file.isEmpty() && BinlogFiles.after(file, bigFile);
        if (past) {
            boolean restore = ctx.remediation().restoreSafeMode() && !Facts.is(a, "originalSafeMode");
            return restore ? StepResult.next(RESTORE_STOP, "replayed past " + bigFile + " (now at " + position
                    + "); restoring the task's own safe-mode") : StepResult.next(VERIFY_RUNNING, "replayed past "
                    + bigFile + " (now at " + position + ")");
        }
        // a 4 GB file takes a while: fail only when the position stops moving, not after a fixed time
        if (!position.equals(Facts.get(a, PROGRESS).orElse(null))) {
            Facts.put(a, PROGRESS, position);
            Facts.put(a, PROGRESS_AT, ctx.now().toString());
        }
        Duration still = Duration.between(java.time.Instant.parse(Facts.get(a, PROGRESS_AT).orElseThrow()), ctx.now());
        if (still.compareTo(ctx.settings().verifyTimeout()) > 0) {
            return StepResult.finish(Outcome.FAILED, "task " + a.task + " has not moved from " + position + " for "
                    + Durations.format(ctx.settings().verifyTimeout()) + " while replaying " + bigFile
                    + " in safe mode");
        }
        return StepResult.waitFor(Duration.ofSeconds(2), "replaying " + bigFile + " in safe mode, at " + position);
    }

    private static String success(ActiveRemediation a, boolean running) {
        String backup = Facts.get(a, REPORT).flatMap(FixSyncerCheckpointPlaybook::backupTable)
                .map(t -> " (backup table " + t + ")").orElse("");
        boolean restored = !Facts.is(a, "originalSafeMode") && Facts.is(a, TaskLifecycle.stopIssuedKey("restore", a.task));
        return "checkpoints of source " + a.source + " in " + Facts.get(a, FILE).orElse("?") + " rewound to 4" + backup
                + "; replayed past it in safe mode" + (restored ? "; safe-mode restored" : "")
                + (running ? "; task " + a.task + " runs" : "");
    }

    static Optional<String> backupTable(String report) {
        var m = java.util.regex.Pattern.compile("\"backupTable\"\\s*:\\s*\"([^\"]+)\"").matcher(report);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public boolean abandon(ActiveRemediation a, PlaybookContext ctx) {
        return Abandon.restartStoppedTasks(a, ctx, List.of(a.task), (task, saved) -> saved);
    }
}
