package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.List;

/**
 * Immutable snapshots of what DM-master gathers from the workers for query-status (§3) and the OpenAPI
 * status endpoints (§2.3); built under the cluster lock, rendered without it.
 */
final class StatusViews {

    /**
     * A subtask's {@code SubTaskStatus} with its {@code sync} block; a {@code placeholder} is DM-master's
     * {@code SubTaskStatus{Name}} for a task it has no worker answer for (name only).
     */
    record SubtaskView(String task, String stage, String unit, boolean hasResult, boolean canceled,
                       List<ProcessError> errors, String masterBinlog, String syncerBinlog, long totalEvents,
                       boolean synced, String binlogType, long secondsBehindMaster, boolean placeholder) {

        static SubtaskView placeholder(String task) {
            return new SubtaskView(task, "InvalidStage", "InvalidUnit", false, false, List.of(), "", "", 0, false,
                    "", 0, true);
        }
    }

    /** {@code RelayStatus}. */
    record RelayView(String masterBinlog, String relaySubDir, String relayBinlog, boolean catchUpMaster,
                     String stage, boolean hasResult, boolean canceled, List<ProcessError> errors) {
    }

    /** One {@code QueryStatusResponse}: a source's worker answer, or DM-master's error when there is none. */
    record SourceView(String source, String worker, boolean ok, String msg, RelayView relay,
                      List<SubtaskView> subtasks) {
    }

    private StatusViews() {
    }

    /** getStatusFromWorkers (server.go): one entry per source, sorted by source name. */
    static List<SourceView> forSources(Cluster c, String task, List<String> sources) {
        List<SourceView> out = new ArrayList<>();
        for (String src : sources.stream().distinct().sorted().toList()) {
            out.add(forSource(c, task, src));
        }
        return out;
    }

    static SourceView forSource(Cluster c, String task, String source) {
        SourceState s = c.sources.get(source);
        WorkerState w = s == null ? null : c.liveWorker(s);
        if (w == null) {
            return new SourceView(source, "", false, ErrorCatalog.workerClientNotFound(source).terrorString(),
                    null, List.of());
        }
        List<SubtaskView> subs = new ArrayList<>();
        if (task != null && task.isEmpty()) {
            // no task named: the worker lists every subtask it runs, by name (dm/worker/status.go:48-60@v8.5.4)
            c.subtasksOfSource(source).stream().sorted(java.util.Comparator.comparing(x -> x.task))
                    .forEach(st -> subs.add(subtask(s, st)));
        } else if (task != null) {
            Subtask st = c.subtask(task, source);
            if (st != null) {
                subs.add(subtask(s, st));
            }
        }
        return new SourceView(source, w.name, true, "", relay(s, s.boundRelay()), subs);
    }

    /** A relay-only worker's answer for the source: its relay, no subtasks. */
    static SourceView forRelayWorker(Cluster c, SourceState s, String worker) {
        return new SourceView(s.id, worker, true, "", relay(s, s.relays.get(worker)), List.of());
    }

    static SubtaskView subtask(SourceState s, Subtask st) {
        Position master = s.binlog.master();
        Position flushed = st.flushed == null ? st.checkpoint : st.flushed;
        // syncerBinlog is the flushed global checkpoint; read from relay it carries the sub-dir suffix (§2.3)
        String syncerFile = st.readsRelay ? UpstreamBinlog.suffixedName(flushed.file(), RelayDir.SUFFIX) : flushed.file();
        String syncerBinlog = "(" + syncerFile + ", " + flushed.uint32Pos() + ")";
        boolean synced = s.binlog.compare(flushed, master) == 0;
        long behind = synced ? 0 : 1 + s.binlog.distance(flushed, master) / (64L << 20);
        return new SubtaskView(st.task, st.stage.dmName(), "Sync", st.hasResult, st.canceled, st.errors,
                master.dmText(), syncerBinlog, st.totalEvents, synced, st.readsRelay ? "local" : "remote", behind, false);
    }

    /**
     * {@code RelayStatus}, present only while relay is enabled on the worker: after a disable the worker sends none,
     * so the gateway shows {@code relayStatus: null} and OpenAPI leaves {@code relay_status} out (§2.3, §3.2;
     * {@code pingcap/tiflow:dm/worker/source_worker.go:651-690@v8.5.4, relay status only while relayEnabled, l.676}).
     */
    static RelayView relay(SourceState s, RelayUnit r) {
        if (r == null) {
            return null;
        }
        Position master = s.binlog.master();
        return new RelayView(master.dmText(), s.relayDir(r.worker).subDir(), r.position.dmText(),
                s.binlog.compare(r.position, master) == 0, r.stage.dmName(), r.hasResult, r.canceled, r.errors);
    }
}
