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
 *   <li>extra {@code SyncStatus} fields and {@code validation} that newer dmctl output carries (§3.2).</li>
 * </ul>
 */
public enum DmVersion {
    V5_4("v5.4.0"),
    V6_1("v6.1.0"),
    V8_5("v8.5.4");

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
            case V8_5 -> ErrorMsgStyle.TERROR_LINES;
        };
    }

    /**
     * {@code blockDDLOwner}, {@code conflictMsg}, {@code totalRows}, {@code totalRps}, {@code recentRps} in
     * {@code SyncStatus} and the {@code validation} block: present in the v8.5.4 sample (§3.2), not in the
     * v5.4/v6.1 protos.
     */
    boolean richSyncStatus() {
        return this == V8_5;
    }

    /** v6.1+ OpenAPI start refuses an incremental subtask without meta and without start_time (§2.2). */
    boolean openApiStartNeedsMeta() {
        return this != V5_4;
    }

    /** OpenAPI {@code Task.strict_optimistic_shard_mode} (v8.5 fixture). */
    boolean hasStrictOptimisticShardMode() {
        return this == V8_5;
    }
}
