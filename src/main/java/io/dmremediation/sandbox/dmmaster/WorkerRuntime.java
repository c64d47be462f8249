package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the DM-workers do: handle a bound source (create its subtasks, loading their checkpoints, §6; run its relay
 * in {@code enable-relay} mode, §7.1), enable and disable relay units (§7.2), pause and resume subtasks and relay
 * units, flush checkpoints, read binlog (from the upstream, or from the relay with DM's fall-back to the upstream,
 * §5.3) and move replication forward. Every method expects the cluster lock to be held.
 */
final class WorkerRuntime {

    private final Cluster c;

    WorkerRuntime(Cluster cluster) {
        this.c = cluster;
    }

    // ---- a bound source ------------------------------------------------------------------------------------

    /**
     * The worker was bound to the source ({@code operateSourceBound → enableHandleSubtasks},
     * {@code pingcap/tiflow:dm/worker/server.go:682-711@v8.5.4}): in {@code enable-relay} mode it enables relay
     * first ({@code w.EnableRelay(true)}), and a relay it had started by the source config but the config no longer
     * asks for is disabled; then every subtask of the source is created in its expected stage.
     */
    void handleSource(SourceState s, String worker, long now) {
        RelayUnit r = s.relays.get(worker);
        if (s.enableRelay && r == null) {
            enableRelay(s, worker, true, now);
        } else if (!s.enableRelay && r != null && r.bySourceConfig) {
            disableRelay(s, worker, now);
        }
        for (TaskState t : c.tasks.values()) {
            SimStage expected = t.expected.get(s.id);
            if (expected != null && c.subtask(t.name(), s.id) == null) {
                createSubtask(t, s, expected, now);
            }
        }
    }

    /**
     * The source goes away from its worker (unbind, or the worker stops): subtasks close (a running syncer flushes
     * its checkpoint when the close is graceful), and a relay started by the source config closes, flushing
     * relay.meta ({@code disableHandleSubtasks}, {@code pingcap/tiflow:dm/worker/server.go:713-733@v8.5.4}).
     */
    void releaseSource(SourceState s, String worker, boolean graceful) {
        for (Subtask st : c.subtasksOfSource(s.id)) {
            if (graceful && st.stage == SimStage.RUNNING) {
                flush(st);
            }
            c.subtasks.remove(Cluster.key(st.task, st.source));
        }
        RelayUnit r = s.relays.get(worker);
        if (r != null && (r.bySourceConfig || !graceful)) {
            closeRelay(s, r, graceful);
        }
    }

    // ---- relay on one worker ------------------------------------------------------------------------------

    /**
     * {@code SourceWorker.EnableRelay} ({@code pingcap/tiflow:dm/worker/source_worker.go:293-390@v8.5.4}): the relay
     * start point is the minimum checkpoint of the source's subtasks ({@code getMinLocInAllSubTasks}, read from the
     * downstream), a new relay unit is built (it reads relay.meta when it starts, §7.2), and every subtask of the
     * source on this worker is closed and run again in its stage, now reading relay ({@code resetAllSubTasks}).
     * Nothing happens when relay is already enabled on the worker.
     */
    void enableRelay(SourceState s, String worker, boolean bySourceConfig, long now) {
        if (s.relays.containsKey(worker)) {
            return;
        }
        RelayUnit r = new RelayUnit(worker, c.settings.newBackoff(), bySourceConfig, neededFile(s));
        s.relays.put(worker, r);
        RelayProcess.start(c, s, r, now);
        if (worker.equals(s.boundWorker)) {
            resetSubtasks(s, now);
        }
    }

    /**
     * {@code SourceWorker.DisableRelay} ({@code pingcap/tiflow:dm/worker/source_worker.go:402-437@v8.5.4}): the relay
     * unit closes (relay.meta flushed from memory) and every subtask is closed and run again in its stage, now reading
     * the upstream. Afterwards the worker reports no relay status at all (§2.3, §3.2).
     */
    void disableRelay(SourceState s, String worker, long now) {
        RelayUnit r = s.relays.get(worker);
        if (r == null) {
            return;
        }
        closeRelay(s, r, true);
        if (worker.equals(s.boundWorker)) {
            resetSubtasks(s, now);
        }
    }

    private void closeRelay(SourceState s, RelayUnit r, boolean graceful) {
        if (graceful) {
            RelayProcess.flushMeta(s, r);
        }
        s.relays.remove(r.worker);
    }

