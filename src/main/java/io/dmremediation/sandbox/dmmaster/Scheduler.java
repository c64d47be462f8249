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
     * start-task ({@code StartTask}, {@code pingcap/tiflow:dm/master/server.go:478-613@v8.5.4}, same flow v5.3 …
     * master): parse and check the task; run the precheck on every call (§1.2; a failure is {@code result: false}
     * with the text in {@code checkResult} from v6.0, in {@code msg} in v5.x, and nothing is started); refuse it when
     * its subtasks already exist (46014); otherwise add the subtask configs with expected stage Running (a worker
     * that runs the source creates the subtask at once, loading its checkpoint, §6) and report per source what the
     * subtask did ({@link #waitResults}).
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
            // the password GetCfg hands out is not a password: the precheck's downstream connection fails with it
            ProcessError refused = ErrorCatalog.precheckFailed(cfg.target().user());
            return c.version.precheckInCheckResult()
                    ? new StartOutcome(false, "", List.of(), refused.terrorString())
                    : failStart(refused, "");
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
        return new StartOutcome(true, "", waitResults(cfg.name(), selected, SimStage.RUNNING), CHECK_PASSED);
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
        return new OperateOutcome(op, true, "", remove ? waitRemoved(sources)
                : waitResults(task, sources, expect));
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

    /**
     * What DM-master reports per source after it asked for a stage ({@code getSourceRespsAfterOperation} /
     * {@code waitOperationOk}, {@code pingcap/tiflow:dm/master/server.go:1874-2131@v8.5.4}): it polls the worker up to
     * 10 times, 1 s apart, and answers {@code result: true} once the subtask is in the stage (Finished counts as
     * Running), {@code result: false} with 38032 wrapping the subtask's errors as soon as it reports errors, 38045 when
     * neither happened in time, and {@code "<source> relevant worker-client not found"} without a worker. The
     * simulator's subtasks settle at once, so it answers without the wait.
     */
    private List<SourceResp> waitResults(String task, List<String> sources, SimStage expect) {
        List<SourceResp> out = new ArrayList<>();
        for (String src : sources.stream().sorted().toList()) {
            SourceState s = c.sources.get(src);
            WorkerState w = s == null ? null : c.liveWorker(s);
            if (w == null) {
                out.add(new SourceResp(false, src + " relevant worker-client not found", src, ""));
                continue;
            }
            Subtask st = c.subtask(task, src);
            if (st != null && st.hasResult && !st.errors.isEmpty()) {
                out.add(new SourceResp(false, ErrorCatalog.workerErrors(st.errors).terrorString(), src, w.name));
            } else if (st != null && (st.stage == expect || expect == SimStage.STOPPED && st.stage == SimStage.PAUSED)) {
                out.add(new SourceResp(true, "", src, w.name));
            } else {
                out.add(new SourceResp(false, ErrorCatalog.failToGetExpectResult().terrorString(), src, w.name));
            }
        }
        return out;
    }

    /** Delete: done once the worker has no such subtask. */
    private List<SourceResp> waitRemoved(List<String> sources) {
        List<SourceResp> out = new ArrayList<>();
        for (String src : sources.stream().sorted().toList()) {
            SourceState s = c.sources.get(src);
            WorkerState w = s == null ? null : c.liveWorker(s);
            out.add(w == null ? new SourceResp(false, src + " relevant worker-client not found", src, "")
                    : new SourceResp(true, "", src, w.name));
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

    // ---- relay (§7.1) -------------------------------------------------------------------------------------

    private SourceState sourceCfg(String source) {
        SourceState s = c.sources.get(source);
        if (s == null) {
            throw new DmApiException(ErrorCatalog.sourceCfgNotExist(source));
        }
        return s;
    }

    /**
     * The OpenAPI v6+ handlers' filling-in: a {@code worker_name_list} that is absent or {@code null} becomes the
     * source's bound worker (none: 40070); an explicit list, the empty one too, is passed on as it is
     * ({@code enableRelay}/{@code disableRelay}, {@code pingcap/tiflow:dm/master/openapi_controller.go:239-293@v8.5.4};
     * same in v6.0.0, v6.1.0).
     */
    List<String> boundWorkerIfUnnamed(String source, List<String> workerNames) {
        SourceState s = sourceCfg(source);
        if (workerNames != null) {
            return workerNames;
        }
        if (s.boundWorker == null) {
            throw new DmApiException(ErrorCatalog.workerNoStart());
        }
        return List.of(s.boundWorker);
    }

    /**
     * {@code relay_binlog_name} in a relay enable first rewrites the source config ({@code UpdateSourceCfg},
     * {@code pingcap/tiflow:dm/master/openapi_controller.go:252-274@v8.5.4}, {@code dm/dm/master/openapi.go@v5.4.0:
     * 251-273}): refused with 46025 while a subtask of the source is expected Running or a relay stage is held for it
     * ({@code pingcap/tiflow:dm/master/scheduler/scheduler.go:408-438@v8.5.4}).
     */
    void setRelayBinlogName(String source, String file) {
        SourceState s = sourceCfg(source);
        if (file.equals(s.relayBinlogName)) {
            return;
        }
        boolean running = c.tasks.values().stream().anyMatch(t -> t.expected.get(source) == SimStage.RUNNING);
        if (running || !s.relayWorkers.isEmpty()) {
            throw new DmApiException(ErrorCatalog.sourceCfgUpdate(source));
        }
        s.relayBinlogName = file;
    }

    /**
     * {@code Scheduler.StartRelay} ({@code pingcap/tiflow:dm/master/scheduler/scheduler.go:1373-1484@v8.5.4};
     * {@code dm/dm/master/scheduler/scheduler.go:1158-1269@v5.4.0}, {@code …:1352-1463@v6.1.0}). Without worker names
     * (dmctl {@code start-relay -s}, OpenAPI with {@code []}): refused with 46028 while named relay workers exist;
     * otherwise {@code enable-relay} is stored as true and the bound worker starts relay. With names: refused with
     * 46030 for a source in {@code enable-relay} mode; 46004 for an unknown worker, 46021 for a worker bound to
     * another source, 46020 for one relaying another source; else each worker starts relay for the source.
     */
    void startRelay(String source, List<String> workerNames, long now) {
        SourceState s = sourceCfg(source);
        if (workerNames.isEmpty()) {
            if (!s.relayWorkers.isEmpty()) {
                throw new DmApiException(ErrorCatalog.startRelayOnSpecified(new ArrayList<>(s.relayWorkers)));
            }
            s.enableRelay = true;
            if (s.boundWorker != null && c.workers.get(s.boundWorker).up) {
                workers.handleSource(s, s.boundWorker, now);
            }
            return;
        }
        if (s.enableRelay) {
            throw new DmApiException(ErrorCatalog.startRelayOnBound());
        }
        List<String> missing = new ArrayList<>();
        List<String> boundW = new ArrayList<>();
        List<String> boundS = new ArrayList<>();
        List<String> busyW = new ArrayList<>();
        List<String> busyS = new ArrayList<>();
        for (String w : workerNames) {
            if (!c.workers.containsKey(w)) {
                missing.add(w);
                continue;
            }
            String bound = c.boundSourceOf(w);
            if (!bound.isEmpty() && !bound.equals(source)) {
                boundW.add(w);
                boundS.add(bound);
            }
            String relaying = c.relaySourceOf(w);
            if (!relaying.isEmpty() && !relaying.equals(source)) {
                busyW.add(w);
                busyS.add(relaying);
            }
        }
        if (!missing.isEmpty()) {
            throw new DmApiException(ErrorCatalog.workersNotExist(missing));
        }
        if (!boundW.isEmpty()) {
            throw new DmApiException(ErrorCatalog.relayWorkersWrongBound(boundW, boundS));
        }
        if (!busyW.isEmpty()) {
            throw new DmApiException(ErrorCatalog.relayWorkersBusy(busyW, busyS));
        }
        for (String w : workerNames) {
            s.relayWorkers.add(w);
            if (c.workers.get(w).up) {
                workers.enableRelay(s, w, false, now);
            }
        }
    }

    /**
     * {@code Scheduler.StopRelay} ({@code pingcap/tiflow:dm/master/scheduler/scheduler.go:1487-1584@v8.5.4};
     * {@code dm/dm/master/scheduler/scheduler.go:1272-1366@v5.4.0}, {@code …:1466-1560@v6.1.0}). Without names:
     * refused with 46029 while named relay workers exist; otherwise {@code enable-relay} is stored as false and the
     * bound is put again, so the bound worker disables the relay it started by the source config
     * ({@code pingcap/tiflow:dm/worker/server.go:708-711@v8.5.4}). With names: 46031 for a source in
     * {@code enable-relay} mode; 46004 unknown worker; 46022 for a worker relaying another source; a worker not
     * relaying is skipped; the others stop relay.
     */
    void stopRelay(String source, List<String> workerNames, long now) {
        SourceState s = sourceCfg(source);
        if (workerNames.isEmpty()) {
            if (!s.relayWorkers.isEmpty()) {
                throw new DmApiException(ErrorCatalog.stopRelayOnSpecified(new ArrayList<>(s.relayWorkers)));
            }
            s.enableRelay = false;
            if (s.boundWorker != null && c.workers.get(s.boundWorker).up) {
                workers.handleSource(s, s.boundWorker, now);
            }
            return;
        }
        if (s.enableRelay) {
            throw new DmApiException(ErrorCatalog.stopRelayOnBound());
        }
        List<String> missing = new ArrayList<>();
        List<String> wrongW = new ArrayList<>();
        List<String> wrongS = new ArrayList<>();
        List<String> stop = new ArrayList<>();
        for (String w : workerNames) {
            if (!c.workers.containsKey(w)) {
                missing.add(w);
                continue;
            }
            String relaying = c.relaySourceOf(w);
            if (relaying.isEmpty()) {
                continue;
            }
            if (!relaying.equals(source)) {
                wrongW.add(w);
                wrongS.add(relaying);
            } else {
                stop.add(w);
            }
        }
        if (!missing.isEmpty()) {
            throw new DmApiException(ErrorCatalog.workersNotExist(missing));
        }
        if (!wrongW.isEmpty()) {
            throw new DmApiException(ErrorCatalog.relayWorkersWrongRelay(wrongW, wrongS));
        }
        for (String w : stop) {
            s.relayWorkers.remove(w);
            workers.disableRelay(s, w, now);
        }
    }

    /**
     * pause-relay / resume-relay ({@code UpdateExpectRelayStage}, v5.3/v5.4 OpenAPI and gRPC; both relay modes,
     * {@code pingcap/tiflow:dm/dm/master/openapi.go:289-301@v5.4.0}): every relay unit of the source.
     */
    void pauseRelay(String source) {
        SourceState s = sourceCfg(source);
        if (s.relays.isEmpty()) {
            throw new DmApiException(ErrorCatalog.relayStageSourceNotExist(source));
        }
        s.relays.values().forEach(r -> workers.pauseRelay(s, r));
    }

    void resumeRelay(String source, long now) {
        SourceState s = sourceCfg(source);
        if (s.relays.isEmpty()) {
            throw new DmApiException(ErrorCatalog.relayStageSourceNotExist(source));
        }
        new ArrayList<>(s.relays.values()).forEach(r -> workers.resumeRelay(s, r, now));
    }
}
