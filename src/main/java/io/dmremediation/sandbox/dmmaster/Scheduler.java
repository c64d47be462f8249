package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What DM-master does with task and relay requests (§1.1, §2, §8): task configs and expected stages, applied
 * to the workers' subtasks through {@link WorkerRuntime}. Every method expects the cluster lock to be held.
 */
final class Scheduler {

    static final String CHECK_PASSED = "pre-check is passed. ";

    /** {@code pb.CommonWorkerResponse}. */
    record SourceResp(boolean result, String msg, String source, String worker) {
    }

    /** {@code pb.StartTaskResponse}. */
    record StartOutcome(boolean result, String msg, List<SourceResp> sources, String checkResult) {
    }

    /** {@code pb.OperateTaskResponse}. */
    record OperateOutcome(String op, boolean result, String msg, List<SourceResp> sources) {
    }

    private final Cluster c;
    private final WorkerRuntime workers;

    Scheduler(Cluster cluster, WorkerRuntime workers) {
        this.c = cluster;
        this.workers = workers;
    }

    List<String> taskSources(String task) {
        TaskState t = c.tasks.get(task);
        return t == null ? List.of() : new ArrayList<>(t.expected.keySet());
    }

    // ---- gateway StartTask / OperateTask ------------------------------------------------------------------

    /**
     * start-task (server.go StartTask): parse and check the task, refuse it when its subtasks already exist
     * (46014), otherwise add subtask configs with expected stage Running; a worker that runs the source
     * creates the subtask at once, loading its checkpoint (§6).
     */
    StartOutcome startTask(String yaml, List<String> onlySources, boolean removeMeta, long now) {
        TaskConfig cfg;
        try {
            cfg = TaskConfig.parse(yaml);
        } catch (TaskConfig.ConfigException e) {
            // start-task returns the task config's errors re-classed as dm-master (generateSubTask,
            // pingcap/tiflow:dm/master/server.go:1657@v8.5.4); seen so on real DM (docs/real-dm-checks.md R15, R18)
            return failStart(e.error().withClass("dm-master"), "");
        }
        for (String src : cfg.sourceIds()) {
            if (!c.sources.containsKey(src)) {
                // TaskConfigToSubTaskConfigs' error, re-classed the same way (server.go:1688-1691@v8.5.4)
                return failStart(ErrorCatalog.sourceIdNotFound(src).withClass("dm-master"), "");
            }
        }
        if (TaskConfig.PASSWORD_MASK.equals(cfg.target().password())) {
            // the password GetCfg hands out is not a password: DM's downstream check fails with it
            return failStart(ErrorCatalog.downstreamAccessDenied(cfg.target().user()), "");
        }
        List<String> selected = new ArrayList<>(cfg.sourceIds());
        if (onlySources != null && !onlySources.isEmpty()) {
            List<SourceResp> invalid = new ArrayList<>();
            selected = new ArrayList<>();
            for (String s : onlySources) {
                if (cfg.sourceIds().contains(s)) {
                    selected.add(s);
                } else {
                    invalid.add(new SourceResp(false, "source not found in task's config", s, ""));
                }
            }
            if (!invalid.isEmpty()) {
                return new StartOutcome(false, "", invalid, CHECK_PASSED);
            }
        }
        TaskState existing = c.tasks.get(cfg.name());
        List<String> exist = new ArrayList<>();
        for (String s : selected) {
            if (existing != null && existing.expected.containsKey(s)) {
                exist.add(s);
            }
        }
        if (removeMeta) {
            if (!exist.isEmpty()) {
                return failStart(ErrorCatalog.annotate(ErrorCatalog.subtaskExist(cfg.name(), exist),
                        "while remove-meta is true"), CHECK_PASSED);
            }
            try {
                c.store.drop(cfg.metaSchema(), cfg.name());
            } catch (CheckpointStore.StoreException e) {
                return failStart(ErrorCatalog.annotate(ErrorCatalog.checkpointLoadFailed(e.getMessage()),
                        "while removing metadata"), CHECK_PASSED);
            }
        }
        if (exist.size() == selected.size()) {
            return failStart(ErrorCatalog.subtaskExist(cfg.name(), exist), CHECK_PASSED);
        }
        TaskState t = existing != null ? existing : new TaskState(cfg);
        t.config = cfg;
        c.tasks.put(cfg.name(), t);
        for (String src : selected) {
            if (exist.contains(src)) {
                continue;
            }
            t.expected.put(src, SimStage.RUNNING);
            SourceState s = c.sources.get(src);
            if (c.liveWorker(s) != null) {
                workers.createSubtask(t, s, SimStage.RUNNING, now);
            }
        }
        c.count(c.startCounts, cfg.name());
        return new StartOutcome(true, "", responses(selected), CHECK_PASSED);
    }

    private static StartOutcome failStart(ProcessError e, String checkResult) {
        return new StartOutcome(false, e.terrorString(), List.of(), checkResult);
    }

