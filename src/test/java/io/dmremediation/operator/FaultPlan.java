package io.dmremediation.operator;

import io.dmremediation.dm.DmErrorReplyException;
import io.dmremediation.dm.DmTimeoutException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * One fault of the safety matrix, armed for one step of one playbook: it fires at the step's target call (its first
 * action, or its first call when the step sends none) and then never again. Every call of the fast world's DM-master
 * and Kubernetes edges is offered to the world's plans ({@link FastWorld#call}).
 */
final class FaultPlan {


    /** The faults of the matrix. */
    enum Kind {
        /** A bug or an unexpected error in the call: a RuntimeException. */
        EXCEPTION,
        /** DM-master (or Kubernetes) refuses the call once; the Job of a Job step fails, nothing changed. */
        REFUSAL,
        /** DM-master refuses every action from here on. */
        PERSISTENT_REFUSAL,
        /** No answer in time: an action was carried out, the caller does not know; a Job ends unknown. */
        TIMEOUT,
        /** The operator dies right before the action is sent. */
        CRASH_BEFORE,
        /** The operator dies right after DM or Kubernetes accepted the action, before its result is on record. */
        CRASH_AFTER,
        /** The DMRemediation is deleted. */
        DELETION,
        /** The spec changes: paused, and pointed at another DM cluster. */
        SPEC_CHANGE,
        /** Another operator takes the lease while this one is mid-step. */
        LEADERSHIP_LOSS
    }

    /** The operator process dies here: an Error, so nothing in the operator handles it. */
    static final class Crash extends Error {
        Crash(String where) {
            super("operator killed " + where);
        }
    }

    /** A call some step made. */
    record Call(String step, String op, boolean action) {
    }

    final Kind kind;
    final String step;
    final String op;
    final int index;
    private int seen;
    boolean fired;
    Runnable hook = () -> { };

    FaultPlan(Kind kind, String step, String op, int index) {
        this.kind = kind;
        this.step = step;
        this.op = op;
        this.index = index;
    }

    /**
     * The fault, if this is the armed call: returns true when it handled the call (ran {@code action} or not, as
     * the fault says); false leaves the call to go on as usual.
     */
    /** Whether this fault still waits for a call of that name (or refuses it for good). */
    boolean wants(String name) {
        return kind != null && (name.equals(op) && !fired || kind == Kind.PERSISTENT_REFUSAL && fired);
    }

    boolean handle(String name, boolean mutating, String now, Runnable action) {
        if (kind == Kind.PERSISTENT_REFUSAL && fired && mutating && isDm(name)) {
            throw refusal(name);
        }
        if (kind == null || fired || step == null || !step.equals(now) || !name.equals(op) || seen++ != index) {
            return false;
        }
        fired = true;
        switch (kind) {
            case EXCEPTION -> throw new IllegalStateException("injected failure of " + name);
            case REFUSAL, PERSISTENT_REFUSAL -> {
                if (isDm(name)) {
                    throw refusal(name);
                }
                throw new KubernetesClientException("injected: forbidden", 403, null);
            }
            case TIMEOUT -> {
                if (mutating) {
                    action.run();
                }
                throw new DmTimeoutException("injected: no answer from " + name + " within the timeout", null);
            }
            case CRASH_BEFORE -> throw new Crash("before " + name + " in step " + now);
            case CRASH_AFTER -> {
                action.run();
                throw new Crash("after " + name + " in step " + now);
            }
            default -> {
                hook.run();
                action.run();
            }
        }
        return true;
    }

    /**
     * For a Job's state read: the fault, taken (it fires here), when it is armed for this call and is one a Job
     * shows as its outcome (a refusal: it failed, nothing changed; a timeout: it failed, outcome unknown); else null.
     */
    Kind takeJobOutcome(String name, String now) {
        boolean armed = kind != null && !fired && step != null && step.equals(now) && name.equals(op)
                && seen == index;
        if (armed && (kind == Kind.REFUSAL || kind == Kind.PERSISTENT_REFUSAL || kind == Kind.TIMEOUT)) {
            fired = true;
            seen++;
            return kind;
        }
        return null;
    }

    private static boolean isDm(String op) {
        return !op.startsWith("k8s.");
    }

    private static DmErrorReplyException refusal(String op) {
        return new DmErrorReplyException(38032, "some error occurs in dm-worker: injected refusal of " + op,
                "DM-master refused " + op + " (injected)");
    }
}
