package io.dmremediation.sandbox;

import java.util.List;

/**
 * What a test sees of the kubelet that runs the repair Jobs' pods, in either world: the fixer runs it saw, and
 * faults it can be told to play.
 */
public interface Kubelet {

    /** What happens to the pods of the next Jobs whose name starts with a prefix. */
    enum Behaviour {
        /** The container runs the fixer command. */
        RUN,
        /** The container exits 1 at once, without running anything. */
        FAIL,
        /** The container runs until it is killed (its Job's deadline), or, in the sandbox, released. */
        HANG,
        /**
         * The container runs the command to its end, then the pod is lost before its result is known (a node gone
         * after the fixer's commit): the Job fails with no report.
         */
        RUN_THEN_DIE
    }

    /** One container run of a repair Job: its Job, arguments (as the fixer saw them), exit code and output. */
    record Run(String job, List<String> args, int exitCode, String stdout, String stderr) {
    }

    /** Pods of Jobs whose name starts with {@code prefix} behave so from now on. */
    void behave(String prefix, Behaviour behaviour);

    /** The repair Job containers that ran to an end, in the order they ended. */
    List<Run> runs();
}