    /**
     * OperateTask (server.go): {@code Pause}/{@code Resume} change the expected stage, which the worker applies
     * to the same in-memory subtask; {@code Delete} (v6+) / {@code Stop} (v5.x) removes the subtasks, whose
     * close flushes the checkpoint; the downstream meta stays (§8).
     */
    OperateOutcome operateTask(String task, String op, List<String> onlySources, long now) {
        List<String> sources = onlySources != null && !onlySources.isEmpty() ? onlySources : taskSources(task);
        if (sources.isEmpty()) {
            return new OperateOutcome(op, false,
                    "task " + task + " has no source or not exist, please check the task name and status", List.of());
        }
        boolean remove = c.version.hasTaskOpDelete() ? "Delete".equals(op) : "Stop".equals(op);
        SimStage expect = switch (op) {
            case "Pause" -> SimStage.PAUSED;
            case "Resume" -> SimStage.RUNNING;
            default -> null;
        };
        if (!remove && expect == null) {
            return new OperateOutcome(op, false, ErrorCatalog.invalidOperateOp(op, "task").terrorString(), List.of());
        }
        try {
            if (remove) {
                removeSubtasks(task, sources, true);
            } else {
                updateExpected(task, expect, sources, now);
            }
        } catch (DmApiException e) {
            return new OperateOutcome(op, false, e.error().terrorString(), List.of());
        }
        return new OperateOutcome(op, true, "", responses(sources));
    }

    /** {@code UpdateExpectSubTaskStage}: unknown task 46016, unknown sources 46017, nothing to do is fine. */
    void updateExpected(String task, SimStage expect, List<String> sources, long now) {
        if (sources.isEmpty()) {
            return;
        }
        TaskState t = c.tasks.get(task);
        if (t == null) {
            throw new DmApiException(ErrorCatalog.operateTaskNotExist(task));
        }
        List<String> missing = sources.stream().filter(s -> !t.expected.containsKey(s)).toList();
        if (!missing.isEmpty()) {
            throw new DmApiException(ErrorCatalog.operateSourceNotExist(missing));
        }
        for (String src : sources) {
            t.expected.put(src, expect);
            Subtask st = c.subtask(task, src);
            if (st == null) {
                continue;
            }
            if (expect == SimStage.RUNNING) {
                workers.resume(st, now, true);
            } else {
                workers.pauseByUser(st, now);
            }
        }
    }

    void removeSubtasks(String task, List<String> sources, boolean flush) {
        TaskState t = c.tasks.get(task);
        if (t == null) {
            throw new DmApiException(ErrorCatalog.operateTaskNotExist(task));
        }
        List<String> missing = sources.stream().filter(s -> !t.expected.containsKey(s)).toList();
        if (!missing.isEmpty()) {
            throw new DmApiException(ErrorCatalog.operateSourceNotExist(missing));
        }
        for (String src : sources) {
            Subtask st = c.subtask(task, src);
            if (st != null) {
                // closing a running unit ends its Process, which flushes; a paused one flushed when it paused
                if (flush && st.stage == SimStage.RUNNING) {
                    workers.flush(st);
                }
                c.subtasks.remove(Cluster.key(task, src));
            }
            t.expected.remove(src);
        }
        if (t.expected.isEmpty()) {
            c.tasks.remove(task);
        }
        c.count(c.stopCounts, task);
    }

    private List<SourceResp> responses(List<String> sources) {
        List<SourceResp> out = new ArrayList<>();
        for (String src : sources.stream().sorted().toList()) {
            SourceState s = c.sources.get(src);
            WorkerState w = s == null ? null : c.liveWorker(s);
            out.add(w != null ? new SourceResp(true, "", src, w.name)
                    : new SourceResp(false, ErrorCatalog.workerClientNotFound(src).terrorString(), src, ""));
        }
        return out;
    }

    // ---- OpenAPI task operations ---------------------------------------------------------------------------

    /**
     * v6+ {@code POST /api/v1/tasks/{t}/start} (§2.2): expected stage Running = resume of the same in-memory
     * subtask. An unknown task has no sources and DM answers 200 without doing anything.
     */
    void openApiStart(String task, List<String> onlySources, String startTime, boolean removeMeta, long now) {
        List<String> sources = onlySources != null && !onlySources.isEmpty() ? onlySources : taskSources(task);
        TaskState t = c.tasks.get(task);
        for (String src : sources) {
            if (t == null || !t.expected.containsKey(src)) {
                throw new DmApiException(ErrorCatalog.sourceCfgNotExist(src));
            }
            TaskConfig.Instance inst = t.config.instance(src);
            if (c.version.openApiStartNeedsMeta() && "incremental".equals(t.config.taskMode())
                    && (inst == null || !inst.hasMeta()) && (startTime == null || startTime.isEmpty())) {
                throw new DmApiException(ErrorCatalog.metadataNotSet(src));
            }
        }
        if (sources.isEmpty()) {
            return;
        }
        if (removeMeta) {
            try {
                c.store.drop(t.config.metaSchema(), task);
            } catch (CheckpointStore.StoreException e) {
                throw new DmApiException(ErrorCatalog.annotate(
                        ErrorCatalog.checkpointLoadFailed(e.getMessage()), "while removing metadata"));
            }
        }
        t.startTime = startTime;
        updateExpected(task, SimStage.RUNNING, sources, now);
    }

