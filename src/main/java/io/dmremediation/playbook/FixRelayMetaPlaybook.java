package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.dm.DmErrorReplyException;
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
 * past the file are left alone. Every refusal comes before the first stop, with the manual procedure.
 */
public final class FixRelayMetaPlaybook implements Playbook {

    static final String PREPARE = "Prepare";
    static final String CHECK = "CheckCredentials";
    static final String WAIT_CHECK = "WaitCredentialsCheck";
    static final String CHECK_FAILED = "CredentialsRefused";
    static final String SAVE_CONFIGS = "SaveConfigs";
    static final String STOP_HELD = "StopHeldTasks";
    static final String VERIFY_HELD = "VerifyHeldStopped";
    static final String RELAY_OFF = "RelayOff";
    static final String VERIFY_RELAY_OFF = "VerifyRelayOff";
    static final String READ_PAST = "ReadPastBigFile";
    static final String RELAY_ON = "RelayOn";
    static final String VERIFY_RELAY_ON = "VerifyRelayOn";
    static final String START_HELD = "StartHeldTasks";
    static final String VERIFY = "VerifyStages";
    static final String RECOVER_RELAY = "RecoverRelayOn";
    static final String RECOVER_TASKS = "RecoverStartTasks";

    static final String TASKS = "tasks";
    static final String READERS = "readers";
    static final String HELD = "held";
    static final String PERSON_PAUSED = "personPaused";
    static final String MODE = "relayMode";
    static final String RELAY_WORKERS = "relayWorkers";
    static final String FILE = "binlogFile";
    static final String FAILURE = "failure";
    static final String OFF_ISSUED = "relayOffIssued";
    static final String ON_ISSUED = "relayOnIssued";
    static final String STARTED_FROM = "relayStartedFrom";
    static final String PROGRESS = "readProgress";
    static final String PROGRESS_AT = "readProgressAt";
    static final String RELAY_RUNNING_SINCE = "relayRunningSince";
    static final String ROUND = "relay";

    @Override
    public Remedy remedy() {
        return Remedy.FIX_RELAY_META;
    }

    @Override
    public String firstStep() {
        return PREPARE;
    }

    @Override
    public StepResult run(ActiveRemediation a, PlaybookContext ctx) {
        List<String> held = Facts.list(a, HELD);
        String check = JobSpecs.precheckJobName(a.id);
        return switch (a.step) {
            case PREPARE -> prepare(a, ctx);
            // held tasks are started again with the Secret's password (DM hides its copy): prove it works first
            case CHECK -> JobSteps.create(a, ctx, check, () -> JobSpecs.downstreamJob(ctx.owner(), check, a.id,
                    ctx.remediation(), "check-downstream", List.of()), WAIT_CHECK, CHECK_FAILED, FAILURE);
            case WAIT_CHECK -> JobSteps.await(a, ctx, check, "the downstream credentials check", CHECK,
                    held.isEmpty() ? RELAY_OFF : SAVE_CONFIGS, CHECK_FAILED, "checkReport", FAILURE);
            case CHECK_FAILED -> StepResult.finish(Outcome.FAILED, RestartTaskPlaybook.nothingChanged(
                    Facts.get(a, FAILURE).orElse("the check failed")));
            case SAVE_CONFIGS -> TaskLifecycle.saveConfigs(a, ctx, held, STOP_HELD);
            case STOP_HELD -> {
                if (held.stream().noneMatch(t -> TaskLifecycle.stoppedByUs(a, t))) {
                    Optional<StepResult> fenced = fence(a, ctx);
                    if (fenced.isPresent()) {
                        yield fenced.get();
                    }
                }
                yield TaskLifecycle.stopTasks(a, ctx, ROUND, held, VERIFY_HELD);
            }
            case VERIFY_HELD -> {
                StepResult r = TaskLifecycle.verifyStopped(a, ctx, held, RELAY_OFF, RECOVER_TASKS);
                if (r instanceof StepResult.Next n && RECOVER_TASKS.equals(n.step())) {
                    Facts.put(a, FAILURE, "DM-master did not stop " + String.join(", ", held));
                }
                yield r;
            }
            case RELAY_OFF -> relayOff(a, ctx);
            case VERIFY_RELAY_OFF -> verifyRelayOff(a, ctx);
            case READ_PAST -> readPast(a, ctx);
            case RELAY_ON -> relayOn(a, ctx);
            case VERIFY_RELAY_ON -> verifyRelayOn(a, ctx);
            case START_HELD -> TaskLifecycle.startTasks(a, ctx, held, (t, saved) -> saved, VERIFY);
            case VERIFY -> verify(a, ctx);
            case RECOVER_RELAY -> recoverRelay(a, ctx);
            case RECOVER_TASKS -> {
                StepResult r = TaskLifecycle.startTasks(a, ctx, held, (t, saved) -> saved, "");
                yield r instanceof StepResult.Next ? StepResult.finish(Outcome.FAILED,
                        Facts.get(a, FAILURE).orElse("the relay fix did not complete") + "; the relay"
                                + (held.isEmpty() ? "" : " and tasks " + String.join(", ", held))
                                + " were started again as they were. "
                                + RelayManualProcedure.text(a.source, Facts.get(a, FILE).orElse(null))) : r;
            }
            default -> throw new IllegalStateException("FixRelayMeta has no step '" + a.step + "'");
        };
    }

