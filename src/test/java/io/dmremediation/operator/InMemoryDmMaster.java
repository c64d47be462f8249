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
 * rewound checkpoint.
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
            if (t.stage == Stage.RUNNING) {
                // replication moves: a verify sees progress
                t.pos += 1000;
            }
            subtasks.add(new Subtask(t.name, SOURCE, "worker-1", t.stage, Unit.SYNC, false, t.errors,
                    new SyncProgress(new BinlogLocation(NEXT_FILE, 90000), new BinlogLocation(t.file, t.pos), "",
                            "", t.pos, false, "remote")));
        }
        return new DmSnapshot(subtasks, List.of(), List.of(), List.of());
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
        return Optional.of("source-id: " + source + "\nenable-gtid: false\n");
    }

    @Override
    public Optional<List<Relay>> relayStatus(String source) {
        return Optional.of(List.of());
    }

    @Override
    public void disableRelay(String source, List<String> workers) {
        gate.call("disableRelay", true, () -> { });
    }

    @Override
    public void enableRelay(String source, List<String> workers) {
        gate.call("enableRelay", true, () -> { });
    }

    @Override
    public void redetect() {
    }
}
