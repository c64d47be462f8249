package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the DM-workers do: start and stop (creating subtasks from the downstream checkpoints, §6, and starting
 * the relay from relay.meta, §7), pause and resume subtasks and relay units, flush checkpoints, and move
 * replication forward. Every method expects the cluster lock to be held.
 */
final class WorkerRuntime {

    private final Cluster c;

    WorkerRuntime(Cluster cluster) {
        this.c = cluster;
    }

    // ---- worker processes ---------------------------------------------------------------------------------

    /**
     * A worker process starts: it binds its sources, starts their relay when enabled (reading relay.meta), and
     * re-creates the subtasks of every task on them, loading their checkpoints: the only moment besides
     * start-task that DM reads them (§6).
     */
    void startWorker(String name, long now) {
        WorkerState w = worker(name);
        if (w.up) {
            return;
        }
        w.up = true;
        for (SourceState s : c.sources.values()) {
            if (!name.equals(s.homeWorker)) {
                continue;
            }
            s.boundWorker = name;
            if (s.relayEnabled) {
                startRelay(s, now);
            }
            for (TaskState t : c.tasks.values()) {
                SimStage expected = t.expected.get(s.id);
                if (expected != null) {
                    createSubtask(t, s, expected, now);
                }
            }
        }
    }

    /**
     * A worker process goes away. Graceful (pod deletion, SIGTERM) closes units, which flushes checkpoints;
     * a kill loses whatever was not flushed yet. Its sources become unbound: DM-master then reports them as
     * without a worker (38029) and the worker as {@code offline}.
     */
    void stopWorker(String name, boolean graceful) {
        WorkerState w = worker(name);
        if (!w.up) {
            return;
        }
        for (SourceState s : c.sources.values()) {
            if (!name.equals(s.boundWorker)) {
                continue;
            }
            for (Subtask st : c.subtasksOfSource(s.id)) {
                // only a running syncer has progress to flush; a paused one flushed when it paused
                if (graceful && st.stage == SimStage.RUNNING) {
                    flush(st);
                }
                c.subtasks.remove(Cluster.key(st.task, st.source));
            }
            s.relay = null;
            s.boundWorker = null;
        }
        w.up = false;
    }

