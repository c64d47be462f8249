package io.dmremediation.playbook;

import static io.dmremediation.playbook.Phase.BEFORE_STOP;
import static io.dmremediation.playbook.Phase.MUST_START;
import static io.dmremediation.playbook.Phase.RUNNING;
import static io.dmremediation.playbook.Phase.STOPPED;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.RecoveryState;
import io.dmremediation.api.RelayFixState;
import io.dmremediation.api.TaskProgress.ActionState;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import io.dmremediation.playbook.StepResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A binlog file over 4 GiB in the relay unit, fixed the way DM's own code lets it be fixed on DM v5.4 … v8.5 (and
 * after), in both relay modes, whatever worker the source is bound to (dm-facts §7.1-7.4; step table in
 * {@code docs/fix-relay-meta.md}):
 * <ol>
 *   <li>the relay is turned off with the call its mode takes ({@link RelayControl}); DM closes the relay unit and
 *       re-initialises the source's subtasks, which now read the upstream directly;</li>
 *   <li>the running tasks read the big file from the upstream and move past it;</li>
 *   <li>the relay is turned on again; DM starts it at the subtasks' minimum checkpoint, which is now after the big
 *       file, so it finds relay.meta outdated, purges the relay dir and pulls from that file: the big file is never
 *       pulled into the relay again.</li>
 * </ol>
 * Why not the FAQ's edit: with the file in the relay dir DM's recovery undoes an edit to (same file, 4); without it a
 * re-pull from 4 fails at 4 GiB again; DM's documented procedure needs the upstream file copied in by hand. No
 * relay.meta is written, no DM-worker is restarted (a restart would move the source to a spare worker, §7.4).
 *
 * <p>Tasks paused by an error that still need the file cannot read past it: they are stopped for the detour (config
 * saved, the downstream credentials checked first, refused when the task writes elsewhere) and started again after.
 * A task a person paused is never stopped: if it still needs the file the playbook refuses. Finished tasks and tasks
 * past the file are left alone. Every refusal comes before the first stop, with the manual procedure. Once the relay
 * is off or a task stopped, every failure leads to the recovery path: the relay on again, the held tasks started.
 */
public final class FixRelayMetaPlaybook implements Playbook {

    public static final String PREPARE = "Prepare";
    public static final String CHECK = "CheckCredentials";
    public static final String WAIT_CHECK = "WaitCredentialsCheck";
    public static final String SAVE_CONFIGS = "SaveConfigs";
    public static final String STOP_HELD = "StopHeldTasks";
    public static final String VERIFY_HELD = "VerifyHeldStopped";
    public static final String RELAY_OFF = "RelayOff";
    public static final String VERIFY_RELAY_OFF = "VerifyRelayOff";
    public static final String READ_PAST = "ReadPastBigFile";
    public static final String RELAY_ON = "RelayOn";
    public static final String VERIFY_RELAY_ON = "VerifyRelayOn";
    public static final String START_HELD = "StartHeldTasks";
    public static final String VERIFY = "VerifyStages";
    public static final String RECOVER_RELAY = "RecoverRelayOn";
    public static final String RECOVER_TASKS = "RecoverStartTasks";
    public static final String RECOVER_VERIFY = "RecoverVerify";
    private static final String ROUND = "relay";