    /**
     * {@code resetAllSubTasks} ({@code pingcap/tiflow:dm/worker/subtask_holder.go:52-64@v8.5.4}): close each subtask
     * and {@code Run} it again in the stage it had, with or without relay; its units are initialised again, so
     * checkpoints are read from the downstream (§6). A paused subtask comes back {@code Paused} without a result.
     */
    void resetSubtasks(SourceState s, long now) {
        for (Subtask old : c.subtasksOfSource(s.id)) {
            if (old.stage == SimStage.RUNNING) {
                flush(old);
            }
            TaskState t = c.tasks.get(old.task);
            c.subtasks.remove(Cluster.key(old.task, old.source));
            if (t == null) {
                continue;
            }
            Subtask st = createSubtask(t, s, old.stage == SimStage.RUNNING ? SimStage.RUNNING : SimStage.STOPPED, now);
            st.injected = old.injected;
            if (old.stage == SimStage.PAUSED) {
                st.stage = SimStage.PAUSED;
            }
        }
    }

    /**
     * The relay's start point at enable: the minimum stored checkpoint of the source's subtasks, else the source's
     * {@code relay-binlog-name} ({@code w.cfg.RelayBinLogName}, refreshed from DM-master at enable).
     */
    private String neededFile(SourceState s) {
        Position min = null;
        for (TaskState t : c.tasks.values()) {
            if (!t.expected.containsKey(s.id)) {
                continue;
            }
            try {
                for (CheckpointRow row : c.store.load(t.config.metaSchema(), t.name(), s.id)) {
                    if (row.global()) {
                        Position p = new Position(UpstreamBinlog.plainName(row.binlogName()), row.binlogPos());
                        if (s.binlog.has(p.file()) && (min == null || s.binlog.compare(p, min) < 0)) {
                            min = p;
                        }
                    }
                }
            } catch (CheckpointStore.StoreException e) {
                // getMinLocInAllSubTasks logs the error and carries on without that subtask
            }
        }
        if (min != null) {
            return min.file();
        }
        return s.relayBinlogName != null && s.binlog.has(s.relayBinlogName) ? s.relayBinlogName : null;
    }

    /** User pause-relay (v5.x OpenAPI, gRPC): the unit stops and flushes relay.meta ({@code isCanceled}). */
    void pauseRelay(SourceState s, RelayUnit r) {
        if (r.stage == SimStage.RUNNING) {
            r.stage = SimStage.PAUSED;
            r.canceled = true;
            r.hasResult = true;
            r.errors = List.of();
            RelayProcess.flushMeta(s, r);
        }
    }

    /**
     * Resume (user resume-relay or the relay's auto-resume): the unit runs {@code Relay.process} again, which reads
     * relay.meta again (§7.2, {@code pingcap/tiflow:dm/worker/relay.go:209-222@v8.5.4}).
     */
    void resumeRelay(SourceState s, RelayUnit r, long now) {
        if (r.stage != SimStage.PAUSED) {
            return;
        }
        RelayProcess.start(c, s, r, now);
    }

    // ---- subtasks -----------------------------------------------------------------------------------------

    /**
     * Creates a subtask the way {@code SubTask.Run → initUnits → Syncer.Init → checkpoint.Load} does: the
     * global checkpoint row wins over the task's {@code meta} (§6); without either, replication starts at the
     * first upstream file. It reads relay when its worker runs a relay unit for the source.
     */
    Subtask createSubtask(TaskState t, SourceState s, SimStage expected, long now) {
        boolean readsRelay = s.boundWorker != null && s.relays.containsKey(s.boundWorker);
        Subtask st = new Subtask(t.name(), s.id, readsRelay, c.settings.newBackoff(), now);
        TaskConfig.Instance inst = t.config.instance(s.id);
        st.safeMode = inst != null && inst.safeMode();
        c.subtasks.put(Cluster.key(t.name(), s.id), st);
        initUnits(t, s, st);
        switch (expected) {
            case RUNNING -> {
                st.markRunning(now);
                raiseIfBroken(s, st, now);
            }
            case PAUSED -> st.pauseByUser(now);
            case STOPPED -> st.stage = SimStage.STOPPED;
            default -> {
                // NEW is not an expected stage
            }
        }
        return st;
    }

