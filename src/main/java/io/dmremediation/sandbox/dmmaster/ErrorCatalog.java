package io.dmremediation.sandbox.dmmaster;

import java.util.List;

/**
 * The DM errors the simulator emits, with DM's codes, classes, scopes, levels, message formats and workarounds
 * (§4; {@code dm/_utils/terror_gen/errors_release.txt}). Messages carry the prefixes DM adds, e.g. the syncer's
 * {@code startLocation: …, endLocation: …: } annotation (§3.2).
 */
final class ErrorCatalog {

    private static final String DB = "database";
    private static final String NOT_SET = "not-set";
    private static final String HIGH = "high";
    private static final String MEDIUM = "medium";
    private static final String INTERNAL = "internal";

    static final String DOC_4GB = "https://docs.pingcap.com/tidb-data-migration/stable/error-handling#"
            + "the-relay-unit-throws-error-event-from--in--diff-from-passed-in-event--or-a-replication-task-is-"
            + "interrupted-with-failing-to-get-or-parse-binlog-errors-like-get-binlog-error-error-1236-hy000-and-"
            + "binlog-checksum-mismatch-data-may-be-corrupted-returned";

    private ErrorCatalog() {
    }

    /** The syncer's location annotation (syncer.go:3631-3633); GTID off, so the gtid-set is empty. */
    static String locationPrefix(Position start, Position end) {
        return "startLocation: [position: " + start.dmText() + ", gtid-set: ], endLocation: [position: "
                + end.dmText() + ", gtid-set: ]: ";
    }

    /** {@code invalid connection} on the DML/commit path: 10006 with the driver error as RawCause (§4). */
    static ProcessError invalidConnection(Position at) {
        return ProcessError.of(10006, DB, NOT_SET, HIGH,
                locationPrefix(at, after(at)) + "execute statement failed: commit", "invalid connection");
    }

    /** {@code driver: bad connection}: the connection broke before the statement was sent (§4). */
    static ProcessError badConnection(Position at) {
        return ProcessError.of(10006, DB, NOT_SET, HIGH,
                locationPrefix(at, after(at)) + "execute statement failed: begin", "driver: bad connection");
    }

    /** A replayed row hits the downstream without safe mode: non-resumable, "Error 1062" (§5.1, §8). */
    static ProcessError duplicateEntry(Position at, String table) {
        return ProcessError.of(10006, DB, NOT_SET, HIGH,
                locationPrefix(at, after(at)) + "execute statement failed: INSERT INTO " + table
                        + " (`id`,`payload`) VALUES (?,?)",
                "Error 1062 (23000): Duplicate entry '1' for key 'PRIMARY'");
    }

    /**
     * The syncer reading a relay file from a position that is not an event boundary (a 4 GB overflow):
     * {@code ErrParserParseRelayLog} 11038 with the whole cause chain in Message, as in the real string
     * (real-error-strings.txt, {@code unit_test.go:81}); that text makes it non-resumable (§5.1).
     */
    static ProcessError relayParseChecksum(String relaySubDirPath, String file, long pos) {
        String m = "parse relay log file " + file + " from offset " + pos + " in dir " + relaySubDirPath
                + ": parse relay log file " + file + " from offset 0 in dir " + relaySubDirPath
                + ": parse relay log file " + relaySubDirPath + "/" + file
                + ": binlog checksum mismatch, data may be corrupted";
        return ProcessError.of(11038, "functional", INTERNAL, HIGH, m, "");
    }

    /** The relay reader's start position is beyond the relay file (11106, local_reader.go:107-124). */
    static ProcessError relayPosTooBig(String file, long pos) {
        return new ProcessError(11106, "functional", INTERNAL, HIGH,
                "the given relay log pos (" + file + ", " + pos + ") of meta config is too big, please check it again",
                "", "If the size of the corresponding binlog file has exceeded 4GB, please follow the solution in "
                        + DOC_4GB);
    }

    /**
     * The syncer reading the upstream directly from a bad position: {@code ErrSyncerGetEvent} 36069 is
     * Generated, so the MySQL text is in Message and RawCause is empty (§4).
     */
    static ProcessError syncerGetEvent(String mysqlError) {
        return new ProcessError(36069, "sync-unit", "upstream", HIGH, "get binlog event error: " + mysqlError, "",
                "Please check if the binlog file could be parsed by `mysqlbinlog`.");
    }

    /** MySQL's reply to COM_BINLOG_DUMP from a position inside an event (what an overflowed position is). */
    static String mysqlMidEvent(String file, long pos) {
        return "ERROR 1236 (HY000): binlog truncated in the middle of event; consider out of disk space on master;"
                + " the first event '" + file + "' at " + pos + ", the last event read from '/var/lib/mysql/"
                + file + "' at 4, the last byte read from '/var/lib/mysql/" + file + "' at " + (pos + 19) + ".";
    }

