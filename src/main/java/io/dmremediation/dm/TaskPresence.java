package io.dmremediation.dm;

/** Whether DM-master holds a task, as DM itself says it: never inferred from an empty list. */
public enum TaskPresence {
    /** DM-master returned the task's config. */
    PRESENT,
    /** DM-master answered "task not found" (GetCfg, dm-facts §1.2). */
    ABSENT
}
