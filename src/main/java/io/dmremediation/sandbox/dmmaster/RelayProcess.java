package io.dmremediation.sandbox.dmmaster;

import java.util.List;
import java.util.Optional;

/**
 * What a relay unit does each time it starts (enable, resume, relay auto-resume, worker start) and while it runs:
 * {@code Relay.process} and the relay writer, as DM v5.3 … master do them (§7.2, §7.3). Every method expects the
 * cluster lock to be held.
 */
final class RelayProcess {

    /**
     * The end of the last complete transaction the relay writes before a file passes 4 GiB. The event after it
     * starts below 4 GiB and ends above (the "crossing" event); the one after that starts above 4 GiB, where the
     * writer's duplicate check fails (§7.3).
     */
    static final long LAST_TXN_BELOW_4G = (1L << 32) - 1000;
    /** Where the crossing event ends: the first event that starts past 4 GiB starts here (true offset). */
    static final long CROSSING_EVENT_END = (1L << 32) + 4321;
    /** The size of the event the duplicate check compares (any size works; this one is in the error text). */
    static final long FAILING_EVENT_SIZE = 8210;

    private RelayProcess() {
    }

    /**
     * {@code Relay.process} up to the first pull ({@code pingcap/tiflow:dm/relay/relay.go:183-300@v8.5.4}; the same
     * sequence in {@code dm/relay/relay.go@v5.4.0} and {@code @v6.1.0}): load relay.meta (§7.2 "Read": at every start),
     * then
     * <ol>
     *   <li>a new server (no sub-dir, or one not named after the upstream's {@code server_uuid}) resets the meta; on the
     *       first run after an enable the whole relay dir is purged first ({@code reSetupMeta});</li>
     *   <li>otherwise the file relay.meta names is recovered ({@code tryRecoverLatestFile}), and a meta whose file is
     *       older than the one the subtasks need is outdated: the relay dir is purged and the meta reset
     *       ({@code isRelayMetaOutdated}).</li>
     * </ol>
     * Then the pull starts at the (possibly recovered) meta position; a position the upstream cannot serve fails as
     * the upstream's {@code ERROR 1236} under 30015.
     */
    static void start(Cluster c, SourceState s, RelayUnit r, long now) {
        RelayDir dir = s.relayDir(r.worker);
        r.starts++;
        Optional<String> sub = dir.currentSubDir();
        Optional<RelayDir.RelayMeta> meta = dir.readMeta();
        boolean newServer = sub.isEmpty() || !sub.get().startsWith(s.serverUuid) || meta.isEmpty();
        Position at;
        if (newServer) {
            if (r.freshEnable) {
                dir.purge();
            }
            at = resetMeta(c, s, r, dir);
        } else {
            RelayDir.RelayMeta m = meta.get();
            at = recover(s, dir, new Position(UpstreamBinlog.plainName(m.binlogName()), m.binlogPos()));
            if (outdated(s, r, at)) {
                dir.purge();
                at = resetMeta(c, s, r, dir);
            }
        }
        r.freshEnable = false;
        r.position = at;
        r.readable = at;
        r.markRunning(now);
        Optional<ProcessError> refused = pullError(s, at);
        if (refused.isPresent()) {
            r.pauseWithErrors(List.of(refused.get()));
        }
    }

    /**
     * {@code reSetupMeta} / the outdated branch: a new sub-dir and relay.meta at (needed file, 4); "needed" is the
     * subtasks' minimum checkpoint, else the source's {@code relay-binlog-name}, else the upstream's current file.
     */
    private static Position resetMeta(Cluster c, SourceState s, RelayUnit r, RelayDir dir) {
        dir.addSubDir();
        String file = r.neededFile != null ? r.neededFile : s.binlog.master().file();
        Position at = new Position(file, 4);
        dir.writeMeta(new RelayDir.RelayMeta(file, 4, ""));
        return at;
    }

    /**
     * {@code tryRecoverLatestFile} ({@code pingcap/tiflow:dm/relay/relay.go:365-421@v8.5.4}, {@code doRecovering}
     * l.443-493): skipped only for a meta that compares ≤ ({@code ""}, 4), i.e. an empty file name (go-mysql compares
     * names first); a missing file is skipped too. Otherwise the file is parsed from 0: the position becomes the
     * header {@code LogPos} (uint32) of its last complete transaction, the file is truncated there when longer, and
     * that position is saved when it truncated or lies beyond the meta's. So an edit to (same file, 4) is undone while
     * the file is present; on a copy whose last transaction ends past 4 GiB the saved position is the wrapped value.
     */
    static Position recover(SourceState s, RelayDir dir, Position meta) {
        if (meta.file().isEmpty() && meta.offset() <= 4) {
            return meta;
        }
        long size = dir.copySize(meta.file());
        if (size == -1) {
            return meta;
        }
        if (size == RelayDir.WHOLE_FILE) {
            size = s.binlog.has(meta.file()) ? s.binlog.size(meta.file()) : 4;
        }
        // getTxnPosGTIDs reads the uint32 header LogPos: past 4 GiB it is the wrapped value
        long logPos = dir.lastTransactionEnd(meta.file(), size) & Position.UINT32_MAX;
        boolean truncated = size > logPos;
        if (truncated) {
            dir.truncate(meta.file(), logPos);
        }
        if (truncated || logPos > meta.uint32Pos()) {
            dir.writeMeta(new RelayDir.RelayMeta(meta.file(), logPos, ""));
            return new Position(meta.file(), logPos);
        }
        return meta;
    }