    static String mysqlBeyondEnd() {
        return "ERROR 1236 (HY000): Client requested master to start replication from position > file size";
    }

    /** The purged-binlog text: a ReplicationErrMsgs entry (§5.1). */
    static String mysqlPurged() {
        return "ERROR 1236 (HY000): Could not find first log file name in binary log index file";
    }

    /**
     * The relay unit's duplicate-event check failing on a > 4 GB file: 30029, message generated as
     * {@code event from %d in %s diff from passed-in event %+v} (§4, file_util.go:124-158).
     */
    static ProcessError relayDuplicateEvent(String relayFilePath, long pos) {
        String event = "&{Timestamp:1700000000 EventType:WriteRowsEventV2 ServerID:1 EventSize:8210 LogPos:"
                + ((pos + 8210) & Position.UINT32_MAX) + " Flags:0}";
        return ProcessError.of(30029, "relay-unit", INTERNAL, HIGH,
                "event from " + pos + " in " + relayFilePath + " diff from passed-in event " + event, "");
    }

    /** A checkpoint that cannot be read from the downstream when the sync unit is initialised. */
    static ProcessError checkpointLoadFailed(String cause) {
        return new ProcessError(10001, DB, NOT_SET, HIGH, "database driver error", cause,
                "Please check the database connection and the database config in configuration file.");
    }

    // ---- DM-master errors -------------------------------------------------------------------------------

    /** {@code ErrMasterWorkerArgsExtractor} used by getStatusFromWorkers for a source without a live worker. */
    static ProcessError workerClientNotFound(String source) {
        return new ProcessError(38029, "dm-master", INTERNAL, HIGH, source + " relevant worker-client not found", "",
                "Please use list-member command to see if the some workers are offline.");
    }

    /** A worker RPC that failed, e.g. its answer over gRPC's bound (rawgrpc.go:140-142@v8.5.4, errors_release.txt). */
    static ProcessError grpcRequestError(String cause) {
        return new ProcessError(38008, "dm-master", INTERNAL, HIGH, "grpc request error", cause, "");
    }

    static ProcessError someErrorInWorker(String detail) {
        return new ProcessError(38032, "dm-master", INTERNAL, HIGH, "some error occurs in dm-worker: " + detail, "",
                "Please execute `query-status` to check status.");
    }

    static ProcessError invalidOperateOp(String op, String what) {
        return ProcessError.of(38041, "dm-master", INTERNAL, MEDIUM, "invalid op " + op + " on " + what, "");
    }

    /** What a non-leader master answers while no leader is known (sharedLogic, server.go). */
    static ProcessError notLeader() {
        return ProcessError.of(38043, "dm-master", INTERNAL, HIGH,
                "master is not leader, and can't forward request to leader", "");
    }

    static ProcessError subtaskExist(String task, List<String> sources) {
        return new ProcessError(46014, "scheduler", INTERNAL, MEDIUM,
                "subtasks with name " + task + " for sources " + goList(sources) + " already exist", "",
                "Please use `query-status` command to see tasks.");
    }

    static ProcessError subtaskNotExist(String task, List<String> sources) {
        return new ProcessError(46034, "scheduler", INTERNAL, MEDIUM,
                "subtasks with name " + task + " for sources " + goList(sources) + " not exist", "",
                "Please create this subtask first.");
    }

    static ProcessError operateTaskNotExist(String task) {
        return new ProcessError(46016, "dm-master", INTERNAL, MEDIUM,
                "subtasks with name " + task + " need to be operate not exist", "",
                "Please use `query-status` command to see tasks.");
    }

    static ProcessError operateSourceNotExist(List<String> sources) {
        return ProcessError.of(46017, "dm-master", INTERNAL, MEDIUM,
                "sources " + goList(sources) + " need to be operate not exist", "");
    }

    static ProcessError taskNotExist(String task) {
        return new ProcessError(46018, "scheduler", INTERNAL, MEDIUM, "task with name " + task + " not exist", "",
                "Please use `query-status` command to see tasks.");
    }

    static ProcessError sourceCfgNotExist(String source) {
        return ProcessError.of(46008, "scheduler", INTERNAL, MEDIUM,
                "source config with ID " + source + " not exists", "");
    }

    static ProcessError subtaskCfgUpdate(String task, String source) {
        return ProcessError.of(46035, "scheduler", INTERNAL, "low",
                "subtask with name " + task + " source name " + source + " can only update when no running tasks for now",
                "");
    }

    static ProcessError workerNoStart() {
        return ProcessError.of(40070, "dm-worker", INTERNAL, HIGH, "no mysql source is being handled in the worker", "");
    }

