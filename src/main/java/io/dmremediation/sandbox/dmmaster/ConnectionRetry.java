package io.dmremediation.sandbox.dmmaster;

/**
 * DM's in-process retry of a broken downstream connection before a subtask pauses (§5.2;
 * {@code DBConn.ExecuteSQLWithIgnore} and {@code retryableFn}, {@code pingcap/tiflow:dm/syncer/dbconn/db.go}).
 * <ul>
 *   <li>{@code driver: bad connection}: every version resets the connection and retries the batch after 3 s when
 *       the reset succeeds. The simulator's injected bad connection stands for a downstream that is still
 *       unreachable, so the reset fails: up to v8.5 it is tried once and the subtask pauses at once
 *       ({@code pingcap/tiflow:dm/syncer/dbconn/db.go:242-262@v8.5.4}); after v8.5 the reset is retried 10 times,
 *       3 s apart, before the pause ({@code pingcap/tiflow:dm/syncer/dbconn/db.go:254-275}).</li>
 *   <li>{@code invalid connection}: never retried up to v8.5 ({@code IsUnretryableConnectionError},
 *       {@code pingcap/tiflow:dm/pkg/retry/errors.go:98-103@v8.5.4}); after v8.5 retried like a bad connection when
 *       it happened on BEGIN (10007) or the task config has {@code safe-mode: true}
 *       ({@code IsRetryableConnectionErrorOnBeginOrSafeMode}, {@code pingcap/tiflow:dm/pkg/retry/errors.go:108-110}).</li>
 * </ul>
 */
final class ConnectionRetry {

    /** {@code ResetConn} attempts after v8.5. */
    static final int RESET_TRIES = 10;

    private ConnectionRetry() {
    }

    /** True when the version retries this error in-process before the subtask pauses. */
    static boolean retriedInProcess(DmVersion v, ProcessError e, boolean configSafeMode) {
        if (!v.retriesConnectionReset()) {
            return false;
        }
        String cause = e.rawCause();
        if (cause.equals("driver: bad connection")) {
            return e.code() == 10006 || e.code() == 10007;
        }
        if (cause.equals("invalid connection")) {
            return e.code() == 10007 || (e.code() == 10006 && configSafeMode);
        }
        return false;
    }

    /** How long the retries keep the subtask running. */
    static long window(Settings s) {
        return RESET_TRIES * s.connectionRetryInterval().toNanos();
    }
}