    /** v6+ {@code POST …/stop}: expected stage Stopped, which the worker applies as a pause (§2.2). */
    void openApiStop(String task, List<String> onlySources, long now) {
        List<String> sources = onlySources != null && !onlySources.isEmpty() ? onlySources : taskSources(task);
        updateExpected(task, SimStage.STOPPED, sources, now);
    }

    /** v5.x {@code DELETE /api/v1/tasks/{t}}: dmctl stop-task, checkpoints kept (§2.4). */
    void openApiV5Delete(String task, List<String> onlySources) {
        List<String> sources = onlySources != null && !onlySources.isEmpty() ? onlySources : taskSources(task);
        if (sources.isEmpty()) {
            throw new DmApiException(ErrorCatalog.taskNotExist(task));
        }
        removeSubtasks(task, sources, true);
    }

    /** v6+ {@code DELETE /api/v1/tasks/{t}}: refuses running subtasks unless forced, and DROPS the meta (§2.1). */
    void openApiV6Delete(String task, boolean force) {
        TaskState t = c.tasks.get(task);
        if (t == null) {
            throw new DmApiException(ErrorCatalog.taskNotExist(task));
        }
        if (!force) {
            for (SimStage s : t.expected.values()) {
                if (s != SimStage.PAUSED && s != SimStage.STOPPED) {
                    throw new DmApiException(ErrorCatalog.openApiCommon("task " + task
                            + " have running subtasks, please stop them or delete task with force."));
                }
            }
        }
        String metaSchema = t.config.metaSchema();
        try {
            c.store.drop(metaSchema, task);
        } catch (CheckpointStore.StoreException e) {
            throw new DmApiException(ErrorCatalog.annotate(
                    ErrorCatalog.checkpointLoadFailed(e.getMessage()), "while removing metadata"));
        }
        removeSubtasks(task, taskSources(task), false);
    }

    /**
     * v6+ {@code PUT /api/v1/tasks/{t}} (§2.1, §8): refused while a subtask is expected Running (46035); the
     * new config reaches the syncer on the next user resume, without reloading checkpoints.
     */
    TaskConfig openApiUpdate(String task, TaskConfig.TargetDb target, Map<String, Position> metas) {
        TaskState t = c.tasks.get(task);
        if (t == null) {
            throw new DmApiException(ErrorCatalog.subtaskNotExist(task, new ArrayList<>(metas.keySet())));
        }
        for (Map.Entry<String, SimStage> e : t.expected.entrySet()) {
            if (e.getValue() == SimStage.RUNNING) {
                throw new DmApiException(ErrorCatalog.subtaskCfgUpdate(task, e.getKey()));
            }
        }
        TaskConfig.TargetDb old = t.config.target();
        String pw = target.password() == null || target.password().isEmpty()
                || TaskConfig.PASSWORD_MASK.equals(target.password()) ? old.password() : target.password();
        t.config = t.config.rebuiltByOpenApi(new TaskConfig.TargetDb(target.host(), target.port(), target.user(), pw),
                metas);
        return t.config;
    }

    // ---- relay --------------------------------------------------------------------------------------------

    SourceState relaySource(String source) {
        SourceState s = c.sources.get(source);
        if (s == null) {
            throw new DmApiException(ErrorCatalog.sourceCfgNotExist(source));
        }
        if (c.liveWorker(s) == null) {
            throw new DmApiException(ErrorCatalog.workerNoStart());
        }
        return s;
    }

    /** relay/enable, start-relay: a new relay unit, which reads relay.meta (§7). */
    void enableRelay(String source, long now) {
        SourceState s = relaySource(source);
        s.relayEnabled = true;
        if (s.relay == null || s.relay.stage == SimStage.STOPPED) {
            workers.startRelay(s, now);
        }
    }

    void disableRelay(String source) {
        SourceState s = relaySource(source);
        s.relayEnabled = false;
        workers.stopRelay(s);
    }

    /** v5.x pause-relay: a user pause ({@code isCanceled}). */
    void pauseRelay(String source) {
        SourceState s = relaySource(source);
        RelayUnit r = s.relay;
        if (r != null && r.stage == SimStage.RUNNING) {
            r.stage = SimStage.PAUSED;
            r.canceled = true;
            r.hasResult = true;
            r.errors = List.of();
        }
    }

    void resumeRelay(String source, long now) {
        workers.resumeRelay(relaySource(source), now);
    }
}
