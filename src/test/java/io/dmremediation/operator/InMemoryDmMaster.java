package io.dmremediation.operator;

import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmErrorReplyException;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.SyncProgress;
import io.dmremediation.domain.Unit;
import io.dmremediation.domain.Worker;
import io.dmremediation.playbook.TaskYaml;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DM-master behind the {@link DmMaster} interface, in memory and synchronous, for the fast layer: tasks with one
 * subtask each, stop-task and start-task with DM's answers ("task not found", 46014), the task config masked as
 * GetCfg masks it, and a syncer checkpoint that a fix can rewind. It keeps score of what a careful person would
 * check afterwards: every stop and start, the config each start used, and any start without safe mode over a
 * rewound checkpoint. With {@link #relayByConfig} the source runs a relay ({@code enable-relay: true}) as DM does
 * (dm-facts §7.1-7.3): only the no-name call stops it, the subtasks read the upstream while it is off, and it
 * starts at the subtasks' minimum checkpoint, failing at the big file again while a subtask still needs it.
 */
final class InMemoryDmMaster implements DmMaster {

    static final String SOURCE = "mysql-01";
    static final String BIG_FILE = "mysql-bin.000001";
    static final String NEXT_FILE = "mysql-bin.000002";

    /** One task: its config as started (with the real password), and its one subtask. */
    static final class Task {
        final String name;
        String config;
        Stage stage = Stage.RUNNING;
        /** A full-mode task ends in the Load unit, Finished (no syncer, no checkpoint to read past). */
        Unit unit = Unit.SYNC;
        List<DmError> errors = List.of();
        String file = BIG_FILE;
        long pos = 4000;

        Task(String name, String config) {
            this.name = name;
            this.config = config;
        }
    }

    private final String url;
    final Map<String, Task> tasks = new LinkedHashMap<>();
    /** Tasks whose upstream writes nothing: a running subtask's flushed checkpoint stays where it is (DM flushes
     *  only while it handles jobs). */
    final java.util.Set<String> idleUpstream = new java.util.HashSet<>();
    /** What each start-task was given, in order. */
    final List<String> starts = new ArrayList<>();
    final List<String> stops = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    /** Tasks stopped by stop-task and not started again yet, and the most there ever were at once. */
    final java.util.Set<String> stoppedNow = new java.util.HashSet<>();
    int mostStoppedAtOnce;
    /** The FAQ error a task shows again after it is started, if the fix did not take (overflow), by task. */
    final Map<String, DmError> errorAfterStart = new LinkedHashMap<>();
    /** Checkpoints of a task rewound to position 4 of the big file by the fix Job. */
    final Map<String, Boolean> rewound = new LinkedHashMap<>();
    /** Tasks that replayed past the big file since the rewind. */
    final Map<String, Boolean> replayedPast = new LinkedHashMap<>();
    /** Where every call goes through, so faults can be put in its way. */
    interface Gate {
        void call(String name, boolean mutating, Runnable action);
    }

    /** The relay error DM reports once the relay reaches 4 GiB of the big file (30029, dm-facts §7.3). */
    static final DmError RELAY_OVERFLOW = new DmError(30029, "relay-unit", "internal", "high", "event from 4021 in "
            + "/var/lib/dm-worker/relay/0f1c2d3e-0000-11ee-0000-000000000001.000001/" + BIG_FILE + " diff from "
            + "passed-in event &{Timestamp:1690000000 EventType:WriteRowsEventV2 ServerID:1 EventSize:8180 "
            + "LogPos:12201 Flags:0}", "", "");

    /** The source's config enables its relay; the relay state below. */
    boolean relayByConfig;
    boolean relayOn;
    DmError relayError;
    String relayFile = BIG_FILE;
    final List<String> relayCalls = new ArrayList<>();

    private final Gate gate;
    /** Refuse every start-task without safe mode (DM's precheck failing on the original config, say). */
    boolean refuseUnsafeStarts;

    InMemoryDmMaster(String url, Gate gate) {
        this.url = url;
        this.gate = gate;
    }

    void addTask(String name, String config) {
        tasks.put(name, new Task(name, config));
    }

    /** A full-mode task that has done its dump and load. */
    void finishTask(String name) {
        Task t = tasks.get(name);
        t.stage = Stage.FINISHED;
        t.unit = Unit.LOAD;
    }

    /** DM's auto-resume got the task running again. */
    void heal(String name) {
        Task t = tasks.get(name);
        t.stage = Stage.RUNNING;
        t.errors = List.of();
    }

    void breakTask(String name, DmError error) {
        Task t = tasks.get(name);
        t.stage = Stage.PAUSED;
        t.errors = List.of(error);
    }

    @Override
    public String baseUrl() {
        return url;
    }

    @Override
    public DmApi api() {
        return DmApi.OPENAPI;
    }

    @Override
    public DmSnapshot status(Collection<String> names) {
        gate.call("status", false, () -> { });
        List<Subtask> subtasks = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (!names.isEmpty() && !names.contains(t.name)) {
                continue;
            }
            if (t.stage == Stage.RUNNING && !idleUpstream.contains(t.name)) {
                // replication moves: a verify sees progress
                t.pos += 1000;
                if (relayByConfig && (!relayOn || relayError == null)) {
                    // off: the subtask reads the upstream, through the big file; on and healthy: past it too
                    t.file = NEXT_FILE;
                }
            }
            subtasks.add(new Subtask(t.name, SOURCE, "worker-1", t.stage, t.unit, false, t.errors,
                    t.unit != Unit.SYNC ? null : new SyncProgress(new BinlogLocation(NEXT_FILE, 90000),
                            new BinlogLocation(t.file, t.pos), "", "", t.pos, false, "remote")));
        }
        List<Relay> relays = relayByConfig && relayOn ? List.of(relay(true)) : List.of();
        return new DmSnapshot(subtasks, relays, List.of(), List.of());
    }

    @Override
    public Optional<List<String>> taskNames() {
        gate.call("taskNames", false, () -> { });
        return Optional.of(new ArrayList<>(tasks.keySet()));
    }

    @Override
    public String taskConfig(String task) {
        String[] out = new String[1];
        gate.call("taskConfig", false, () -> {
            Task t = tasks.get(task);
            if (t == null) {
                throw new DmErrorReplyException(0, "task not found", "DM-master: task not found");
            }
            // GetCfg masks the downstream password (dm-facts §1.2)
            out[0] = t.config.replaceAll("password: .*", "password: \"" + TaskYaml.MASKED + "\"");
        });
        return out[0];
    }

    @Override
    public void stopTask(String task) {
        gate.call("stopTask", true, () -> {
            if (tasks.remove(task) == null) {
                throw new DmErrorReplyException(0, "task " + task + " has no source or not exist, please check the "
                        + "task name and status", "DM-master: task " + task + " has no source or not exist");
            }
            stops.add(task);
            stoppedNow.add(task);
            mostStoppedAtOnce = Math.max(mostStoppedAtOnce, stoppedNow.size());
        });
    }

    @Override
    public void startTask(String yaml) {
        gate.call("startTask", true, () -> {
            String name = TaskYaml.name(yaml);
            if (tasks.containsKey(name)) {
                throw new DmErrorReplyException(DmErrorReplyException.CODE_SUBTASK_EXISTS, "subtasks with name "
                        + name + " for sources [" + SOURCE + "] already exist", "DM-master: 46014");
            }
            if (yaml.contains(TaskYaml.MASKED)) {
                violations.add("start-task of " + name + " with the masked password");
            }
            boolean safe = TaskYaml.safeMode(yaml, SOURCE);
            if (refuseUnsafeStarts && !safe) {
                throw new DmErrorReplyException(0, "precheck failed (test: starts without safe mode are refused)",
                        "DM-master refused start-task");
            }
            boolean rewind = rewound.getOrDefault(name, false) && !replayedPast.getOrDefault(name, false);
            if (rewind && !safe) {
                violations.add("start-task of " + name + " without safe mode over a rewound checkpoint");
            }
            Task t = new Task(name, yaml);
            starts.add(name + (safe ? " (safe mode)" : ""));
            stoppedNow.remove(name);
            DmError again = errorAfterStart.get(name);
            if (rewind || replayedPast.getOrDefault(name, false)) {
                // the replay from position 4 passes the big file; later starts go on from past it
                t.file = NEXT_FILE;
                t.pos = 4;
                replayedPast.put(name, true);
            } else if (again != null) {
                t.stage = Stage.PAUSED;
                t.errors = List.of(again);
            }
            tasks.put(name, t);
        });
    }

    /** The fix Job's effect: the task's checkpoint points at position 4 of the big file. */
    void rewind(String task) {
        rewound.put(task, true);
        replayedPast.put(task, false);
        errorAfterStart.remove(task);
    }

    @Override
    public void pauseTask(String task) {
        gate.call("pauseTask", true, () -> tasks.get(task).stage = Stage.PAUSED);
    }

    @Override
    public void resumeTask(String task) {
        gate.call("resumeTask", true, () -> tasks.get(task).stage = Stage.RUNNING);
    }

    @Override
    public List<Worker> workers() {
        return List.of(new Worker("worker-1", "worker-1:8262", "bound", SOURCE));
    }

    @Override
    public Optional<String> sourceConfig(String source) {
        gate.call("sourceConfig", false, () -> { });
        return Optional.of("source-id: " + source + "\nenable-gtid: false\n"
                + (relayByConfig ? "enable-relay: " + relayOn + "\n" : ""));
    }

    private Relay relay(boolean withErrors) {
        return new Relay(SOURCE, "worker-1", relayError != null ? Stage.PAUSED : Stage.RUNNING,
                "0f1c2d3e-0000-11ee-0000-000000000001.000001", new BinlogLocation(relayFile, 4000), "",
                new BinlogLocation(NEXT_FILE, 90000), false, withErrors && relayError != null ? List.of(relayError)
                : List.of());
    }

    @Override
    public Optional<List<Relay>> relayStatus(String source) {
        List<List<Relay>> out = new ArrayList<>();
        // OpenAPI's source status: the relay's stage, no error text
        gate.call("relayStatus", false, () -> out.add(relayByConfig && relayOn ? List.of(relay(false)) : List.of()));
        return Optional.of(out.get(0));
    }

    @Override
    public void disableRelay(String source, List<String> workers) {
        gate.call("disableRelay", true, () -> {
            if (relayByConfig && !workers.isEmpty()) {
                // a source whose config enables the relay: only the no-name path stops it (dm-facts §7.1)
                throw new DmErrorReplyException(46031, "source " + source + " is configured enable-relay: true; "
                        + "stop-relay with worker names is not allowed", "DM-master: 46031");
            }
            relayOn = false;
            relayError = null;
            relayCalls.add("off");
        });
    }

    @Override
    public void enableRelay(String source, List<String> workers) {
        gate.call("enableRelay", true, () -> {
            if (relayByConfig && !workers.isEmpty()) {
                throw new DmErrorReplyException(46030, "source " + source + " is configured enable-relay: true; "
                        + "start-relay with worker names is not allowed", "DM-master: 46030");
            }
            // DM starts the relay at the subtasks' minimum checkpoint: one still in the big file pulls it again
            boolean needed = tasks.values().stream().anyMatch(t -> t.unit == Unit.SYNC && BIG_FILE.equals(t.file));
            relayOn = true;
            relayFile = needed ? BIG_FILE : NEXT_FILE;
            relayError = needed ? RELAY_OVERFLOW : null;
            relayCalls.add("on");
        });
    }

    @Override
    public void enableRelayFrom(String source, List<String> workers, String relayBinlogName) {
        gate.call("enableRelay", true, () -> {
            if (!tasks.isEmpty()) {
                throw new DmErrorReplyException(0, "relay-binlog-name cannot be changed while subtasks run on "
                        + source, "DM-master refused");
            }
            relayOn = true;
            relayFile = relayBinlogName;
            relayError = null;
            relayCalls.add("on from " + relayBinlogName);
        });
    }

    @Override
    public void redetect() {
    }
}
