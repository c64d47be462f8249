package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SyncerOverflowPolicy extends Lenient {

    public enum Action { FixSyncerCheckpoint, None }

    @JsonPropertyDescription("FixSyncerCheckpoint (stop, rewrite checkpoints to position 4 with a backup, start in safe mode) or None.")
    public Action action;

    @com.fasterxml.jackson.annotation.JsonSetter("action")
    void action(String value) {
        action = known(Action.class, "action", value);
    }

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Remediations before escalation (default 1).")
    public Integer maxAttempts;

    @JsonPropertyDescription("Restore the task's own safe-mode setting once the big file is replicated (default true).")
    public Boolean restoreSafeMode;
}