    // ---- before the first stop: read, decide, refuse ----------------------------------------------------------

    private StepResult prepare(ActiveRemediation a, PlaybookContext ctx) {
        Optional<List<Relay>> relays = ctx.dm().relayStatus(a.source);
        if (relays.isEmpty()) {
            return refuse("stopping and starting a relay needs DM-master's OpenAPI (openapi = true in dm-master's"
                    + " config): the HTTP gateway maps no relay call", a.source, null);
        }
        List<String> tasks = tasksOnSource(a, ctx);
        DmSnapshot snapshot = ctx.dm().status(tasks.isEmpty() ? List.of(trigger(a)) : tasks);
        Optional<StepResult> cleared = clearedSinceDetection(a, snapshot);
        if (cleared.isPresent()) {
            return cleared.get();
        }
        Optional<String> file = bigFile(a, snapshot);
        if (file.isEmpty()) {
            return refuse("cannot tell which binlog file passed 4 GiB (neither the relay error nor relay.meta names one)",
                    a.source, null);
        }
        if (file.get().startsWith("!")) {
            return refuse(file.get().substring(1), a.source, null);
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
            DownstreamMatch.Endpoint endpoint = ctx.downstream().endpoint(secret).orElseThrow();
            for (String task : plan.held()) {
                Optional<String> elsewhere = DownstreamMatch.mismatch(task, ctx.dm().taskConfig(task), endpoint, secret);
                if (elsewhere.isPresent()) {
                    return refuse(elsewhere.get(), a.source, file.get());
                }
            }
        }
        Facts.putList(a, TASKS, tasks);
        Facts.putList(a, READERS, plan.readers());
        Facts.putList(a, HELD, plan.held());
        Facts.putList(a, PERSON_PAUSED, plan.stages().entrySet().stream()
                .filter(e -> e.getValue().contains("by a person")).map(e -> e.getKey()).sorted().toList());
        new TreeMap<>(plan.stages()).forEach((task, stage) -> Facts.put(a, "stage/" + task, stage));
        Facts.put(a, MODE, control.get().mode());
        Facts.putList(a, RELAY_WORKERS, control.get().namedWorkers());
        Facts.put(a, FILE, file.get());
        return StepResult.next(CHECK, control.get().describe(a.source) + " is to be turned off while "
                + (plan.readers().isEmpty() ? "no running task" : "tasks " + String.join(", ", plan.readers()))
                + " read " + file.get() + " from the upstream"
                + (plan.held().isEmpty() ? "" : "; tasks " + String.join(", ", plan.held())
                + " paused by errors are stopped meanwhile"));
    }

    /**
     * The detection may be older than this step (the cycle's snapshot): when DM no longer reports the error and shows
     * the relay in another file than the one the error named, someone got it past the file meanwhile.
     */
    private static Optional<StepResult> clearedSinceDetection(ActiveRemediation a, DmSnapshot snapshot) {
        if (Fence.errorStillThere(a, snapshot)) {
            return Optional.empty();
        }
        Optional<String> named = BinlogFiles.namedIn(Facts.get(a, "evidence").orElse(""));
        Optional<BinlogLocation> at = snapshot.relayOf(a.source).map(Relay::relayBinlog);
        if (named.isEmpty() || at.isEmpty() || named.get().equals(at.get().plainFile())) {
            return Optional.empty();
        }
        return Optional.of(StepResult.finish(Outcome.ABORTED, "the relay error of source " + a.source
                + " cleared before the fix (the relay is at " + at.get() + "); nothing was changed"));
    }

