package io.dmremediation.api;

import io.dmremediation.domain.Durations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConnectionPolicy extends Lenient {

    public enum Action { RestartTask, None }

    @JsonPropertyDescription("RestartTask (stop-task, then start-task with the same config) or None (report only).")
    public Action action;

    @com.fasterxml.jackson.annotation.JsonSetter("action")
    void action(String value) {
        action = known(Action.class, "action", value);
    }

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("How long DM's own auto-resume gets before the operator acts (invalidConnection 2m, badConnection 30s).")
    public String waitForAutoResume;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Remediations of one task before it is escalated to a human (default 5).")
    public Integer maxAttempts;

    @Min(2)
    @Max(1000)
    @JsonPropertyDescription("Act without waiting once the task has paused with this error this many times within pauseWindow (default 3).")
    public Integer pauseThreshold;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("The window for pauseThreshold (default 10m).")
    public String pauseWindow;
}
