package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Worker;
import io.dmremediation.playbook.StepResult.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The FAQ's fix for a binlog file over 4 GB in the relay unit: stop the source's tasks and its relay, set
 * {@code binlog-pos = 4} in the current relay sub-directory's {@code relay.meta} (a Job on the worker's node with
 * the worker's volume, after a backup), restart the DM-worker so it re-pulls the file, resume relay and tasks.
 *
 * <p>Stopping mechanism: DM's own relay control through DM-master's OpenAPI ({@code relay/disable|enable}, DM 6+;
 * {@code stop-relay|start-relay}, DM 5.3/5.4) — DM then writes nothing to the relay directory while the Job edits
 * it — and the worker restart by deleting its pod (the StatefulSet re-creates it). Without OpenAPI the playbook
 * refuses before touching anything. Tasks are stopped with stop-task after their configs are saved.
 */
public final class FixRelayMetaPlaybook implements Playbook {

    static final String PREPARE = "Prepare";
    static final String SAVE_CONFIGS = "SaveConfigs";
    static final String STOP_TASKS = "StopTasks";
    static final String DISABLE_RELAY = "DisableRelay";
    static final String VERIFY_STOPPED = "VerifyStopped";
    static final String RUN_JOB = "RunFixJob";
    static final String WAIT_JOB = "WaitFixJob";
    static final String RESTART_WORKER = "RestartWorker";
    static final String WAIT_WORKER = "WaitWorker";
    static final String ENABLE_RELAY = "EnableRelay";
    static final String START_TASKS = "StartTasks";
    static final String VERIFY = "VerifyRelayAndTasks";
    static final String RECOVER_RELAY = "RecoverEnableRelay";
    static final String RECOVER_TASKS = "RecoverStartTasks";

    static final String TASKS = "tasks";
    static final String WORKER = "worker";
    static final String POD = "pod";
    static final String POD_UID = "podUid";
    static final String NODE = "node";
    static final String CLAIM = "claim";
    static final String RELAY_DIR = "relayDir";
    static final String SUB_DIR = "relaySubDir";
    static final String FILE = "binlogFile";
    static final String FAILURE = "failure";
    static final String SYNCER_TOO = "syncerCheckpointsToo";
    static final String ROUND = "relay";

    static final String RECOVER_VERIFY = "RecoverVerify";

