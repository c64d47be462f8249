package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The simulated DM cluster's state: sources, workers, tasks (DM-master's view) and the live subtasks and relay
 * units (the workers' view). One lock guards all of it; HTTP handlers, the tick thread and the Java API take it
 * for every read and write.
 */
final class Cluster {

    final ReentrantLock lock = new ReentrantLock();
    final DmVersion version;
    final Settings settings;
    final CheckpointStore store;
    final String masterName;
    final String masterPeerUrl;
    volatile String clientUrl = "";
    /** gRPC's bound on a received message, which DM-master's worker clients and its gateway keep (ProtoSize). */
    volatile int grpcMaxMessageBytes = ProtoSize.GRPC_DEFAULT_MAX;
    /** The downstream is away (a TiDB restart): every Sync unit that runs fails writing to it. */
    boolean downstreamDown;

    final Map<String, SourceState> sources = new TreeMap<>();
    final Map<String, WorkerState> workers = new TreeMap<>();
    final Map<String, TaskState> tasks = new TreeMap<>();
    /** Live subtasks by {@link #key}: present only while the source's worker runs them. */
    final Map<String, Subtask> subtasks = new HashMap<>();
    /**
     * The furthest position each (task, source) has ever applied downstream. A subtask created behind it
     * replays events that are already there, which needs safe mode (§8).
     */
    final Map<String, Position> highWater = new HashMap<>();
    final Map<String, Integer> startCounts = new HashMap<>();
    final Map<String, Integer> stopCounts = new HashMap<>();

    Cluster(DmVersion version, Settings settings, CheckpointStore store, String masterName, String masterPeerUrl) {
        this.version = version;
        this.settings = settings;
        this.store = store;
        this.masterName = masterName;
        this.masterPeerUrl = masterPeerUrl;
    }

    <T> T call(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    void run(Runnable body) {
        lock.lock();
        try {
            body.run();
        } finally {
            lock.unlock();
        }
    }

    static String key(String task, String source) {
        return task + "\u0000" + source;
    }

    Subtask subtask(String task, String source) {
        return subtasks.get(key(task, source));
    }

    List<Subtask> subtasksOfSource(String source) {
        List<Subtask> out = new ArrayList<>();
        for (Subtask st : subtasks.values()) {
            if (st.source.equals(source)) {
                out.add(st);
            }
        }
        out.sort((a, b) -> a.task.compareTo(b.task));
        return out;
    }

    /** The worker serving a source, or null when the source is unbound or its worker is down. */
    WorkerState liveWorker(SourceState s) {
        if (s.boundWorker == null) {
            return null;
        }
        WorkerState w = workers.get(s.boundWorker);
        return w != null && w.up ? w : null;
    }

    /**
     * {@code bound_stage} / list-member stage (§2.1, {@code pingcap/tiflow:dm/master/scheduler/worker.go:63-66@v8.5.4}):
     * {@code offline} without a keepalive key, {@code bound} with a source, {@code relay} for a named relay worker
     * that is not bound, else {@code free}.
     */
    String workerStage(WorkerState w) {
        if (!w.registered) {
            return "offline";
        }
        if (!boundSourceOf(w.name).isEmpty()) {
            return "bound";
        }
        return relaySourceOf(w.name).isEmpty() ? "free" : "relay";
    }

    String boundSourceOf(String worker) {
        for (SourceState s : sources.values()) {
            if (worker.equals(s.boundWorker)) {
                return s.id;
            }
        }
        return "";
    }

    /** The source this worker is a named relay worker of, or "". */
    String relaySourceOf(String worker) {
        for (SourceState s : sources.values()) {
            if (s.relayWorkers.contains(worker)) {
                return s.id;
            }
        }
        return "";
    }

    void raiseHighWater(String task, String source, Position p) {
        SourceState s = sources.get(source);
        highWater.merge(key(task, source), p, (a, b) -> s.binlog.max(a, b));
    }

    void count(Map<String, Integer> counter, String task) {
        counter.merge(task, 1, Integer::sum);
    }
}