    /**
     * {@code isRelayMetaOutdated} without GTID: the needed file's name is later than relay.meta's
     * ({@code pingcap/tiflow:dm/relay/relay.go:240-281@v8.5.4}).
     */
    private static boolean outdated(SourceState s, RelayUnit r, Position meta) {
        return r.neededFile != null && s.binlog.has(r.neededFile) && s.binlog.has(meta.file())
                && s.binlog.index(r.neededFile) > s.binlog.index(meta.file());
    }

    /** What the upstream answers a COM_BINLOG_DUMP from this position (relay side: 30015, delegated). */
    static Optional<ProcessError> pullError(SourceState s, Position at) {
        return switch (s.binlog.check(at.file(), at.uint32Pos())) {
            case VALID -> Optional.empty();
            case NO_SUCH_FILE -> Optional.of(ErrorCatalog.relayGetEvent(ErrorCatalog.mysqlPurged()));
            case BEYOND_END -> Optional.of(ErrorCatalog.relayGetEvent(ErrorCatalog.mysqlBeyondEnd()));
            case MID_EVENT -> Optional.of(ErrorCatalog.relayGetEvent(
                    ErrorCatalog.mysqlMidEvent(at.file(), at.uint32Pos())));
        };
    }

    /**
     * One tick of the relay writer: pull up to {@code budget} bytes. Pulling a file over 4 GiB stops at the first
     * event that starts past 4 GiB: its start, computed as {@code LogPos - EventSize} on uint32 header fields,
     * wraps below the file offset, the duplicate check compares other bytes and fails with 30029
     * ({@code handlePotentialHoleOrDuplicate}, {@code pingcap/tiflow:dm/relay/relay_writer.go:245-317@v8.5.4},
     * {@code checkIsDuplicateEvent}, {@code dm/relay/file_util.go:127-158@v8.5.4}; the same computation in
     * {@code dm/relay/writer/file.go:337@v5.3.0} and {@code dm/relay/relay_writer.go:301@v6.1.0}). Every pull of
     * the file meets it at the same point, a re-pull from position 4 too (§7.3, inference from DM's code).
     */
    static void pull(SourceState s, RelayUnit r, long budget) {
        RelayDir dir = s.relayDir(r.worker);
        if (!s.binlog.has(r.position.file())) {
            r.pauseWithErrors(List.of(ErrorCatalog.relayGetEvent(ErrorCatalog.mysqlPurged())));
            flushMeta(s, r);
            return;
        }
        Position next = s.binlog.advance(r.position, s.binlog.master(), budget);
        if (next.equals(r.position)) {
            return;
        }
        List<String> files = s.binlog.files();
        int from = s.binlog.index(r.position.file());
        int to = s.binlog.index(next.file());
        for (int i = from; i <= to; i++) {
            String f = files.get(i);
            long start = i == from ? r.position.offset() : 4;
            long end = i == to ? next.offset() : s.binlog.size(f);
            if (s.binlog.isBig(f) && end > LAST_TXN_BELOW_4G && start <= LAST_TXN_BELOW_4G) {
                // the crossing event is written; the event after it fails the duplicate check
                dir.wroteUpTo(f, CROSSING_EVENT_END, LAST_TXN_BELOW_4G);
                s.binlog.recordGenuine(new Position(f, LAST_TXN_BELOW_4G));
                r.position = new Position(f, CROSSING_EVENT_END);
                r.readable = new Position(f, LAST_TXN_BELOW_4G);
                String path = s.reportedSubDirPath(r.worker) + "/" + f;
                r.pauseWithErrors(List.of(ErrorCatalog.relayDuplicateEvent(path,
                        CROSSING_EVENT_END & Position.UINT32_MAX, FAILING_EVENT_SIZE)));
                flushMeta(s, r);
                return;
            }
            dir.wrote(f, end);
        }
        r.position = next;
        r.readable = next;
        s.binlog.recordGenuine(next);
        flushMeta(s, r);
    }

    /**
     * relay.meta from memory, as DM writes it every 30 s while dirty and whenever the unit pauses or closes
     * ({@code flushMetaInterval}, {@code stopSync → FlushMeta}, {@code pingcap/tiflow:dm/relay/relay.go@v8.5.4:
     * 55,860-873,981-1009}): an edit made while this unit exists is overwritten. The simulator writes it each
     * tick the relay moved, and on every pause or close.
     */
    static void flushMeta(SourceState s, RelayUnit r) {
        s.relayDir(r.worker).writeMeta(new RelayDir.RelayMeta(r.position.file(), r.position.uint32Pos(), ""));
    }
}