    private final StepTable steps = StepTable.builder()
            .step(PREPARE, Phase.BEFORE_STOP, this::prepare, SAVE_CONFIGS)
            .step(SAVE_CONFIGS, Phase.BEFORE_STOP, (a, ctx) -> TaskLifecycle.saveConfigs(a, ctx, tasks(a)), STOP_TASKS)
            .step(STOP_TASKS, Phase.STOPPED, this::stopTasks, DISABLE_RELAY, RECOVER_RELAY)
            .step(DISABLE_RELAY, Phase.STOPPED, (a, ctx) -> {
                ctx.dm().disableRelay(a.source, List.of(Facts.get(a, WORKER).orElseThrow()));
                Facts.mark(a, "relayDisabled");
                return StepResult.done("relay of " + a.source + " disabled on " + Facts.get(a, WORKER).get());
            }, VERIFY_STOPPED, RECOVER_RELAY)
            .step(VERIFY_STOPPED, Phase.STOPPED, this::verifyStopped, RUN_JOB, RECOVER_RELAY)
            .step(RUN_JOB, Phase.STOPPED, this::runJob, WAIT_JOB, RECOVER_RELAY)
            .step(WAIT_JOB, Phase.STOPPED, this::awaitJob, RESTART_WORKER, RECOVER_RELAY)
            .branches(WAIT_JOB, RUN_JOB)
            .step(RESTART_WORKER, Phase.STOPPED, this::restartWorker, WAIT_WORKER, RECOVER_RELAY)
            .step(WAIT_WORKER, Phase.STOPPED, this::waitWorker, ENABLE_RELAY, RECOVER_RELAY)
            .step(ENABLE_RELAY, Phase.MUST_START, (a, ctx) -> {
                ctx.dm().enableRelay(a.source, List.of(Facts.get(a, WORKER).orElseThrow()));
                return StepResult.done("relay of " + a.source + " enabled on " + Facts.get(a, WORKER).get());
            }, START_TASKS)
            .step(START_TASKS, Phase.MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, tasks(a),
                    (t, saved) -> saved, TaskLifecycle.ORIGINAL), VERIFY)
            .step(VERIFY, Phase.RUNNING, (a, ctx) -> verify(a, ctx, tasks(a)), null)
            .step(RECOVER_RELAY, Phase.MUST_START, (a, ctx) -> {
                if (Facts.is(a, "relayDisabled")) {
                    ctx.dm().enableRelay(a.source, List.of(Facts.get(a, WORKER).orElseThrow()));
                }
                return StepResult.done("relay of " + a.source + " enabled again");
            }, RECOVER_TASKS)
            .step(RECOVER_TASKS, Phase.MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, tasks(a),
                    (t, saved) -> saved, TaskLifecycle.ORIGINAL), RECOVER_VERIFY)
            .step(RECOVER_VERIFY, Phase.RUNNING, (a, ctx) -> {
                StepResult r = TaskLifecycle.verifyRunning(a, ctx, tasks(a), "");
                String why = a.recovery != null && a.recovery.reason != null ? a.recovery.reason
                        : "the relay fix did not run";
                if (r instanceof StepResult.Finish || r instanceof StepResult.Fail) {
                    return StepResult.fail(why + "; relay and tasks " + String.join(", ", tasks(a))
                            + " were started again as they were");
                }
                return r;
            }, null)
            .build();

    @Override
    public Remedy remedy() {
        return Remedy.FIX_RELAY_META;
    }

    @Override
    public StepTable steps() {
        return steps;
    }

    @Override
    public boolean coversSource() {
        return true;
    }

    private static List<String> tasks(ActiveRemediation a) {
        return Facts.list(a, TASKS);
    }

    private StepResult stopTasks(ActiveRemediation a, PlaybookContext ctx) {
        List<String> tasks = tasks(a);
        if (TaskLifecycle.stoppedByUs(a).isEmpty()) {
            if (Boolean.TRUE.equals(a.windingDown)) {
                return StepResult.finish(Outcome.ABORTED, "the resource is being deleted; nothing was stopped");
            }
            if (!Fence.errorStillThere(a, ctx.dm().status(tasks))) {
                return StepResult.finish(Outcome.ABORTED, "the relay error of source " + a.source
                        + " cleared before the fix; nothing was changed");
            }
        }
        return TaskLifecycle.stopTasks(a, ctx, ROUND, tasks);
    }

    private StepResult awaitJob(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.relayJobName(a.id);
        java.util.Optional<JobSteps.Ended> end = JobSteps.ended(a, ctx, name);
        if (end.isEmpty()) {
            return StepResult.waitFor(Duration.ofSeconds(1), "the relay.meta fix: Job " + name + " is running");
        }
        if (end.get() instanceof JobSteps.Ended.Gone) {
            return StepResult.next(RUN_JOB, "Job " + name + " is gone before it ended; creating it again");
        }
        if (end.get() instanceof JobSteps.Ended.Failed f) {
            return StepResult.fail("the relay.meta fix: " + f.why());
        }
        return StepResult.done("the relay.meta fix (Job " + name + ") succeeded");
    }

    private StepResult prepare(ActiveRemediation a, PlaybookContext ctx) {
        if (ctx.dm().relayStatus(a.source).isEmpty()) {
            return StepResult.fail("stopping the relay needs DM-master's OpenAPI (openapi = true in "
                    + "dm-master's config); nothing was changed");
        }
        List<String> tasks = tasksOnSource(a, ctx);
        DmSnapshot snapshot = ctx.dm().status(tasks);
        Optional<Relay> relay = snapshot.relayOf(a.source);
        if (relay.isEmpty()) {
            return StepResult.finish(Outcome.ABORTED, "DM-master reports no relay for source " + a.source);
        }
        String worker = relay.get().worker() != null ? relay.get().worker() : a.worker;
        Optional<Worker> member = ctx.dm().workers().stream().filter(w -> w.name().equals(worker)).findFirst();
        Optional<Pod> pod = ctx.pods().find(worker, member.map(Worker::address).orElse(null));
        if (pod.isEmpty()) {
            return StepResult.fail("no pod found for DM-worker " + worker
                    + " (check spec.cluster); nothing was changed");
        }
        RemediationSettings rs = ctx.remediation();
        Optional<String> claim = pod.get().getSpec().getVolumes() == null ? Optional.empty()
                : pod.get().getSpec().getVolumes().stream().filter(v -> rs.volumeName().equals(v.getName()))
                        .map(Volume::getPersistentVolumeClaim).filter(java.util.Objects::nonNull)
                        .map(c -> c.getClaimName()).findFirst();
        if (claim.isEmpty()) {
            return StepResult.fail("pod " + pod.get().getMetadata().getName()
                    + " has no persistent volume named " + rs.volumeName() + "; the relay log is on an ephemeral disk "
                    + "and is lost on restart anyway; nothing was changed");
        }
        Optional<String> relayDir = relayDir(ctx, a.source, worker);
        if (relayDir.isEmpty() || !under(relayDir.get(), rs.volumeMountPath())) {
            return StepResult.fail("nothing was changed: the relay log is on an ephemeral disk ("
                    + relayDir.orElse("relay-dir is relative or unset") + " is not under the worker's volume "
                    + rs.volumeMountPath() + "); set relay-dir under " + rs.volumeMountPath()
                    + " as the TiDB Operator docs say, or spec.relay.relayDir");
        }
        String subDir = relay.get().relaySubDir();
        if (subDir == null || subDir.isBlank()) {
            return StepResult.fail("DM-master does not report the relay sub-directory of source "
                    + a.source + "; nothing was changed");
        }
        Optional<String> metaFile = Optional.ofNullable(relay.get().relayBinlog()).map(l -> l.plainFile());
        Optional<String> named = BinlogFiles.namedIn(a.evidence == null ? "" : a.evidence);
        if (named.isPresent() && metaFile.isPresent() && !named.get().equals(metaFile.get())) {
            return StepResult.fail("the relay error names binlog file " + named.get()
                    + " but relay.meta points into " + metaFile.get() + "; refusing to guess, a human must look");
        }
        Optional<String> file = metaFile.or(() -> named);
        if (file.isEmpty()) {
            return StepResult.fail("cannot tell which binlog file overflowed; nothing was changed");
        }
        List<String> syncerToo = Diagnosis.diagnose(snapshot).stream()
                .filter(f -> f.errorClass() == ErrorClass.SYNCER_BINLOG_OVERFLOW && a.source.equals(f.source()))
                .map(f -> f.task()).toList();
        Facts.putList(a, TASKS, tasks);
        Facts.put(a, WORKER, worker);
        Facts.put(a, POD, pod.get().getMetadata().getName());
        Facts.put(a, POD_UID, pod.get().getMetadata().getUid());
        Facts.put(a, NODE, String.valueOf(pod.get().getSpec().getNodeName()));
        Facts.put(a, CLAIM, claim.get());
        Facts.put(a, RELAY_DIR, relayDir.get());
        Facts.put(a, SUB_DIR, subDir);
        Facts.put(a, FILE, file.get());
        Facts.putList(a, SYNCER_TOO, syncerToo);
        return StepResult.done("relay of " + a.source + " on " + worker + " (pod "
                + pod.get().getMetadata().getName() + ", volume " + claim.get() + "): " + relayDir.get() + "/" + subDir
                + ", file " + file.get() + "; tasks " + String.join(", ", tasks));
    }

    /** Every task with a subtask on the source: they all read its relay. Needs OpenAPI to list beyond the guarded. */
    private static List<String> tasksOnSource(ActiveRemediation a, PlaybookContext ctx) {
        Set<String> names = new LinkedHashSet<>();
        Optional<List<String>> all = ctx.dm().taskNames();
        DmSnapshot snapshot = ctx.dm().status(all.orElse(a.task == null ? List.of(trigger(a)) : List.of(a.task)));
        for (Subtask s : snapshot.subtasksOnSource(a.source)) {
            names.add(s.task());
        }
        return new ArrayList<>(names);
    }

    private static String trigger(ActiveRemediation a) {
        return a.trigger;
    }

    /**
     * The relay directory as the worker sees it: spec.relay.relayDir when the user set it (DM 5.4+ worker
     * relay-dir), else the source's absolute relay-dir; a relative one lives on the container's ephemeral disk.
     */
    private static Optional<String> relayDir(PlaybookContext ctx, String source, String worker) {
        RemediationSettings rs = ctx.remediation();
        String dir = rs.relayDir();
        if (dir == null) {
            dir = ctx.dm().sourceConfig(source).flatMap(FixRelayMetaPlaybook::relayDirOf).orElse(null);
        }
        if (dir == null || !dir.startsWith("/")) {
            return Optional.empty();
        }
        dir = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        return Optional.of(rs.perWorkerRelayDir() ? dir + "/" + worker : dir);
    }

    static Optional<String> relayDirOf(String sourceYaml) {
        for (String line : sourceYaml.split("\n")) {
            String t = line.strip();
            if (t.startsWith("relay-dir:")) {
                String v = t.substring("relay-dir:".length()).strip();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isEmpty() ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    static boolean under(String path, String mount) {
        String m = mount.endsWith("/") ? mount : mount + "/";
        return (path + "/").startsWith(m) && !path.contains("/../") && !path.endsWith("/..");
    }

    private StepResult verifyStopped(ActiveRemediation a, PlaybookContext ctx) {
        StepResult tasksGone = TaskLifecycle.verifyStopped(a, ctx, tasks(a));
        if (!(tasksGone instanceof StepResult.Done)) {
            return tasksGone;
        }
        String worker = Facts.get(a, WORKER).orElseThrow();
        List<Relay> relays = ctx.dm().relayStatus(a.source).orElse(List.of());
        boolean running = relays.stream().anyMatch(r -> worker.equals(r.worker()) && r.stage() != Stage.STOPPED);
        if (!running) {
            return StepResult.done("tasks and the relay of " + a.source + " on " + worker + " are stopped");
        }
        if (TaskLifecycle.elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) > 0) {
            return StepResult.fail("DM did not stop the relay of " + a.source + " on " + worker);
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for the relay of " + a.source + " to stop");
    }

    private StepResult runJob(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.relayJobName(a.id);
        if (ctx.jobs().get(name).isEmpty()) {
            int creations = Integer.parseInt(Facts.get(a, "jobCreations").orElse("0"));
            if (creations >= 2) {
                return StepResult.fail("the relay fix Job " + name + " disappeared twice");
            }
            // the pod may have moved since Prepare: the Job must run where the volume is
            Optional<Pod> pod = ctx.pods().get(Facts.get(a, POD).orElseThrow());
            if (pod.isEmpty() || pod.get().getSpec().getNodeName() == null) {
                return StepResult.waitFor(Duration.ofSeconds(2), "waiting for pod " + Facts.get(a, POD).get()
                        + " to be scheduled");
            }
            Facts.put(a, NODE, pod.get().getSpec().getNodeName());
            Facts.put(a, "jobCreations", String.valueOf(creations + 1));
            ctx.jobs().createIfAbsent(JobSpecs.relayMetaJob(ctx.owner(), a.id, ctx.remediation(), List.of(
                    "--relay-dir", Facts.get(a, RELAY_DIR).orElseThrow(),
                    "--sub-dir", Facts.get(a, SUB_DIR).orElseThrow(),
                    "--binlog-file", Facts.get(a, FILE).orElseThrow(),
                    "--position", "4",
                    "--remediation-id", a.id),
                    pod.get().getSpec().getNodeName(), Facts.get(a, CLAIM).orElseThrow(),
                    pod.get().getSpec().getTolerations()));
        }
        return StepResult.done("Job " + name + " rewrites relay.meta on node " + Facts.get(a, NODE).orElse("?"));
    }

    private StepResult restartWorker(ActiveRemediation a, PlaybookContext ctx) {
        String podName = Facts.get(a, POD).orElseThrow();
        Optional<Pod> pod = ctx.pods().get(podName);
        String oldUid = Facts.get(a, POD_UID).orElse("");
        if (!Facts.is(a, "restartIssued")) {
            Facts.mark(a, "restartIssued");
            return new StepResult.Persist("restarting DM-worker pod " + podName);
        }
        if (pod.isPresent() && oldUid.equals(pod.get().getMetadata().getUid())
                && pod.get().getMetadata().getDeletionTimestamp() == null) {
            ctx.pods().delete(podName);
        }
        return StepResult.done("deleted pod " + podName + "; its StatefulSet starts a new DM-worker");
    }

    private StepResult waitWorker(ActiveRemediation a, PlaybookContext ctx) {
        String podName = Facts.get(a, POD).orElseThrow();
        String worker = Facts.get(a, WORKER).orElseThrow();
        Optional<Pod> pod = ctx.pods().get(podName);
        boolean newPodReady = pod.isPresent() && !Facts.get(a, POD_UID).orElse("").equals(pod.get().getMetadata().getUid())
                && WorkerPods.ready(pod.get());
        boolean online = newPodReady && ctx.dm().workers().stream()
                .anyMatch(w -> w.name().equals(worker) && !"offline".equals(w.stage()));
        if (online) {
            return StepResult.done("DM-worker " + worker + " is back (pod " + podName + ")");
        }
        if (TaskLifecycle.elapsed(a, ctx).compareTo(Duration.ofMinutes(10)) > 0) {
            return StepResult.fail("DM-worker " + worker + " did not come back within 10m after its pod was deleted");
        }
        return StepResult.waitFor(Duration.ofSeconds(2), "waiting for DM-worker " + worker + " to come back");
    }

    private StepResult verify(ActiveRemediation a, PlaybookContext ctx, List<String> tasks) {
        DmSnapshot snapshot = ctx.dm().status(tasks);
        Optional<Relay> failed = snapshot.relayOf(a.source).filter(r -> !r.errors().isEmpty());
        if (failed.isPresent()) {
            return StepResult.fail("the relay of " + a.source + " failed again after the fix: "
                    + TaskLifecycle.shorten(failed.get().errors().get(0).text()));
        }
        // OpenAPI's source status tells the relay stage even while the tasks look healthy
        String worker = Facts.get(a, WORKER).orElseThrow();
        Optional<Stage> stage = ctx.dm().relayStatus(a.source).orElse(List.of()).stream()
                .filter(r -> worker.equals(r.worker())).map(Relay::stage).findFirst();
        if (stage.isEmpty() || stage.get() != Stage.RUNNING) {
            return waitOrFail(a, ctx, "relay of " + a.source + " on " + worker + " "
                    + stage.map(Stage::dmName).orElse("not listed"));
        }
        // tasks whose checkpoints also point past the file keep their syncer error until FixSyncerCheckpoint runs
        List<String> syncerToo = Facts.list(a, SYNCER_TOO);
        List<String> mustRun = tasks.stream().filter(t -> !syncerToo.contains(t)).toList();
        StepResult taskState = mustRun.isEmpty() ? StepResult.finish(Outcome.SUCCEEDED, "")
                : TaskLifecycle.verifyRunning(a, ctx, mustRun, null);
        if (taskState instanceof StepResult.Finish f && f.outcome() == Outcome.SUCCEEDED) {
            boolean listed = syncerToo.stream().allMatch(t -> !snapshot.subtasksOf(t).isEmpty());
            if (!listed) {
                return waitOrFail(a, ctx, "tasks " + String.join(", ", syncerToo) + " not listed yet");
            }
            return StepResult.finish(Outcome.SUCCEEDED, "relay.meta of " + a.source + " set to position 4 in "
                    + Facts.get(a, FILE).orElse("?") + " (backup beside it), DM-worker restarted, relay runs"
                    + (mustRun.isEmpty() ? "" : ", tasks " + String.join(", ", mustRun) + " run")
                    + (syncerToo.isEmpty() ? "" : "; the syncer checkpoints of " + String.join(", ", syncerToo)
                    + " point past the file too: FixSyncerCheckpoint follows"));
        }
        return taskState;
    }

    private static StepResult waitOrFail(ActiveRemediation a, PlaybookContext ctx, String what) {
        if (TaskLifecycle.elapsed(a, ctx).compareTo(ctx.settings().verifyTimeout()) > 0) {
            return StepResult.fail(what + " after " + ctx.settings().verifyTimeout().toSeconds() + "s");
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting: " + what);
    }
}