    private static StepResult refuse(String why, String source, String file) {
        return StepResult.finish(Outcome.FAILED, why + "; nothing was changed. "
                + RelayManualProcedure.text(source, file));
    }

    /**
     * The file over 4 GiB: the one the relay error names, which must be the one relay.meta points into (when the
     * status says). A leading "!" marks a reason to refuse.
     */
    private static Optional<String> bigFile(ActiveRemediation a, DmSnapshot snapshot) {
        Optional<String> named = BinlogFiles.namedIn(Facts.get(a, "evidence").orElse(""));
        Optional<String> meta = snapshot.relayOf(a.source).map(Relay::relayBinlog).map(l -> l.plainFile());
        if (named.isPresent() && meta.isPresent() && !named.get().equals(meta.get())) {
            return Optional.of("!the relay error names binlog file " + named.get() + " but the relay is in "
                    + meta.get() + "; refusing to guess, a human must look");
        }
        return named.or(() -> meta);
    }

    /** Every task with a subtask on the source. Needs OpenAPI to list beyond the guarded tasks. */
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
        return Facts.get(a, "trigger").orElseThrow();
    }

    private static List<String> statusTasks(ActiveRemediation a) {
        List<String> tasks = Facts.list(a, TASKS);
        return tasks.isEmpty() ? List.of(trigger(a)) : tasks;
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
        DmSnapshot snapshot = ctx.dm().status(statusTasks(a));
        if (Fence.errorStillThere(a, snapshot)) {
            return Optional.empty();
        }
        String file = Facts.get(a, FILE).orElseThrow();
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

    private static RelayControl control(ActiveRemediation a) {
        return RelayControl.fromFacts(Facts.get(a, MODE).orElseThrow(), Facts.list(a, RELAY_WORKERS));
    }

    // ---- the detour ----------------------------------------------------------------------------------------------

    private StepResult relayOff(ActiveRemediation a, PlaybookContext ctx) {
        RelayControl control = control(a);
        if (!Facts.is(a, OFF_ISSUED)) {
            if (Facts.list(a, HELD).isEmpty()) {
                Optional<StepResult> fenced = fence(a, ctx);
                if (fenced.isPresent()) {
                    return fenced.get();
                }
            }
            Facts.mark(a, OFF_ISSUED);
            return new StepResult.Persist("turning off " + control.describe(a.source));
        }
        if (!control.off(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
            try {
                control.stop(ctx.dm(), a.source);
            } catch (DmErrorReplyException e) {
                Facts.put(a, FAILURE, "DM-master refused to stop " + control.describe(a.source) + ": "
                        + TaskLifecycle.shorten(e.dmMessage()));
                return StepResult.next(RECOVER_RELAY, "the relay stop was refused");
            }
        }
        return StepResult.next(VERIFY_RELAY_OFF, "asked DM-master to turn off " + control.describe(a.source));
    }

    private StepResult verifyRelayOff(ActiveRemediation a, PlaybookContext ctx) {
        RelayControl control = control(a);
        if (control.off(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
            List<String> readers = Facts.list(a, READERS);
            return StepResult.next(readers.isEmpty() ? RELAY_ON : READ_PAST, "DM-master lists no relay for "
                    + a.source + "; " + (readers.isEmpty() ? "no task has to read past the file"
                    : String.join(", ", readers) + " read the upstream"));
        }
        if (TaskLifecycle.elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) > 0) {
            Facts.put(a, FAILURE, "DM did not turn off " + control.describe(a.source));
            return StepResult.next(RECOVER_RELAY, "the relay did not stop");
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for DM to turn off the relay of " + a.source);
    }

    /**
     * Waits until every reader's flushed checkpoint is in a file after the big one. A reader that pauses with an
     * error, or no reader moving for the verify timeout, ends the detour (the relay goes back on).
     */
    private StepResult readPast(ActiveRemediation a, PlaybookContext ctx) {
        String file = Facts.get(a, FILE).orElseThrow();
        List<String> readers = Facts.list(a, READERS);
        DmSnapshot snapshot = ctx.dm().status(readers);
        List<String> waiting = new ArrayList<>();
        StringBuilder progress = new StringBuilder();
        for (String task : readers) {
            Optional<Subtask> st = snapshot.subtasksOf(task).stream().filter(s -> a.source.equals(s.source())).findFirst();
            if (st.isEmpty()) {
                Facts.put(a, FAILURE, "task " + task + " is gone from source " + a.source + " while it read " + file);
                return StepResult.next(RECOVER_RELAY, "a reader is gone");
            }
            Subtask s = st.get();
            if (s.stage() == Stage.PAUSED && !s.errors().isEmpty()) {
                Facts.put(a, FAILURE, "task " + task + " could not read " + file + " from the upstream: "
                        + TaskLifecycle.shorten(s.errors().get(0).text()));
                return StepResult.next(RECOVER_RELAY, "a reader failed");
            }
            if (s.stage() == Stage.FINISHED || RelayDetourPlan.past(s, file)) {
                continue;
            }
            waiting.add(task);
            progress.append(task).append('=').append(s.sync() == null ? "" : s.sync().syncerBinlog()).append(';');
        }
        if (waiting.isEmpty()) {
            return StepResult.next(RELAY_ON, "tasks " + String.join(", ", readers) + " read past " + file);
        }
        if (!progress.toString().equals(Facts.get(a, PROGRESS).orElse(null))) {
            Facts.put(a, PROGRESS, progress.toString());
            Facts.put(a, PROGRESS_AT, ctx.now().toString());
        }
        Instant since = Instant.parse(Facts.get(a, PROGRESS_AT).orElse(ctx.now().toString()));
        if (Duration.between(since, ctx.now()).compareTo(ctx.settings().verifyTimeout()) > 0) {
            Facts.put(a, FAILURE, "tasks " + String.join(", ", waiting) + " did not move for "
                    + ctx.settings().verifyTimeout().toSeconds() + "s while reading " + file + " from the upstream");
            return StepResult.next(RECOVER_RELAY, "the readers stopped moving");
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for " + String.join(", ", waiting) + " to read past "
                + file + " from the upstream");
    }

    /**
     * The relay back on. DM starts it at the minimum checkpoint of the source's subtasks; when no subtask of the
     * source is left to give one (every task there was stopped for the detour), the file after the big one is stored
     * as the source's {@code relay-binlog-name} first, which DM allows while no subtask runs there.
     */
    private StepResult relayOn(ActiveRemediation a, PlaybookContext ctx) {
        RelayControl control = control(a);
        if (!Facts.is(a, ON_ISSUED)) {
            Facts.mark(a, ON_ISSUED);
            return new StepResult.Persist("turning on " + control.describe(a.source));
        }
        if (!control.on(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
            String file = Facts.get(a, FILE).orElseThrow();
            boolean anchored = ctx.dm().status(statusTasks(a)).subtasksOnSource(a.source).stream()
                    .anyMatch(s -> s.unit() == Unit.SYNC);
            try {
                if (anchored) {
                    control.start(ctx.dm(), a.source);
                } else {
                    String next = BinlogFiles.next(file);
                    control.startFrom(ctx.dm(), a.source, next);
                    Facts.put(a, STARTED_FROM, next);
                }
            } catch (DmErrorReplyException e) {
                Facts.put(a, FAILURE, "DM-master refused to start " + control.describe(a.source) + " again: "
                        + TaskLifecycle.shorten(e.dmMessage()));
                return StepResult.next(RECOVER_RELAY, "the relay start was refused");
            }
        }
        return StepResult.next(VERIFY_RELAY_ON, "asked DM-master to turn on " + control.describe(a.source));
    }

    private StepResult verifyRelayOn(ActiveRemediation a, PlaybookContext ctx) {
        String file = Facts.get(a, FILE).orElseThrow();
        List<String> held = Facts.list(a, HELD);
        String next = held.isEmpty() ? VERIFY : START_HELD;
        Optional<Relay> detailed = ctx.dm().status(statusTasks(a)).relayOf(a.source);
        if (detailed.isPresent() && !detailed.get().errors().isEmpty()) {
            Facts.put(a, FAILURE, "the relay of " + a.source + " failed again: "
                    + TaskLifecycle.shorten(detailed.get().errors().get(0).text()));
            return StepResult.next(RECOVER_TASKS, "the relay failed again");
        }
        boolean running = ctx.dm().relayStatus(a.source).orElse(List.of()).stream()
                .anyMatch(r -> r.stage() == Stage.RUNNING);
        boolean beyond = detailed.map(Relay::relayBinlog).map(l -> BinlogFiles.after(l.file(), file)).orElse(true);
        if (running && beyond) {
            Facts.put(a, RELAY_RUNNING_SINCE, ctx.now().toString());
            return StepResult.next(next, "the relay of " + a.source + " runs again, after " + file);
        }
        if (TaskLifecycle.elapsed(a, ctx).compareTo(ctx.dmReactionTimeout()) > 0) {
            Facts.put(a, FAILURE, "the relay of " + a.source + " did not run past " + file + " within "
                    + ctx.dmReactionTimeout().toSeconds() + "s after it was turned on again");
            return StepResult.next(RECOVER_TASKS, "the relay did not come back");
        }
        return StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for the relay of " + a.source + " to run");
    }

    /**
     * Every task as it was before: readers run and move; tasks a person paused are still paused (DM re-created them
     * when the relay went off and on, and a re-created paused subtask reports no result, so no isCanceled either);
     * held tasks are listed again (as DM runs them: a task that paused again on its own error is not this fix's).
     */
    private StepResult verify(ActiveRemediation a, PlaybookContext ctx) {
        List<String> readers = Facts.list(a, READERS);
        List<String> held = Facts.list(a, HELD);
        DmSnapshot snapshot = ctx.dm().status(statusTasks(a));
        // the relay keeps running past the file for a while: a relay that failed again would show it by now
        Optional<Relay> relay = snapshot.relayOf(a.source);
        if (relay.isPresent() && !relay.get().errors().isEmpty()) {
            return StepResult.finish(Outcome.FAILED, "the relay of " + a.source + " failed again after it was turned"
                    + " on: " + TaskLifecycle.shorten(relay.get().errors().get(0).text()));
        }
        Instant since = Instant.parse(Facts.get(a, RELAY_RUNNING_SINCE).orElse(ctx.now().toString()));
        if (since.plus(TaskLifecycle.STABLE).isAfter(ctx.now())) {
            return StepResult.waitFor(TaskLifecycle.RECHECK, "watching the relay of " + a.source + " run");
        }
        for (String task : Facts.list(a, PERSON_PAUSED)) {
            Optional<Subtask> st = snapshot.subtasksOf(task).stream().filter(s -> a.source.equals(s.source())).findFirst();
            if (st.isPresent() && st.get().stage() == Stage.RUNNING) {
                Facts.put(a, "note", "task " + task + ", paused by a person, runs now: someone resumed it");
            }
        }
        List<String> notListed = held.stream().filter(t -> snapshot.subtasksOf(t).isEmpty()).toList();
        if (!notListed.isEmpty()) {
            return TaskLifecycle.elapsed(a, ctx).compareTo(ctx.settings().verifyTimeout()) > 0
                    ? StepResult.finish(Outcome.FAILED, "tasks " + String.join(", ", notListed) + " not listed again")
                    : StepResult.waitFor(TaskLifecycle.RECHECK, "waiting for " + String.join(", ", notListed));
        }
        StepResult running = readers.isEmpty() ? StepResult.finish(Outcome.SUCCEEDED, "")
                : TaskLifecycle.verifyRunning(a, ctx, readers, null);
        if (!(running instanceof StepResult.Finish f) || f.outcome() != Outcome.SUCCEEDED) {
            return running;
        }
        String file = Facts.get(a, FILE).orElseThrow();
        return StepResult.finish(Outcome.SUCCEEDED, "the relay of " + a.source + " was off while "
                + (readers.isEmpty() ? "no task" : String.join(", ", readers)) + " read " + file
                + " from the upstream; turned on again, DM restarted it after " + file
                + Facts.get(a, STARTED_FROM).map(n -> " (from " + n + ", stored as relay-binlog-name)").orElse("")
                + (held.isEmpty() ? "" : "; tasks " + String.join(", ", held) + " stopped meanwhile run again as DM runs them")
                + Facts.get(a, "note").map(n -> "; " + n).orElse(""));
    }

    // ---- recovery: back to where DM was ---------------------------------------------------------------------------

    private StepResult recoverRelay(ActiveRemediation a, PlaybookContext ctx) {
        if (Facts.is(a, OFF_ISSUED)) {
            RelayControl control = control(a);
            if (!control.on(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
                control.start(ctx.dm(), a.source);
            }
        }
        return StepResult.next(RECOVER_TASKS, "the relay of " + a.source + " is on again");
    }

    @Override
    public boolean abandon(ActiveRemediation a, PlaybookContext ctx) {
        if (Facts.is(a, OFF_ISSUED) && Facts.get(a, MODE).isPresent()) {
            RelayControl control = control(a);
            if (!control.on(ctx.dm().relayStatus(a.source).orElse(List.of()))) {
                control.start(ctx.dm(), a.source);
            }
        }
        return Abandon.restartStoppedTasks(a, ctx, Facts.list(a, HELD), (t, saved) -> saved);
    }
}