    private WorkerState worker(String name) {
        WorkerState w = c.workers.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no worker " + name);
        }
        return w;
    }

    // ---- subtasks -----------------------------------------------------------------------------------------

    /**
     * Creates a subtask the way {@code SubTask.Run → initUnits → Syncer.Init → checkpoint.Load} does: the
     * global checkpoint row wins over the task's {@code meta} (§6); without either, replication starts at the
     * first upstream file. A stored position that is not an event boundary (an overflowed 4 GB position) makes
     * the syncer fail as soon as it reads; a start behind what was already applied needs safe mode.
     */
    void createSubtask(TaskState t, SourceState s, SimStage expected, long now) {
        boolean readsRelay = s.relay != null;
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
        UpstreamBinlog.Validity v = s.binlog.check(cp.file(), cp.offset());
        if (v != UpstreamBinlog.Validity.VALID) {
            st.persistent = startPositionError(s, st, cp, v);
            return;
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
            st.persistent = ErrorCatalog.duplicateEntry(cp, table.quoted());
        }
    }

    /** The error the syncer gives when it starts reading from a position DM cannot use. */
    ProcessError startPositionError(SourceState s, Subtask st, Position stored, UpstreamBinlog.Validity v) {
        long pos = stored.uint32Pos();
        if (st.readsRelay) {
            String dir = s.reportedSubDirPath();
            return switch (v) {
                case BEYOND_END -> ErrorCatalog.relayPosTooBig(stored.file(), pos);
                case NO_SUCH_FILE -> ErrorCatalog.relayPosTooBig(stored.file(), pos);
                default -> ErrorCatalog.relayParseChecksum(dir, stored.file(), pos);
            };
        }
        return switch (v) {
            case BEYOND_END -> ErrorCatalog.syncerGetEvent(ErrorCatalog.mysqlBeyondEnd());
            case NO_SUCH_FILE -> ErrorCatalog.syncerGetEvent(ErrorCatalog.mysqlPurged());
            default -> ErrorCatalog.syncerGetEvent(ErrorCatalog.mysqlMidEvent(stored.file(), pos));
        };
    }

    /** After a start or resume: a unit that cannot run fails right away, as DM's does on its first read. */
    private void raiseIfBroken(SourceState s, Subtask st, long now) {
        if (st.persistent != null) {
            pause(st, List.of(st.persistent), now);
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
            pause(st, List.of(f.error()), now);
        } else {
            st.injected = null;
        }
    }

    /** A unit error: the subtask pauses with it and flushes, as the syncer does when it exits. */
    void pause(Subtask st, List<ProcessError> errors, long now) {
        st.pauseWithErrors(errors, now);
        flush(st);
    }

    void pauseByUser(Subtask st, long now) {
        st.pauseByUser(now);
        flush(st);
    }

    /**
     * Resume of the same in-memory subtask (gateway Resume, OpenAPI start, auto-resume): the checkpoint is NOT
     * re-read (§6). A user resume re-reads the subtask config (§5.1), so a changed safe-mode applies; an
     * auto-resume does not.
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
        String name = st.readsRelay ? UpstreamBinlog.suffixedName(cp.file(), RelayDir.SUFFIX) : cp.file();
        List<CheckpointRow> rows = new ArrayList<>();
        rows.add(CheckpointRow.global(name, cp.uint32Pos()));
        for (SourceState.TableRef tr : s.tables) {
            rows.add(CheckpointRow.table(tr.schema(), tr.table(), name, cp.uint32Pos()));
        }
        try {
            c.store.save(t.config.metaSchema(), st.task, st.source, rows);
            st.flushed = cp;
            s.binlog.recordGenuine(cp);
        } catch (CheckpointStore.StoreException e) {
            // a failed flush leaves the last flushed point; the next interval tries again
        }
    }

    // ---- relay --------------------------------------------------------------------------------------------

    /**
     * Starts the relay unit of a source: it loads relay.meta from the current sub-dir (§7). A meta position
     * that is not an event boundary (an overflowed binlog-pos) fails the relay's duplicate-event check (30029).
     * Without a relay.meta the relay starts where the subtasks are, at the start of that file.
     */
    void startRelay(SourceState s, long now) {
        s.relayDir.initLayout();
        Optional<RelayDir.RelayMeta> meta = s.relayDir.readMeta();
        RelayUnit r;
        if (meta.isEmpty()) {
            Position start = s.binlog.first();
            for (Subtask st : c.subtasksOfSource(s.id)) {
                start = s.binlog.min(start, new Position(st.checkpoint.file(), 4));
            }
            r = new RelayUnit(c.settings.newBackoff(), start);
            writeRelayMeta(s, r);
        } else {
            RelayDir.RelayMeta m = meta.get();
            String file = UpstreamBinlog.plainName(m.binlogName());
            r = new RelayUnit(c.settings.newBackoff(), new Position(file, m.binlogPos()));
            if (s.binlog.check(file, m.binlogPos()) != UpstreamBinlog.Validity.VALID) {
                r.persistent = ErrorCatalog.relayDuplicateEvent(
                        s.reportedSubDirPath() + "/" + file, m.binlogPos());
            }
        }
        s.relayDir.ensureBinlogPlaceholder(r.position.file());
        s.relay = r;
        r.markRunning(now);
        if (r.persistent != null) {
            r.pauseWithErrors(List.of(r.persistent));
        }
    }

    /** relay/disable, stop-relay: the relay unit closes and reports {@code Stopped} (§3.2). */
    void stopRelay(SourceState s) {
        if (s.relay != null) {
            s.relay.stage = SimStage.STOPPED;
            s.relay.errors = List.of();
            s.relay.hasResult = false;
            s.relay.canceled = false;
        }
    }

    void resumeRelay(SourceState s, long now) {
        RelayUnit r = s.relay;
        if (r == null || r.stage != SimStage.PAUSED) {
            return;
        }
        r.markRunning(now);
        if (r.persistent != null) {
            r.pauseWithErrors(List.of(r.persistent));
        }
    }

    void writeRelayMeta(SourceState s, RelayUnit r) {
        s.relayDir.writeMeta(new RelayDir.RelayMeta(r.position.file(), r.position.uint32Pos(), ""));
        s.binlog.recordGenuine(r.position);
    }

    // ---- progress -----------------------------------------------------------------------------------------

    /** One tick: running relay units pull, running subtasks apply, each by up to {@code bytesPerTick}. */
    void advance(long now) {
        long budget = c.settings.bytesPerTick();
        for (SourceState s : c.sources.values()) {
            RelayUnit r = s.relay;
            if (r == null || r.stage != SimStage.RUNNING || c.liveWorker(s) == null) {
                continue;
            }
            Position next = s.binlog.advance(r.position, s.binlog.master(), budget);
            if (!next.equals(r.position)) {
                // every file the relay went through gets its relay copy
                List<String> files = s.binlog.files();
                for (int i = s.binlog.index(r.position.file()) + 1; i <= s.binlog.index(next.file()); i++) {
                    s.relayDir.ensureBinlogPlaceholder(files.get(i));
                }
                r.position = next;
                writeRelayMeta(s, r);
            }
        }
        for (Subtask st : new ArrayList<>(c.subtasks.values())) {
            if (st.stage != SimStage.RUNNING) {
                continue;
            }
            SourceState s = c.sources.get(st.source);
            Position limit = s.binlog.master();
            if (st.readsRelay) {
                // the syncer reads what the relay wrote; a relay that is not running writes nothing more
                if (s.relay == null || s.relay.stage != SimStage.RUNNING) {
                    continue;
                }
                limit = s.binlog.min(limit, s.relay.position);
            }
            Position next = s.binlog.advance(st.checkpoint, limit, budget);
            if (!next.equals(st.checkpoint)) {
                st.totalEvents += Math.max(1, s.binlog.distance(st.checkpoint, next) / 1024);
                st.checkpoint = next;
                c.raiseHighWater(st.task, st.source, next);
            }
        }
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