    private void initUnits(TaskState t, SourceState s, Subtask st) {
        TaskConfig cfg = t.config;
        List<CheckpointRow> rows;
        try {
            rows = c.store.load(cfg.metaSchema(), t.name(), s.id);
        } catch (CheckpointStore.StoreException e) {
            st.needsInit = true;
            st.persistent = ErrorCatalog.checkpointLoadFailed(e.getMessage());
            st.checkpoint = s.binlog.first();
            st.flushed = st.checkpoint;
            return;
        }
        st.needsInit = false;
        st.persistent = null;
        st.replayConflict = null;
        CheckpointRow global = rows.stream().filter(CheckpointRow::global).findFirst().orElse(null);
        Position cp;
        if (global == null) {
            TaskConfig.Instance inst = cfg.instance(s.id);
            cp = inst != null && inst.hasMeta()
                    ? new Position(inst.metaBinlogName(), inst.metaBinlogPos()) : s.binlog.first();
            st.checkpoint = cp;
            flush(st);
        } else {
            cp = new Position(UpstreamBinlog.plainName(global.binlogName()), global.binlogPos());
            st.checkpoint = cp;
            st.flushed = cp;
        }
        for (CheckpointRow r : rows) {
            String f = UpstreamBinlog.plainName(r.binlogName());
            if (!r.global() && s.binlog.isBig(f) && s.binlog.check(f, r.binlogPos()) != UpstreamBinlog.Validity.VALID) {
                // DM would compare events against this garbled table point and skip some of them (FAQ: fix
                // the global AND every table checkpoint)
                st.replaySkippedEvents = true;
            }
        }
        Position hw = c.highWater.get(Cluster.key(st.task, st.source));
        if (hw != null && !st.safeMode && s.binlog.compare(cp, hw) < 0 && s.binlog.replayCrossesOverflowRegion(cp, hw)) {
            // the automatic safe mode after a start lasts safe-mode-duration (60 s by default, §8): far less than
            // replaying the bytes above 4 GiB of a file, so re-applied rows hit existing keys
            SourceState.TableRef table = s.tables.isEmpty() ? new SourceState.TableRef("db", "t") : s.tables.get(0);
            st.replayConflict = ErrorCatalog.duplicateEntry(cp, table.quoted());
        }
    }

    /**
     * What the syncer meets when it (re)opens its binlog stream at its checkpoint ({@code StreamerController.Start},
     * §5.3). From the upstream: the upstream's answer to that position (36069, the MySQL text in Message). From relay:
     * a start position past the relay file's end is 11106, returned directly ({@code checkRelayPos},
     * {@code pingcap/tiflow:dm/relay/local_reader.go:107-124@v8.5.4}); a relay file it cannot read (absent, or a
     * position inside an event: 11038 with the parser's text in RawCause) is retried, and since the relay sub-dir
     * is the upstream's, the retry reads the upstream instead ({@code resetReplicationSyncer},
     * {@code pingcap/tiflow:dm/syncer/binlogstream/streamer_controller.go:240-287@v8.5.4}); a second failure within a
     * minute pauses the subtask with 36069 ({@code pingcap/tiflow:dm/syncer/syncer.go:2211-2224@v8.5.4}).
     */
    Optional<ProcessError> openError(SourceState s, Subtask st) {
        Position cp = st.checkpoint;
        if (st.readsRelay) {
            RelayDir dir = s.relayDir(s.boundWorker);
            long size = dir.copySize(cp.file());
            if (size == RelayDir.WHOLE_FILE) {
                size = s.binlog.has(cp.file()) ? s.binlog.size(cp.file()) : 4;
            }
            if (size >= 0 && cp.uint32Pos() > size) {
                return Optional.of(ErrorCatalog.relayPosTooBig(cp.file(), cp.uint32Pos()));
            }
            // the relay copy holds the upstream's bytes: a position inside an event there fails the parser too (a
            // file the relay has yet to write is judged now, not when it arrives: same outcome, DM only meets it later)
            boolean valid = s.binlog.check(cp.file(), cp.uint32Pos()) == UpstreamBinlog.Validity.VALID;
            if (valid && (size >= 0 || relayWillWrite(s, cp))) {
                return Optional.empty();
            }
            // the relay read fails (retried), and the retry reads the upstream
            st.readsRelay = false;
            st.fellBackToRemote = true;
        }
        return remoteError(s, cp).map(ErrorCatalog::syncerGetEvent);
    }

