package io.dmremediation.sandbox.dmmaster;

import java.util.Map;
import java.util.TreeMap;

/**
 * A task as DM-master's scheduler keeps it: the config and, per source, the expected subtask stage. A task
 * exists as long as one subtask config does (§8).
 */
final class TaskState {

    TaskConfig config;
    final Map<String, SimStage> expected = new TreeMap<>();
    /** OpenAPI start's {@code start_time}, kept like DM's task cli args (§2.2). */
    String startTime;

    TaskState(TaskConfig config) {
        this.config = config;
    }

    String name() {
        return config.name();
    }
}
