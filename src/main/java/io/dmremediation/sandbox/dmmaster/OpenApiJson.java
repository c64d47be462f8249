package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * DM's OpenAPI JSON (§2, {@code dm/openapi/gen.types.go}): Go structs, so keys in the generated (alphabetical)
 * field order, numbers as numbers, {@code omitempty} fields left out, nil slices {@code null}.
 */
final class OpenApiJson {

    private OpenApiJson() {
    }

    /** {@code ErrorWithMessage}: terror code, or 0 for an error that is not a terror. */
    static ObjectNode error(int code, String msg) {
        ObjectNode o = Json.object();
        o.put("error_code", code);
        o.put("error_msg", msg);
        return o;
    }

    static ObjectNode list(ArrayNode data) {
        ObjectNode o = Json.object();
        o.set("data", data);
        o.put("total", data.size());
        return o;
    }

    /**
     * {@code SubTaskStatus} of a source whose worker answered (§2.3). The {@code error_msg} format depends on
     * the version: absent (v5.x), {@code Message\n} lines (v6.0/v6.1), terror lines (v6.2+).
     */
    static ObjectNode subTaskStatus(StatusViews.SourceView sv, StatusViews.SubtaskView st, DmVersion v) {
        ObjectNode o = Json.object();
        if (st.hasResult() && !st.errors().isEmpty() && v.errorMsgStyle() != DmVersion.ErrorMsgStyle.NONE) {
            StringBuilder sb = new StringBuilder();
            for (ProcessError e : st.errors()) {
                sb.append(v.errorMsgStyle() == DmVersion.ErrorMsgStyle.TERROR_LINES ? e.openApiLine() : e.message())
                        .append('\n');
            }
            o.put("error_msg", sb.toString());
        }
        o.put("name", st.task());
        o.put("source_name", sv.source());
        o.put("stage", st.stage());
        ObjectNode sync = o.putObject("sync_status");
        sync.put("binlog_type", st.binlogType());
        sync.putNull("blocking_ddls");
        sync.put("master_binlog", st.masterBinlog());
        sync.put("master_binlog_gtid", "");
        sync.put("recent_tps", 0);
        sync.put("seconds_behind_master", st.secondsBehindMaster());
        sync.put("synced", st.synced());
        sync.put("syncer_binlog", st.syncerBinlog());
        sync.put("syncer_binlog_gtid", "");
        sync.put("total_events", st.totalEvents());
        sync.put("total_tps", 0);
        sync.putNull("unresolved_groups");
        o.put("unit", st.unit());
        o.put("unresolved_ddl_lock_id", "");
        o.put("worker_name", sv.worker());
        return o;
    }

    /** v6+: a source whose worker could not be queried: only names and DM-master's message (§2.3). */
    static ObjectNode unreachableSubTaskStatus(String task, StatusViews.SourceView sv) {
        ObjectNode o = Json.object();
        o.put("error_msg", sv.msg());
        o.put("name", task);
        o.put("source_name", sv.source());
        o.put("stage", "");
        o.put("unit", "");
        o.put("worker_name", sv.worker());
        return o;
    }

    /** {@code SourceStatus}: relay errors never appear here, only the relay stage (§2.3). */
    static ObjectNode sourceStatus(StatusViews.SourceView sv) {
        ObjectNode o = Json.object();
        if (!sv.ok()) {
            o.put("error_msg", sv.msg());
        }
        StatusViews.RelayView r = sv.relay();
        if (r != null) {
            ObjectNode rs = o.putObject("relay_status");
            rs.put("master_binlog", r.masterBinlog());
            rs.put("master_binlog_gtid", "");
            rs.put("relay_binlog_gtid", "");
            rs.put("relay_catch_up_master", r.catchUpMaster());
            rs.put("relay_dir", r.relaySubDir());
            rs.put("stage", r.stage());
        }
        o.put("source_name", sv.source());
        o.put("worker_name", sv.worker());
        return o;
    }

    /** {@code Source}; the password is not handed out. */
    static ObjectNode source(SourceState s, DmVersion v) {
        ObjectNode o = Json.object();
        if (v.openApiV6()) {
            o.put("enable", true);
        }
        o.put("enable_gtid", s.enableGtid);
        o.put("flavor", "mysql");
        o.put("host", s.host);
        o.put("password", TaskConfig.PASSWORD_MASK);
        o.put("port", s.port);
        ObjectNode purge = o.putObject("purge");
        purge.put("expires", 0);
        purge.put("interval", 3600);
        purge.put("remain_space", 15);
        if (v.openApiV6()) {
            ObjectNode rc = o.putObject("relay_config");
            rc.put("enable_relay", s.enableRelay);
            rc.put("relay_binlog_gtid", "");
            rc.put("relay_binlog_name", "");
            rc.put("relay_dir", s.reportedRelayDir);
        }
        o.putNull("security");
        o.put("source_name", s.id);
        o.put("user", s.user);
        return o;
    }

    /** {@code Task} rebuilt from the subtask configs, as {@code SubTaskConfigsToOpenAPITask} does (§2.5). */
    static ObjectNode task(TaskState t, Cluster c) {
        TaskConfig cfg = t.config;
        ObjectNode o = Json.object();
        o.put("enhance_online_schema_change", true);
        o.put("meta_schema", cfg.metaSchema());
        o.put("name", cfg.name());
        o.put("on_duplicate", "replace");
        ObjectNode sc = o.putObject("source_config");
        ObjectNode incr = sc.putObject("incr_migrate_conf");
        incr.put("repl_batch", 100);
        incr.put("repl_threads", 16);
        ArrayNode conf = sc.putArray("source_conf");
        ArrayNode rules = Json.array();
        for (String src : t.expected.keySet()) {
            TaskConfig.Instance inst = cfg.instance(src);
            ObjectNode sconf = conf.addObject();
            if (inst != null && inst.hasMeta()) {
                sconf.put("binlog_name", inst.metaBinlogName());
                sconf.put("binlog_pos", inst.metaBinlogPos());
            }
            sconf.put("source_name", src);
            SourceState s = c.sources.get(src);
            if (s != null) {
                for (SourceState.TableRef tr : s.tables) {
                    ObjectNode rule = rules.addObject();
                    ObjectNode from = rule.putObject("source");
                    from.put("schema", tr.schema());
                    from.put("source_name", src);
                    from.put("table", tr.table());
                    ObjectNode to = rule.putObject("target");
                    to.put("schema", tr.schema());
                    to.put("table", tr.table());
                }
            }
        }
        if (c.version.hasStrictOptimisticShardMode()) {
            o.put("strict_optimistic_shard_mode", false);
        }
        o.set("table_migrate_rule", rules);
        ObjectNode target = o.putObject("target_config");
        target.put("host", cfg.target().host());
        target.put("password", TaskConfig.PASSWORD_MASK);
        target.put("port", cfg.target().port());
        target.putNull("security");
        target.put("user", cfg.target().user());
        o.put("task_mode", cfg.taskMode());
        return o;
    }

    static ObjectNode worker(WorkerState w, Cluster c) {
        ObjectNode o = Json.object();
        o.put("addr", w.addr);
        o.put("bound_source_name", c.boundSourceOf(w.name));
        o.put("bound_stage", c.workerStage(w));
        o.put("name", w.name);
        return o;
    }

    static ObjectNode master(Cluster c) {
        ObjectNode o = Json.object();
        o.put("addr", c.masterPeerUrl);
        o.put("alive", true);
        o.put("leader", true);
        o.put("name", c.masterName);
        return o;
    }
}