    /** A relay that has not reached the file yet will write it: the reader waits for it. */
    private static boolean relayWillWrite(SourceState s, Position cp) {
        RelayUnit r = s.boundRelay();
        return r != null && s.binlog.has(cp.file()) && s.binlog.has(r.position.file())
                && s.binlog.index(r.position.file()) <= s.binlog.index(cp.file());
    }

    /** The upstream MySQL's answer to a binlog dump from this stored position, or empty when it serves it. */
    static Optional<String> remoteError(SourceState s, Position cp) {
        return switch (s.binlog.check(cp.file(), cp.uint32Pos())) {
            case VALID -> Optional.empty();
            case BEYOND_END -> Optional.of(ErrorCatalog.mysqlBeyondEnd());
            case NO_SUCH_FILE -> Optional.of(ErrorCatalog.mysqlPurged());
            case MID_EVENT -> Optional.of(ErrorCatalog.mysqlMidEvent(cp.file(), cp.uint32Pos()));
        };
    }

    /** After a start or resume: a unit that cannot run fails right away, as DM's does on its first read. */
    private void raiseIfBroken(SourceState s, Subtask st, long now) {
        if (st.persistent != null) {
            pause(st, List.of(st.persistent), now);
            return;
        }
        Optional<ProcessError> open = openError(s, st);
        if (open.isPresent()) {
            pause(st, List.of(open.get()), now);
            return;
        }
        // a replay that needs safe mode fails on its first write, after the stream opened
        if (st.replayConflict != null) {
            pause(st, List.of(st.replayConflict), now);
            return;
        }
        if (c.downstreamDown) {
            // the first write finds no downstream: the FAQ's first cause of invalid connection
            pause(st, List.of(ErrorCatalog.invalidConnection(st.checkpoint)), now);
            return;
        }
        Subtask.InjectedFault f = st.injected;
        if (f == null) {
            return;
        }
        if (f.remaining() > 0) {
            if (f.remaining() != Subtask.InjectedFault.FOREVER) {
                st.injected = new Subtask.InjectedFault(f.error(), f.remaining() - 1);
            }
            fail(st, f.error(), now);
        } else {
            st.injected = null;
        }
    }

    /**
     * A unit error. A connection error DM retries in-process ({@link ConnectionRetry}) keeps the subtask running
     * while the retries last; anything else pauses it at once.
     */
    void fail(Subtask st, ProcessError error, long now) {
        TaskState t = c.tasks.get(st.task);
        TaskConfig.Instance inst = t == null ? null : t.config.instance(st.source);
        boolean configSafeMode = inst != null && inst.safeMode();
        if (ConnectionRetry.retriedInProcess(c.version, error, configSafeMode)) {
            st.retryingUntilNanos = now + ConnectionRetry.window(c.settings);
            st.retryingError = error;
            return;
        }
        pause(st, List.of(error), now);
    }

    /** A unit error: the subtask pauses with it and flushes, as the syncer does when it exits. */
    void pause(Subtask st, List<ProcessError> errors, long now) {
        st.retryingError = null;
        st.pauseWithErrors(errors, now);
        flush(st);
    }

    void pauseByUser(Subtask st, long now) {
        st.retryingError = null;
        st.pauseByUser(now);
        flush(st);
    }

    /**
     * Resume of the same in-memory subtask (gateway Resume, OpenAPI start, auto-resume): the checkpoint is NOT
     * re-read (§6), but the binlog stream is opened again from the relay if the worker runs one
     * ({@code StreamerController.Start} resets the binlog type). A user resume re-reads the subtask config (§5.1),
     * so a changed safe-mode applies; an auto-resume does not.
     */
    void resume(Subtask st, long now, boolean byUser) {
        if (st.stage == SimStage.RUNNING) {
            return;
        }
        SourceState s = c.sources.get(st.source);
        TaskState t = c.tasks.get(st.task);
        if (byUser && t != null) {
            TaskConfig.Instance inst = t.config.instance(st.source);
            st.safeMode = inst != null && inst.safeMode();
        }
        st.resumes++;
        st.readsRelay = s.boundWorker != null && s.relays.containsKey(s.boundWorker);
        st.fellBackToRemote = false;
        st.markRunning(now);
        if (st.needsInit && t != null) {
            initUnits(t, s, st);
        }
        raiseIfBroken(s, st, now);
    }

