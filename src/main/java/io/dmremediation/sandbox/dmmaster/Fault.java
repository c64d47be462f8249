package io.dmremediation.sandbox.dmmaster;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault in how DM-master answers, applied by the HTTP layer before (or, for {@code SLOW} and
 * {@code TRUNCATED}, around) the real handling. Faults that answer instead of the handler
 * ({@code HTTP_500}, {@code DM_ERROR}, {@code GARBAGE}, {@code CLOSE}, {@code NOT_LEADER}) leave the cluster
 * untouched: the request is not applied.
 */
public record Fault(Kind kind, Duration delay, ProcessError error) {

    public enum Kind {
        /** HTTP 500 with a plain-text body. */
        HTTP_500,
        /** DM answers with an error: gateway 200 {@code result:false,msg}; OpenAPI 400 {@code error_msg/error_code}. */
        DM_ERROR,
        /** 200 with a body that is not JSON (a proxy's HTML page). */
        GARBAGE,
        /** The real reply, cut in the middle: valid JSON up to a point, then nothing. */
        TRUNCATED,
        /** The real reply after {@link #delay()}. */
        SLOW,
        /** The connection is closed without any reply. */
        CLOSE,
        /**
         * A leader change: the master answering knows no leader. Gateway: HTTP 500 with grpc-gateway's error
         * body for terror 38043; OpenAPI: 400 with an empty body (reverseRequestToLeaderMW aborts, §1).
         */
        NOT_LEADER,
        /**
         * A success that says nothing and does nothing: gateway {@code result: true} with no sources, OpenAPI an
         * empty list. The shape DM gives for a task whose subtasks it cannot reach or has not bound, and what a
         * client must not read as "the task is gone".
         */
        EMPTY
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        delay = delay == null ? Duration.ZERO : delay;
    }

    public static Fault http500() {
        return new Fault(Kind.HTTP_500, null, null);
    }

    /** A DM error reply with DM's generic "some error occurs in dm-worker" (38032). */
    public static Fault dmError() {
        return dmError(ErrorCatalog.someErrorInWorker("injected by the simulator"));
    }

    public static Fault dmError(ProcessError error) {
        return new Fault(Kind.DM_ERROR, null, Objects.requireNonNull(error, "error"));
    }

    public static Fault garbage() {
        return new Fault(Kind.GARBAGE, null, null);
    }

    public static Fault truncated() {
        return new Fault(Kind.TRUNCATED, null, null);
    }

    public static Fault slow(Duration delay) {
        return new Fault(Kind.SLOW, Objects.requireNonNull(delay, "delay"), null);
    }

    public static Fault close() {
        return new Fault(Kind.CLOSE, null, null);
    }

    public static Fault empty() {
        return new Fault(Kind.EMPTY, null, null);
    }

    public static Fault notLeader() {
        return new Fault(Kind.NOT_LEADER, null, ErrorCatalog.notLeader());
    }
}
