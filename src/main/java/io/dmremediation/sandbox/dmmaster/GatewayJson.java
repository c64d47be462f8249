package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The grpc-gateway's JSON for DM-master's replies: jsonpb with {@code EmitDefaults} and {@code OrigName}
 * (§1, §3.1): every field present in proto order, int64/uint64 as strings, enums by name, unset messages
 * {@code null}, empty repeated {@code []}, {@code ProcessError} keys capitalised.
 */
final class GatewayJson {

    private GatewayJson() {
    }

    /** {@code QueryStatusListResponse}. */
    static ObjectNode queryStatusList(boolean result, String msg, List<StatusViews.SourceView> views, DmVersion v) {
        ObjectNode root = Json.object();
        root.put("result", result);
        root.put("msg", msg);
        ArrayNode sources = root.putArray("sources");
        for (StatusViews.SourceView sv : views) {
            sources.add(queryStatusResponse(sv, v));
        }
        return root;
    }

    /** {@code QueryStatusResponse} of one source. */
    static ObjectNode queryStatusResponse(StatusViews.SourceView sv, DmVersion v) {
        ObjectNode o = Json.object();
        o.put("result", sv.ok());
        o.put("msg", sv.msg());
        ObjectNode ss = o.putObject("sourceStatus");
        ss.put("source", sv.source());
        ss.put("worker", sv.worker());
        ss.putNull("result");
        if (sv.relay() == null) {
            ss.putNull("relayStatus");
        } else {
            ss.set("relayStatus", relayStatus(sv.relay()));
        }
        ArrayNode subs = o.putArray("subTaskStatus");
        for (StatusViews.SubtaskView st : sv.subtasks()) {
            subs.add(subTaskStatus(st, v));
        }
        return o;
    }

    static ObjectNode relayStatus(StatusViews.RelayView r) {
        ObjectNode o = Json.object();
        o.put("masterBinlog", r.masterBinlog());
        o.put("masterBinlogGtid", "");
        o.put("relaySubDir", r.relaySubDir());
        o.put("relayBinlog", r.relayBinlog());
        o.put("relayBinlogGtid", "");
        o.put("relayCatchUpMaster", r.catchUpMaster());
        o.put("stage", r.stage());
        if (r.hasResult()) {
            o.set("result", processResult(r.canceled(), r.errors()));
        } else {
            o.putNull("result");
        }
        return o;
    }

    static ObjectNode subTaskStatus(StatusViews.SubtaskView st, DmVersion v) {
        ObjectNode o = Json.object();
        o.put("name", st.task());
        o.put("stage", st.stage());
        o.put("unit", st.unit());
        if (st.hasResult()) {
            o.set("result", processResult(st.canceled(), st.errors()));
        } else {
            o.putNull("result");
        }
        o.put("unresolvedDDLLockID", "");
        if (st.placeholder()) {
            // only Name is set: the oneof status is absent, validation unset
            if (v.richSyncStatus()) {
                o.putNull("validation");
            }
            return o;
        }
        ObjectNode sync = o.putObject("sync");
        sync.put("totalEvents", Long.toString(st.totalEvents()));
        sync.put("totalTps", "0");
        sync.put("recentTps", "0");
        sync.put("masterBinlog", st.masterBinlog());
        sync.put("masterBinlogGtid", "");
        sync.put("syncerBinlog", st.syncerBinlog());
        sync.put("syncerBinlogGtid", "");
        sync.putArray("blockingDDLs");
        sync.putArray("unresolvedGroups");
        sync.put("synced", st.synced());
        sync.put("binlogType", st.binlogType());
        sync.put("secondsBehindMaster", Long.toString(st.secondsBehindMaster()));
        if (v.richSyncStatus()) {
            sync.put("blockDDLOwner", "");
            sync.put("conflictMsg", "");
            sync.put("totalRows", Long.toString(st.totalEvents()));
            sync.put("totalRps", "0");
            sync.put("recentRps", "0");
            o.putNull("validation");
        }
        return o;
    }

    /** {@code ProcessResult}: {@code detail} is empty bytes, which jsonpb prints as {@code null}. */
    static ObjectNode processResult(boolean canceled, List<ProcessError> errors) {
        ObjectNode o = Json.object();
        o.put("isCanceled", canceled);
        ArrayNode errs = o.putArray("errors");
        for (ProcessError e : errors) {
            errs.add(processError(e));
        }
        o.putNull("detail");
        return o;
    }

    static ObjectNode processError(ProcessError e) {
        ObjectNode o = Json.object();
        o.put("ErrCode", e.code());
        o.put("ErrClass", e.errClass());
        o.put("ErrScope", e.scope());
        o.put("ErrLevel", e.level());
        o.put("Message", e.message());
        o.put("RawCause", e.rawCause());
        o.put("Workaround", e.workaround());
        return o;
    }

    static ObjectNode startTask(Scheduler.StartOutcome out) {
        ObjectNode o = Json.object();
        o.put("result", out.result());
        o.put("msg", out.msg());
        commonSources(o, out.sources());
        o.put("checkResult", out.checkResult());
        return o;
    }

    static ObjectNode operateTask(Scheduler.OperateOutcome out) {
        ObjectNode o = Json.object();
        o.put("op", out.op());
        o.put("result", out.result());
        o.put("msg", out.msg());
        commonSources(o, out.sources());
        return o;
    }

    private static void commonSources(ObjectNode o, List<Scheduler.SourceResp> resps) {
        ArrayNode arr = o.putArray("sources");
        for (Scheduler.SourceResp r : resps) {
            ObjectNode s = arr.addObject();
            s.put("result", r.result());
            s.put("msg", r.msg());
            s.put("source", r.source());
            s.put("worker", r.worker());
        }
    }

    static ObjectNode getCfg(boolean result, String msg, String cfg) {
        ObjectNode o = Json.object();
        o.put("result", result);
        o.put("msg", msg);
        o.put("cfg", cfg);
        return o;
    }

    /**
     * grpc-gateway v1.16's error body as DM-master sends it: {@code {"code","message","details"}}, no {@code error}
     * key (seen on real DM for an unknown enum and a bad query parameter, docs/real-dm-checks.md).
     */
    static ObjectNode grpcError(int grpcCode, String message) {
        ObjectNode o = Json.object();
        o.put("code", grpcCode);
        o.put("message", message);
        o.putArray("details");
        return o;
    }
}