    /** The syncer's checkpoint flush: the global row and one row per upstream table, uint32 positions (§6). */
    void flush(Subtask st) {
        if (st.checkpoint == null || st.needsInit) {
            return;
        }
        TaskState t = c.tasks.get(st.task);
        SourceState s = c.sources.get(st.source);
        if (t == null || s == null) {
            return;
        }
        Position cp = st.checkpoint;
        // a syncer that started on relay keeps the relay sub-dir suffix in the locations it saves (§6)
        String name = st.readsRelay || st.fellBackToRemote
                ? UpstreamBinlog.suffixedName(cp.file(), RelayDir.SUFFIX) : cp.file();
        List<CheckpointRow> rows = new ArrayList<>();
        rows.add(CheckpointRow.global(name, cp.uint32Pos()));
        for (SourceState.TableRef tr : s.tables) {
            rows.add(CheckpointRow.table(tr.schema(), tr.table(), name, cp.uint32Pos()));
        }
        try {
            c.store.save(t.config.metaSchema(), st.task, st.source, rows);
            st.flushed = cp;
        } catch (CheckpointStore.StoreException e) {
            // a failed flush leaves the last flushed point; the next interval tries again
        }
    }

    // ---- progress -----------------------------------------------------------------------------------------

    /** One tick: running relay units pull, running subtasks apply, each by up to {@code bytesPerTick}. */
    void advance(long now) {
        long budget = c.settings.bytesPerTick();
        for (SourceState s : c.sources.values()) {
            for (RelayUnit r : new ArrayList<>(s.relays.values())) {
                WorkerState w = c.workers.get(r.worker);
                if (r.stage == SimStage.RUNNING && w != null && w.up) {
                    RelayProcess.pull(s, r, budget);
                }
            }
        }
        for (Subtask st : new ArrayList<>(c.subtasks.values())) {
            if (st.stage != SimStage.RUNNING) {
                continue;
            }
            if (st.retryingError != null) {
                if (now >= st.retryingUntilNanos) {
                    pause(st, List.of(st.retryingError), now);
                }
                continue;
            }
            SourceState s = c.sources.get(st.source);
            if (!s.binlog.has(st.checkpoint.file())) {
                // the upstream purged the file under a running reader: it fails on its next read
                Optional<String> gone = remoteError(s, st.checkpoint);
                if (!st.readsRelay && gone.isPresent()) {
                    pause(st, List.of(ErrorCatalog.syncerGetEvent(gone.get())), now);
                }
                continue;
            }
            Position limit = s.binlog.master();
            if (st.readsRelay) {
                Optional<Position> relayLimit = relayReadLimit(s, st, now);
                if (relayLimit.isEmpty()) {
                    continue;
                }
                limit = s.binlog.min(limit, relayLimit.get());
            }
            Position next = s.binlog.advance(st.checkpoint, limit, budget);
            if (!next.equals(st.checkpoint)) {
                st.totalEvents += Math.max(1, s.binlog.distance(st.checkpoint, next) / 1024);
                st.checkpoint = next;
                // a position the syncer reached by reading is an event boundary (one it loaded may not be)
                s.binlog.recordGenuine(next);
                c.raiseHighWater(st.task, st.source, next);
            }
        }
    }

    /**
     * How far a syncer reading relay may go: what the relay wrote up to its last complete transaction. A relay file
     * cut back under the reader (recovery truncated it) is 11034 ({@code pingcap/tiflow:dm/relay/local_reader.go@v8.5.4:
     * 673,698}), a read error the syncer retries by reading the upstream (§5.3): this subtask then reads remote
     * (empty result for this tick), or pauses with 36069 when the upstream cannot serve its position either.
     */
    private Optional<Position> relayReadLimit(SourceState s, Subtask st, long now) {
        RelayUnit r = s.boundRelay();
        if (r == null) {
            return Optional.empty();
        }
        long size = s.relayDir(s.boundWorker).copySize(st.checkpoint.file());
        if (size >= 0 && st.checkpoint.offset() > size) {
            st.readsRelay = false;
            st.fellBackToRemote = true;
            remoteError(s, st.checkpoint).ifPresent(m -> pause(st, List.of(ErrorCatalog.syncerGetEvent(m)), now));
            return Optional.empty();
        }
        return Optional.of(r.readable);
    }

    /** The periodic flush of running subtasks (checkpoint-flush-interval). */
    void flushRunning() {
        for (Subtask st : new ArrayList<>(c.subtasks.values())) {
            if (st.stage == SimStage.RUNNING && !st.checkpoint.equals(st.flushed)) {
                flush(st);
            }
        }
    }
}
