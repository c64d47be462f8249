package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import java.util.List;
import java.util.function.BiFunction;

/** What a playbook undoes when it is abandoned: no task stays stopped because of the operator. */
final class Abandon {

    private Abandon() {
    }

    /**
     * Starts every task whose stop this remediation issued and which DM-master no longer lists, from its saved
     * config. True once nothing is left stopped.
     */
    static boolean restartStoppedTasks(ActiveRemediation a, PlaybookContext ctx, List<String> tasks,
                                       BiFunction<String, String, String> configFor) {
        List<String> stoppedByUs = tasks.stream().filter(t -> TaskLifecycle.stoppedByUs(a, t)).toList();
        if (!stoppedByUs.isEmpty()) {
            TaskLifecycle.startTasks(a, ctx, stoppedByUs, configFor, "");
        }
        ctx.vault().release(a);
        return true;
    }
}
