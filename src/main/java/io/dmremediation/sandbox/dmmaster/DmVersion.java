package io.dmremediation.sandbox.dmmaster;

/**
 * The DM release the simulator imitates. Only the differences an operator can observe are modelled:
 * <ul>
 *   <li>gateway {@code OperateTask}: v5.x has {@code Stop} and no {@code Delete}; v6+ has {@code Delete} and
 *       rejects {@code Stop} as an invalid op (§1.1, §8);</li>
 *   <li>OpenAPI paths: v5.3/v5.4 create-and-start, pause/resume, start-relay/stop-relay, delete = stop
 *       (§2.4); v6+ start/stop and relay enable/disable (§2.1, §2.2);</li>
 *   <li>OpenAPI {@code error_msg} of a subtask: absent in v5.x, message-only lines in v6.0/v6.1, terror lines
 *       from v6.2 (§2.3);</li>
 *   <li>extra {@code SyncStatus} fields and {@code validation} that newer dmctl output carries (§3.2);</li>
 *   <li>start-task: a failed precheck lands in {@code msg} in v5.x and in {@code checkResult} from v6.0 (§1.2);</li>
 *   <li>GetCfg's regenerated YAML: the keys each release's {@code TaskConfig}/{@code SourceConfig} marshal (§1.2;
 *       {@code pingcap/tiflow:dm/tests/dmctl_basic/conf/get_task.yaml} at each tag);</li>
 *   <li>after v8.5 ({@link #V26_3}: master, v9.0.0-beta.2.pre, v26.3.x): a failed BEGIN is 10007, not 10006, and
 *       the downstream connection reset is retried 10 × 3 s, also for {@code invalid connection} on BEGIN or with
 *       {@code safe-mode: true} (§4, §5.2; PR #12078).</li>
 * </ul>
 */
public enum DmVersion {
    V5_4("v5.4.0"),
    V6_1("v6.1.0"),
    V8_5("v8.5.4"),
    /** DM after v8.5: tiflow master, v9.0.0-beta.2.pre, v26.3.x (the flavour differs only where DM did). */
    V26_3("v26.3.0");

    /** How OpenAPI's task status renders a subtask's {@code result.errors} (§2.3). */
    enum ErrorMsgStyle { NONE, MESSAGE_ONLY, TERROR_LINES }

    private final String release;

    DmVersion(String release) {
        this.release = release;
    }

    /** The release string ({@code "v8.5.4"}). */
    public String release() {
        return release;
    }

    /** {@code TaskOp_Delete} exists from v6.0; v5.x stops a task with {@code Stop} (§1.1). */
    boolean hasTaskOpDelete() {
        return this != V5_4;
    }

    /** The v6.0+ OpenAPI paths (§2.1) rather than the v5.3/v5.4 ones (§2.4). */
    boolean openApiV6() {
        return this != V5_4;
    }

    ErrorMsgStyle errorMsgStyle() {
        return switch (this) {
            case V5_4 -> ErrorMsgStyle.NONE;
            case V6_1 -> ErrorMsgStyle.MESSAGE_ONLY;
            case V8_5, V26_3 -> ErrorMsgStyle.TERROR_LINES;
        };
    }

    /**
     * {@code blockDDLOwner}, {@code conflictMsg}, {@code totalRows}, {@code totalRps}, {@code recentRps} in
     * {@code SyncStatus} and the {@code validation} block: present in the v8.5.4 sample (§3.2), not in the
     * v5.4/v6.1 protos.
     */
    boolean richSyncStatus() {
        return this == V8_5 || this == V26_3;
    }

    /** v6.1+ OpenAPI start refuses an incremental subtask without meta and without start_time (§2.2). */
    boolean openApiStartNeedsMeta() {
        return this != V5_4;
    }

    /** OpenAPI {@code Task.strict_optimistic_shard_mode} (v8.5 fixture). */
    boolean hasStrictOptimisticShardMode() {
        return this == V8_5 || this == V26_3;
    }

    /**
     * A failed precheck: {@code resp.CheckResult = terror.WithClass(err, ClassDMMaster).Error()} from v6.0
     * ({@code pingcap/tiflow:dm/master/server.go:520-523@v8.5.4}, {@code dm/dm/master/server.go:502-505@v6.1.0});
     * v5.x checks inside {@code generateSubTask} and puts the error in {@code msg}
     * ({@code pingcap/tiflow:dm/dm/master/server.go:432,1458-1461@v5.4.0}).
     */
    boolean precheckInCheckResult() {
        return this != V5_4;
    }

    /**
     * {@code ErrDBExecuteFailedBegin} (10007) for a failed BEGIN: only after v8.5 (PR #12078,
     * {@code pingcap/tiflow:dm/pkg/conn/baseconn.go:168}); up to v8.5.x it is {@code ErrDBExecuteFailed.Delegate(err,
     * "begin")}, 10006 ({@code pingcap/tiflow:dm/pkg/conn/baseconn.go:168@v8.5.7}).
     */
    boolean beginFailureIs10007() {
        return this == V26_3;
    }

    /**
     * The downstream connection reset after {@code driver: bad connection} is retried (10 × 3 s) only after v8.5
     * ({@code pingcap/tiflow:dm/syncer/dbconn/db.go:254-275}); up to v8.5 it is one attempt, so while the downstream
     * is still unreachable the subtask pauses at once ({@code pingcap/tiflow:dm/syncer/dbconn/db.go:242-262@v8.5.4}).
     * After v8.5 {@code invalid connection} on BEGIN or with config {@code safe-mode: true} is retried the same way
     * ({@code IsRetryableConnectionErrorOnBeginOrSafeMode}, {@code pingcap/tiflow:dm/pkg/retry/errors.go:108-110}).
     */
    boolean retriesConnectionReset() {
        return this == V26_3;
    }

    /** The OpenAPI {@code TaskStage} enum lists {@code Paused} only after v8.5 ({@code dm.yaml:1886-1892}). */
    boolean openApiStageEnumHasPaused() {
        return this == V26_3;
    }
}