    static ProcessError openApiCommon(String message) {
        return ProcessError.of(49001, "openapi", INTERNAL, HIGH, message, "");
    }

    // ---- config errors (errors_release.txt 20xxx) ---------------------------------------------------------

    static ProcessError configYaml(String detail) {
        return new ProcessError(20003, "config", INTERNAL, MEDIUM, detail, "",
                "Please check the configuration file has correct YAML format.");
    }

    static ProcessError taskNameEmpty() {
        return new ProcessError(20004, "config", INTERNAL, MEDIUM, "task name should not be empty", "",
                "Please check the `name` config in task configuration file.");
    }

    static ProcessError emptySourceId() {
        return new ProcessError(20005, "config", INTERNAL, MEDIUM, "empty source-id not valid", "",
                "Please check the `source-id` config in configuration file.");
    }

    static ProcessError mysqlInstancesAtLeastOne() {
        return new ProcessError(20013, "config", INTERNAL, MEDIUM, "must specify at least one mysql-instances", "",
                "Please check the `mysql-instances` config in task configuration file.");
    }

    static ProcessError sameSourceId(int i, int j, String source) {
        return new ProcessError(20014, "config", INTERNAL, MEDIUM,
                "mysql-instance (" + i + ") and (" + j + ") have same source-id (" + source + ")", "",
                "Please check the `mysql-instances` config in task configuration file.");
    }

    static ProcessError syncerCfgConflict() {
        return new ProcessError(20017, "config", INTERNAL, MEDIUM,
                "syncer-config-name and syncer should only specify one", "",
                "Please check the `syncer-config-name` and `syncer` config in task configuration file.");
    }

    static ProcessError invalidTaskMode() {
        return new ProcessError(20020, "config", INTERNAL, MEDIUM,
                "please specify right task-mode, support `full`, `incremental`, `all`", "",
                "Please check the `task-mode` config in task configuration file.");
    }

    static ProcessError needTargetDb() {
        return new ProcessError(20021, "config", INTERNAL, MEDIUM, "must specify target-database", "",
                "Please check the `target-database` config in task configuration file.");
    }

    /**
     * v6.1+ OpenAPI start of an incremental subtask without meta (§2.2). DM passes the source name to a
     * {@code %d} verb, so Go prints {@code %!d(string=…)}; reproduced as is.
     */
    static ProcessError metadataNotSet(String source) {
        return new ProcessError(20022, "config", INTERNAL, MEDIUM,
                "mysql-instance(%!d(string=" + source + ")) must set meta for task-mode incremental", "",
                "Please check the `meta` config in task configuration file.");
    }

    static ProcessError syncerCfgNotFound(int i, String name) {
        return new ProcessError(20030, "config", INTERNAL, MEDIUM,
                "mysql-instance(" + i + ")'s syncer config " + name + " not exist in syncer", "",
                "Please check the `syncer-config-name` config in task configuration file.");
    }

    /**
     * A named config no mysql-instance uses ({@code ErrConfigGlobalConfigsUnused}, pingcap/tiflow:dm/config/task.go
     * :945-990@v8.5.4, message pingcap/tiflow:dm/pkg/terror/error_list.go:956@v8.5.4): Go's {@code %v} of the sorted
     * names.
     */
    static ProcessError globalConfigsUnused(List<String> sortedNames) {
        return new ProcessError(20038, "config", INTERNAL, HIGH, "The configurations as following ["
                + String.join(" ", sortedNames) + "] are set in global configuration but instances don't use them", "",
                "Please check the configuration files.");
    }

    static ProcessError sourceIdNotFound(String source) {
        return new ProcessError(20031, "config", INTERNAL, MEDIUM,
                "source " + source + " in deployment configuration not found", "",
                "Please use `operate-source create source-config-file-path` to add source.");
    }

    /** A wrong target password (e.g. the "******" GetCfg hands out) fails DM's downstream check. */
    static ProcessError downstreamAccessDenied(String user) {
        return new ProcessError(10001, DB, NOT_SET, HIGH, "database driver error",
                "Error 1045 (28000): Access denied for user '" + user + "'@'127.0.0.1' (using password: YES)",
                "Please check the database connection and the database config in configuration file.");
    }

    /** terror's {@code Annotate}: the annotation goes in front of the message. */
    static ProcessError annotate(ProcessError e, String annotation) {
        return new ProcessError(e.code(), e.errClass(), e.scope(), e.level(), annotation + ": " + e.message(),
                e.rawCause(), e.workaround());
    }

    /** Go's {@code %v} of a {@code []string}: {@code [a b]}. */
    static String goList(List<String> items) {
        return "[" + String.join(" ", items) + "]";
    }

    private static Position after(Position p) {
        return new Position(p.file(), p.offset() + 65);
    }
}