    private final StepTable steps = StepTable.builder()
            .step(PREPARE, BEFORE_STOP, FixRelayMetaPlaybook::prepare, CHECK)
            // held tasks are started again with the Secret's password (DM hides its copy): prove it works first
            .step(CHECK, BEFORE_STOP, FixRelayMetaPlaybook::check, WAIT_CHECK)
            .step(WAIT_CHECK, BEFORE_STOP, (a, ctx) -> JobSteps.await(a, ctx, JobSpecs.precheckJobName(a.id),
                    "the downstream credentials check", r -> StepResult.done("the downstream credentials check "
                            + "succeeded"), why -> StepResult.fail("the downstream credentials check: " + why)),
                    SAVE_CONFIGS)
            .step(SAVE_CONFIGS, BEFORE_STOP, FixRelayMetaPlaybook::saveConfigs, STOP_HELD)
            .step(STOP_HELD, STOPPED, FixRelayMetaPlaybook::stopHeld, VERIFY_HELD, RECOVER_TASKS)
            .step(VERIFY_HELD, STOPPED, (a, ctx) -> TaskLifecycle.verifyStopped(a, ctx, held(a)), RELAY_OFF,
                    RECOVER_TASKS)
            .step(RELAY_OFF, STOPPED, FixRelayMetaPlaybook::relayOff, VERIFY_RELAY_OFF, RECOVER_RELAY)
            .step(VERIFY_RELAY_OFF, STOPPED, FixRelayMetaPlaybook::verifyRelayOff, READ_PAST, RECOVER_RELAY)
            .branches(VERIFY_RELAY_OFF, RELAY_ON)
            .step(READ_PAST, STOPPED, FixRelayMetaPlaybook::readPast, RELAY_ON, RECOVER_RELAY)
            // a refused start is retried; after the last try the plain start of the recovery path is the fallback
            .step(RELAY_ON, MUST_START, FixRelayMetaPlaybook::relayOn, VERIFY_RELAY_ON, RECOVER_RELAY)
            .step(VERIFY_RELAY_ON, STOPPED, FixRelayMetaPlaybook::verifyRelayOn, START_HELD, RECOVER_TASKS)
            .branches(VERIFY_RELAY_ON, VERIFY)
            .step(START_HELD, MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, held(a), (t, saved) -> saved,
                    TaskLifecycle.ORIGINAL), VERIFY)
            .step(VERIFY, RUNNING, FixRelayMetaPlaybook::verify, null)
            .branches(VERIFY, RECOVER_RELAY)
            .step(RECOVER_RELAY, MUST_START, FixRelayMetaPlaybook::recoverRelay, RECOVER_TASKS)
            .step(RECOVER_TASKS, MUST_START, (a, ctx) -> TaskLifecycle.startTasks(a, ctx, held(a),
                    (t, saved) -> saved, TaskLifecycle.ORIGINAL), RECOVER_VERIFY)
            .step(RECOVER_VERIFY, RUNNING, FixRelayMetaPlaybook::recoverVerify, null)
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

    private static RelayFixState state(ActiveRemediation a) {
        if (a.relayFix == null) {
            a.relayFix = new RelayFixState();
        }
        return a.relayFix;
    }

    private static List<String> held(ActiveRemediation a) {
        return state(a).held;
    }

    // ---- before the first change: read, decide, refuse ------------------------------------------------------------

    private static StepResult prepare(ActiveRemediation a, PlaybookContext ctx) {
        Optional<List<Relay>> relays = ctx.dm().relayStatus(a.source);
        if (relays.isEmpty()) {
            return refuse("stopping and starting a relay needs DM-master's OpenAPI (openapi = true in dm-master's"
                    + " config): the HTTP gateway maps no relay call", a.source, null);
        }
        List<String> tasks = tasksOnSource(a, ctx);
        DmSnapshot snapshot = ctx.dm().status(tasks.isEmpty() ? List.of(a.trigger) : tasks);
        Optional<StepResult> cleared = clearedSinceDetection(a, snapshot);
        if (cleared.isPresent()) {
            return cleared.get();
        }
        Optional<String> named = BinlogFiles.namedIn(evidence(a));
        Optional<String> meta = snapshot.relayOf(a.source).map(Relay::relayBinlog).map(BinlogLocation::plainFile);
        if (named.isPresent() && meta.isPresent() && !named.get().equals(meta.get())) {
            return refuse("the relay error names binlog file " + named.get() + " but the relay is in " + meta.get()
                    + "; refusing to guess, a human must look", a.source, null);
        }
        Optional<String> file = named.or(() -> meta);
        if (file.isEmpty()) {
            return refuse("cannot tell which binlog file passed 4 GiB (neither the relay error nor relay.meta names "
                    + "one)", a.source, null);
        }
        Optional<RelayControl> control = RelayControl.of(ctx.dm().sourceConfig(a.source).orElse(null), relays.get());
        if (control.isEmpty()) {
            return StepResult.finish(Outcome.ABORTED, "DM-master reports no relay for source " + a.source
                    + "; nothing was changed");
        }
        RelayDetourPlan plan = RelayDetourPlan.of(a.source, file.get(), snapshot.subtasks());
        if (plan.refusal().isPresent()) {
            return refuse(plan.refusal().get(), a.source, file.get());
        }
        if (!plan.held().isEmpty()) {
            String secret = ctx.remediation().downstreamSecret();
            Optional<String> problem = ctx.downstream().problem(secret);
            if (problem.isPresent()) {
                return refuse(problem.get(), a.source, file.get());
            }
            Optional<DownstreamMatch.Endpoint> endpoint = ctx.downstream().endpoint(secret);
            if (endpoint.isEmpty()) {
                return refuse("the downstream Secret " + secret + " does not say which downstream it is for (host, "
                        + "user)", a.source, file.get());
            }
            for (String task : plan.held()) {
                Optional<String> elsewhere = DownstreamMatch.mismatch(task, ctx.dm().taskConfig(task), endpoint.get(),
                        secret);
                if (elsewhere.isPresent()) {
                    return refuse(elsewhere.get(), a.source, file.get());
                }
            }
        }
        RelayFixState s = state(a);
        s.binlogFile = file.get();
        s.relayMode = control.get().mode();
        s.relayWorkers = new ArrayList<>(control.get().namedWorkers());
        s.tasks = new ArrayList<>(tasks);
        s.readers = new ArrayList<>(plan.readers());
        s.held = new ArrayList<>(plan.held());
        s.personPaused = plan.stages().entrySet().stream().filter(e -> e.getValue().contains("by a person"))
                .map(e -> e.getKey()).sorted().toList();
        new TreeMap<>(plan.stages()).forEach((task, stage) -> TaskLifecycle.progress(a, task).stageBefore = stage);
        return StepResult.done(control.get().describe(a.source) + " is to be turned off while "
                + (plan.readers().isEmpty() ? "no running task" : "tasks " + String.join(", ", plan.readers()))
                + " read " + file.get() + " from the upstream"
                + (plan.held().isEmpty() ? "" : "; tasks " + String.join(", ", plan.held())
                + " paused by errors are stopped meanwhile"));
    }

    private static String evidence(ActiveRemediation a) {
        return a.evidence == null ? "" : a.evidence;
    }

    /**
     * The detection may be older than this step (the cycle's snapshot): when DM no longer reports the error and shows
     * the relay in another file than the one the error named, someone got it past the file meanwhile.
     */
    private static Optional<StepResult> clearedSinceDetection(ActiveRemediation a, DmSnapshot snapshot) {
        if (Fence.errorStillThere(a, snapshot)) {
            return Optional.empty();
        }
        Optional<String> named = BinlogFiles.namedIn(evidence(a));
        Optional<BinlogLocation> at = snapshot.relayOf(a.source).map(Relay::relayBinlog);
        if (named.isEmpty() || at.isEmpty() || named.get().equals(at.get().plainFile())) {
            return Optional.empty();
        }
        return Optional.of(StepResult.finish(Outcome.ABORTED, "the relay error of source " + a.source
                + " cleared before the fix (the relay is at " + at.get() + "); nothing was changed"));
    }

    private static StepResult refuse(String why, String source, String file) {
        return StepResult.finish(Outcome.FAILED, PlaybookEngine.nothingChanged(why) + ". "
                + RelayManualProcedure.text(source, file));
    }

    /** Every task with a subtask on the source. Needs OpenAPI to list beyond the guarded tasks. */
    private static List<String> tasksOnSource(ActiveRemediation a, PlaybookContext ctx) {
        Set<String> names = new LinkedHashSet<>();
        Optional<List<String>> all = ctx.dm().taskNames();
        DmSnapshot snapshot = ctx.dm().status(all.orElse(List.of(a.trigger)));
        for (Subtask s : snapshot.subtasksOnSource(a.source)) {
            names.add(s.task());
        }
        return new ArrayList<>(names);
    }

    private static List<String> statusTasks(ActiveRemediation a) {
        List<String> tasks = state(a).tasks;
        return tasks.isEmpty() ? List.of(a.trigger) : tasks;
    }

    private static StepResult check(ActiveRemediation a, PlaybookContext ctx) {
        String name = JobSpecs.precheckJobName(a.id);
        List<String> users = held(a).isEmpty() ? List.of(a.trigger) : held(a);
        return JobSteps.create(a, ctx, name, () -> JobSpecs.downstreamJob(ctx.owner(), name, a.id, ctx.remediation(),
                "check-downstream", List.of(), users.stream().anyMatch(t -> DownstreamTlsRequirement.forTask(ctx.dm(),
                        t))));
    }

    private static StepResult saveConfigs(ActiveRemediation a, PlaybookContext ctx) {
        return held(a).isEmpty() ? StepResult.done("no task is stopped for the relay fix")
                : TaskLifecycle.saveConfigs(a, ctx, held(a));
    }

    /**
     * Before the first change: is the relay still stuck at the big file? DM's task checker auto-resumes the relay
     * after 30029 (dm-facts §5.1, §7.3), so between two failures it runs without error, still in that file, and
     * fails there again. A relay in the file is still stuck; one past it was fixed by someone else (abort). When
     * DM-master's answer does not say where the relay is (OpenAPI v6+ source status has no relay position, and a
     * cleanly running relay gets no detailed status), the step waits for the error to come back, and aborts only if
     * it stays away for DM's reaction time.
     */
    private static Optional<StepResult> fence(ActiveRemediation a, PlaybookContext ctx) {
        if (Boolean.TRUE.equals(a.windingDown)) {
            return Optional.of(StepResult.finish(Outcome.ABORTED, "the resource is being deleted; nothing was "
                    + "changed"));
        }
        DmSnapshot snapshot = ctx.dm().status(statusTasks(a));
        if (Fence.errorStillThere(a, snapshot)) {
            return Optional.empty();
        }
        String file = state(a).binlogFile;
        Optional<BinlogLocation> at = snapshot.relayOf(a.source).map(Relay::relayBinlog);
        if (at.isPresent() && file.equals(at.get().plainFile())) {
            return Optional.empty();
        }
        if (at.isEmpty() && TaskLifecycle.elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) <= 0) {
            return Optional.of(StepResult.waitFor(TaskLifecycle.RECHECK, "the relay of " + a.source
                    + " runs without error for now (DM's auto-resume); waiting for it to fail at " + file + " again"));
        }
        return Optional.of(StepResult.finish(Outcome.ABORTED, "the relay error of source " + a.source
                + " cleared before the fix" + at.map(l -> " (the relay is at " + l + ")").orElse("")
                + "; nothing was changed"));
    }

    private static boolean changedAnything(ActiveRemediation a) {
        return !TaskLifecycle.stoppedByUs(a).isEmpty() || state(a).relayOff != null;
    }

    private static RelayControl control(ActiveRemediation a) {
        return RelayControl.recorded(state(a).relayMode, state(a).relayWorkers);
    }

    // ---- the detour -----------------------------------------------------------------------------------------------

    private static StepResult stopHeld(ActiveRemediation a, PlaybookContext ctx) {
        List<String> held = held(a);
        if (held.isEmpty()) {
            return StepResult.done("no task to stop");
        }
        if (!changedAnything(a)) {
            Optional<StepResult> fenced = fence(a, ctx);
            if (fenced.isPresent()) {
                return fenced.get();
            }
        } else if (Boolean.TRUE.equals(a.windingDown) && held.stream().anyMatch(t -> TaskLifecycle.progress(a, t).stop
                == null)) {
            return StepResult.fail("the resource is being deleted; no further task is stopped");
        }
        return TaskLifecycle.stopTasks(a, ctx, ROUND, held);
    }

    private static StepResult relayOff(ActiveRemediation a, PlaybookContext ctx) {
        RelayFixState s = state(a);
        RelayControl control = control(a);
        if (s.relayOff == null) {
            if (!changedAnything(a)) {
                Optional<StepResult> fenced = fence(a, ctx);
                if (fenced.isPresent()) {
                    return fenced.get();
                }
            } else if (Boolean.TRUE.equals(a.windingDown)) {
                return StepResult.fail("the resource is being deleted; the relay was not turned off");
            }
            s.relayOff = ActionState.Intended;
            return new StepResult.Persist("turning off " + control.describe(a.source));
        }
        if (s.relayOff == ActionState.Intended && !control.off(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
            control.stop(ctx.dm(), a.source);
        }
        s.relayOff = ActionState.Sent;
        return StepResult.done("asked DM-master to turn off " + control.describe(a.source));
    }

    private static StepResult verifyRelayOff(ActiveRemediation a, PlaybookContext ctx) {
        RelayControl control = control(a);
        if (Boolean.TRUE.equals(a.windingDown)) {
            return StepResult.fail("the resource is being deleted while the relay of " + a.source + " was turned off");
        }
        if (control.off(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
            List<String> readers = state(a).readers;
            String what = "DM-master lists no relay for " + a.source + "; ";
            return readers.isEmpty() ? StepResult.next(RELAY_ON, what + "no task has to read past the file")
                    : StepResult.done(what + String.join(", ", readers) + " read the upstream");
        }
        if (TaskLifecycle.elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) > 0) {
            return StepResult.fail("DM did not turn off " + control.describe(a.source));
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for DM to turn off the relay of " + a.source);
    }

    /**
     * Waits until every reader's flushed checkpoint is in a file after the big one. A reader that pauses with an
     * error, or no reader moving for the verify timeout, ends the detour (the relay goes back on).
     */
    private static StepResult readPast(ActiveRemediation a, PlaybookContext ctx) {
        RelayFixState s = state(a);
        if (Boolean.TRUE.equals(a.windingDown)) {
            return StepResult.fail("the resource is being deleted while tasks read " + s.binlogFile
                    + " from the upstream");
        }
        String file = s.binlogFile;
        DmSnapshot snapshot = ctx.dm().status(s.readers);
        List<String> waiting = new ArrayList<>();
        StringBuilder progress = new StringBuilder();
        for (String task : s.readers) {
            Optional<Subtask> st = snapshot.subtasksOf(task).stream().filter(x -> a.source.equals(x.source()))
                    .findFirst();
            if (st.isEmpty()) {
                return StepResult.fail("task " + task + " is gone from source " + a.source + " while it read " + file);
            }
            Subtask sub = st.get();
            if (sub.stage() == Stage.PAUSED && !sub.errors().isEmpty()) {
                return StepResult.fail("task " + task + " could not read " + file + " from the upstream: "
                        + TaskLifecycle.shorten(sub.errors().get(0).text()));
            }
            if (sub.stage() == Stage.FINISHED || RelayDetourPlan.past(sub, file)) {
                continue;
            }
            waiting.add(task);
            progress.append(task).append('=').append(sub.sync() == null ? "" : sub.sync().syncerBinlog()).append(';');
        }
        if (waiting.isEmpty()) {
            return StepResult.done("tasks " + String.join(", ", s.readers) + " read past " + file);
        }
        if (!progress.toString().equals(s.readProgress) || s.readProgressAt == null) {
            s.readProgress = progress.toString();
            s.readProgressAt = ctx.now().toString();
        }
        if (Duration.between(Instant.parse(s.readProgressAt), ctx.now()).compareTo(ctx.settings().verifyTimeout()) > 0) {
            return StepResult.fail("tasks " + String.join(", ", waiting) + " did not move for "
                    + ctx.settings().verifyTimeout().toSeconds() + "s while reading " + file + " from the upstream");
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for " + String.join(", ", waiting)
                + " to read past " + file + " from the upstream");
    }

    /**
     * The relay back on. DM starts it at the minimum checkpoint of the source's subtasks; when no subtask of the
     * source is left to give one (every task there was stopped for the detour), the file after the big one is stored
     * as the source's {@code relay-binlog-name} first, which DM allows while no subtask runs there.
     */
    private static StepResult relayOn(ActiveRemediation a, PlaybookContext ctx) {
        RelayFixState s = state(a);
        RelayControl control = control(a);
        if (s.relayOn == null) {
            s.relayOn = ActionState.Intended;
            return new StepResult.Persist("turning on " + control.describe(a.source));
        }
        if (s.relayOn == ActionState.Intended && !control.on(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
            boolean anchored = ctx.dm().status(statusTasks(a)).subtasksOnSource(a.source).stream()
                    .anyMatch(x -> x.unit() == Unit.SYNC);
            if (anchored) {
                control.start(ctx.dm(), a.source);
            } else {
                String next = BinlogFiles.next(s.binlogFile);
                control.startFrom(ctx.dm(), a.source, next);
                s.relayStartedFrom = next;
            }
        }
        s.relayOn = ActionState.Sent;
        return StepResult.done("asked DM-master to turn on " + control.describe(a.source));
    }

    private static StepResult verifyRelayOn(ActiveRemediation a, PlaybookContext ctx) {
        RelayFixState s = state(a);
        String file = s.binlogFile;
        Optional<Relay> detailed = ctx.dm().status(statusTasks(a)).relayOf(a.source);
        if (detailed.isPresent() && !detailed.get().errors().isEmpty()) {
            return StepResult.fail("the relay of " + a.source + " failed again: "
                    + TaskLifecycle.shorten(detailed.get().errors().get(0).text()));
        }
        boolean running = ctx.dm().relayStatus(a.source).orElse(List.of()).stream()
                .anyMatch(r -> r.stage() == Stage.RUNNING);
        boolean beyond = detailed.map(Relay::relayBinlog).map(l -> BinlogFiles.after(l.file(), file)).orElse(true);
        if (running && beyond) {
            s.relayRunningSince = ctx.now().toString();
            String note = "the relay of " + a.source + " runs again, after " + file;
            return s.held.isEmpty() ? StepResult.next(VERIFY, note) : StepResult.done(note);
        }
        if (TaskLifecycle.elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) > 0) {
            return StepResult.fail("the relay of " + a.source + " did not run past " + file + " within "
                    + ctx.dmReactionTimeout().toSeconds() + "s after it was turned on again");
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for the relay of " + a.source + " to run");
    }

    /**
     * Every task as it was before: readers run and move; tasks a person paused are still paused (DM re-created them
     * when the relay went off and on, and a re-created paused subtask reports no result, so no isCanceled either);
     * held tasks are listed again (as DM runs them: a task that paused again on its own error is not this fix's).
     */
    private static StepResult verify(ActiveRemediation a, PlaybookContext ctx) {
        RelayFixState s = state(a);
        DmSnapshot snapshot = ctx.dm().status(statusTasks(a));
        // the relay keeps running past the file for a while: a relay that failed again would show it by now
        Optional<Relay> relay = snapshot.relayOf(a.source);
        if (relay.isPresent() && !relay.get().errors().isEmpty()) {
            return StepResult.fail("the relay of " + a.source + " failed again after it was turned on: "
                    + TaskLifecycle.shorten(relay.get().errors().get(0).text()));
        }
        if (!control(a).on(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
            // turned off again after it was on (a stop sent late by a replaced operator, or by a person): this fix
            // turned it off first, so it is this fix's to turn on
            if (a.recovery == null) {
                a.recovery = new RecoveryState();
                a.recovery.since = ctx.now().toString();
                a.recovery.reason = "the relay of " + a.source + " was off again after it was turned on";
            }
            return StepResult.next(RECOVER_RELAY, a.recovery.reason);
        }
        Instant since = s.relayRunningSince == null ? ctx.now() : Instant.parse(s.relayRunningSince);
        if (since.plus(TaskLifecycle.STABLE).isAfter(ctx.now())) {
            return StepResult.waitFor(TaskLifecycle.RECHECK, "watching the relay of " + a.source + " run");
        }
        for (String task : s.personPaused) {
            Optional<Subtask> st = snapshot.subtasksOf(task).stream().filter(x -> a.source.equals(x.source()))
                    .findFirst();
            if (st.isPresent() && st.get().stage() == Stage.RUNNING) {
                s.note = "task " + task + ", paused by a person, runs now: someone resumed it";
            }
        }
        List<String> notListed = s.held.stream().filter(t -> snapshot.subtasksOf(t).isEmpty()).toList();
        if (!notListed.isEmpty()) {
            return TaskLifecycle.elapsed(a, ctx).compareTo(ctx.settings().verifyTimeout()) > 0
                    ? StepResult.fail("tasks " + String.join(", ", notListed) + " not listed again")
                    : StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for " + String.join(", ", notListed));
        }
        String file = s.binlogFile;
        String success = "the relay of " + a.source + " was off while "
                + (s.readers.isEmpty() ? "no task" : String.join(", ", s.readers)) + " read " + file
                + " from the upstream; turned on again, DM restarted it after " + file
                + (s.relayStartedFrom == null ? "" : " (from " + s.relayStartedFrom + ", stored as relay-binlog-name)")
                + (s.held.isEmpty() ? "" : "; tasks " + String.join(", ", s.held)
                + " stopped meanwhile run again as DM runs them")
                + (s.note == null ? "" : "; " + s.note);
        return s.readers.isEmpty() ? StepResult.finish(Outcome.SUCCEEDED, success)
                : TaskLifecycle.verifyRunning(a, ctx, s.readers, success);
    }

    // ---- recovery: back to where DM was ---------------------------------------------------------------------------

    /** The relay on again if this fix may have turned it off; DM then runs it as before the fix. */
    private static StepResult recoverRelay(ActiveRemediation a, PlaybookContext ctx) {
        RelayFixState s = state(a);
        if (s.relayOff == null) {
            return StepResult.done("the relay of " + a.source + " was not turned off");
        }
        RelayControl control = control(a);
        try {
            if (!control.on(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
                control.start(ctx.dm(), a.source);
            }
        } catch (DmMasterException e) {
            // every try counts here, answered or not: the outcome must say that the relay is what is left off
            return StepResult.fail("the relay of " + a.source + " is still off: " + e.getMessage());
        }
        return StepResult.done("the relay of " + a.source + " is on again");
    }

    /** The relay listed again and the held tasks listed again; the outcome is Failed with why, and the manual way. */
    private static StepResult recoverVerify(ActiveRemediation a, PlaybookContext ctx) {
        RelayFixState s = state(a);
        String why = a.recovery != null && a.recovery.reason != null ? a.recovery.reason
                : "the relay fix did not complete";
        boolean relayBack = s.relayOff == null || control(a).on(ctx.dm().relayStatus(a.source).orElse(List.of()));
        List<String> notListed = s.held.isEmpty() ? List.of()
                : s.held.stream().filter(t -> ctx.dm().status(s.held).subtasksOf(t).isEmpty()).toList();
        if (relayBack && notListed.isEmpty()) {
            return StepResult.finish(Outcome.FAILED, why + "; the relay"
                    + (s.held.isEmpty() ? "" : " and tasks " + String.join(", ", s.held))
                    + " were started again as they were. " + RelayManualProcedure.text(a.source, s.binlogFile));
        }
        String waiting = (relayBack ? "" : "the relay of " + a.source + " ")
                + (notListed.isEmpty() ? "" : "tasks " + String.join(", ", notListed));
        if (TaskLifecycle.elapsed(a, ctx).compareTo(ctx.settings().verifyTimeout()) > 0) {
            // a relay this fix turned off and DM does not run again is left off: said as loudly as a stopped task
            return StepResult.finish(relayBack ? Outcome.FAILED : Outcome.LEFT_STOPPED, why + "; " + waiting + " not listed by DM-master again "
                    + ctx.settings().verifyTimeout().toSeconds() + "s after the start was sent. "
                    + RelayManualProcedure.text(a.source, s.binlogFile));
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for DM-master to list " + waiting);
    }
}
