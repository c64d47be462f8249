package io.dmremediation.sandbox.dmmaster;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The protobuf wire size of the query-status messages (pingcap/tiflow:dm/proto/dmworker.proto
 * {@code QueryStatusResponse}, {@code SubTaskStatus}, {@code SyncStatus}, {@code ProcessResult},
 * {@code ProcessError}; dm/proto/dmmaster.proto {@code QueryStatusListResponse}), computed the way proto3 encodes
 * them: a field costs its tag, a length for strings and messages, nothing when it holds its default. gRPC bounds the
 * messages a client receives by this size (4 MiB by default, grpc-go clientconn.go
 * {@code defaultClientMaxReceiveMessageSize}), and DM-master receives both the workers' answers and, through its own
 * gateway, its own answer with gRPC's defaults (pingcap/tiflow:dm/master/workerrpc/rawgrpc.go:60-70@v8.5.4,
 * dm/master/http_handler.go:47-52@v8.5.4). The simulator counts what the real messages would hold; the JSON it sends
 * is larger.
 */
final class ProtoSize {

    /** gRPC's default bound on a received message. */
    static final int GRPC_DEFAULT_MAX = 4 * 1024 * 1024;

    private ProtoSize() {
    }

    /** {@code QueryStatusListResponse{result, msg, sources}}. */
    static long list(boolean result, String msg, List<StatusViews.SourceView> views) {
        long n = bool(result) + string(msg);
        for (StatusViews.SourceView v : views) {
            n += message(response(v));
        }
        return n;
    }

    /** {@code QueryStatusResponse{result, msg, sourceStatus, subTaskStatus}}: one worker's answer. */
    static long response(StatusViews.SourceView v) {
        long status = string(v.source()) + string(v.worker()) + (v.relay() == null ? 0 : message(relay(v.relay())));
        long n = bool(v.ok()) + string(v.msg()) + message(status);
        for (StatusViews.SubtaskView st : v.subtasks()) {
            n += message(subtask(st));
        }
        return n;
    }

    private static long relay(StatusViews.RelayView r) {
        return string(r.masterBinlog()) + string(r.relaySubDir()) + string(r.relayBinlog())
                + bool(r.catchUpMaster()) + 2 + (r.hasResult() ? message(result(r.canceled(), r.errors())) : 0);
    }

    private static long subtask(StatusViews.SubtaskView st) {
        long n = string(st.task()) + (st.placeholder() ? 0 : 2 + 2);
        if (st.hasResult()) {
            n += message(result(st.canceled(), st.errors()));
        }
        if (!st.placeholder()) {
            long sync = int64(st.totalEvents()) + string(st.masterBinlog()) + string(st.syncerBinlog())
                    + bool(st.synced()) + string(st.binlogType()) + int64(st.secondsBehindMaster());
            n += message(sync);
        }
        return n;
    }

    private static long result(boolean canceled, List<ProcessError> errors) {
        long n = bool(canceled);
        for (ProcessError e : errors) {
            n += message(int64(e.code()) + string(e.errClass()) + string(e.scope()) + string(e.level())
                    + string(e.message()) + string(e.rawCause()) + string(e.workaround()));
        }
        return n;
    }

    private static long string(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        return message(s.getBytes(StandardCharsets.UTF_8).length);
    }

    /** A length-delimited field: tag, length, body. */
    private static long message(long body) {
        return 1 + varint(body) + body;
    }

    private static long bool(boolean b) {
        return b ? 2 : 0;
    }

    private static long int64(long v) {
        return v == 0 ? 0 : 1 + varint(v);
    }

    private static long varint(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
