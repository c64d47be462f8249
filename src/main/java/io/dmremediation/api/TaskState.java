package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskState {

    public String name;

    @JsonPropertyDescription("The source of the error, or of the first subtask when healthy.")
    public String source;

    @JsonPropertyDescription("The subtask's stage as DM reports it; Missing when DM-master does not know the task.")
    public String stage;

    public String unit;

    @JsonPropertyDescription("invalid-connection, bad-connection, relay-binlog-overflow, syncer-binlog-overflow or unknown; empty when healthy.")
    public String errorClass;

    @JsonPropertyDescription("The error DM reported, shortened.")
    public String message;

    @JsonPropertyDescription("When this error was first seen.")
    public String firstSeen;

    @JsonPropertyDescription("Remediations of this task since it last ran healthy for healthyResetAfter.")
    public Integer attempts;

    public String nextAttemptAfter;

    public String lastAction;

    @JsonPropertyDescription("The playbook the attempts were counted for; another problem starts its own count.")
    public String attemptsFor;

    @JsonPropertyDescription("What the operator decided on the last poll, and why.")
    public String decision;

    @JsonPropertyDescription("True once maxAttempts is reached: no more actions until the retry annotation or a spec change.")
    public Boolean escalated;

    @JsonPropertyDescription("True while the operator stopped the task and could not start it again (see status.leftStopped).")
    public Boolean leftStopped;

    @JsonPropertyDescription("With leftStopped: the Secret holding the task's saved config.")
    public String configSecret;

    @JsonPropertyDescription("When the task was last seen running without errors.")
    public String healthySince;

    @JsonPropertyDescription("Times the task was seen newly paused by an error, newest last; for pauseThreshold.")
    public List<String> recentPauses = new ArrayList<>();
}
