package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One task a remediation may stop: what it found and what it did, so no action is sent twice. */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskProgress {

    public String name;

    @JsonPropertyDescription("The stage DM showed before the remediation touched the task.")
    public String stageBefore;

    @JsonPropertyDescription("The task's config is in the saved-config Secret.")
    public Boolean configSaved;

    @JsonPropertyDescription("Which stop/start round the stop and start below belong to (a fix, a safe-mode restore).")
    public String round;

    @JsonPropertyDescription("Intended (on record, maybe sent), Sent, or Confirmed (DM says the task is gone).")
    @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
    public ActionState stop;

    @JsonPropertyDescription("Sent once start-task was sent or DM lists the task again.")
    @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
    public ActionState start;

    @JsonPropertyDescription("Original or SafeMode: the config the task was last started with.")
    public String startedWith;

    @JsonPropertyDescription("This remediation stopped the task at least once.")
    public Boolean stoppedByUs;

    @JsonPropertyDescription("Per source: when the restarted subtask was first seen running, and at which position.")
    public java.util.Map<String, String> runningSince = new java.util.LinkedHashMap<>();

    public java.util.Map<String, String> runningFrom = new java.util.LinkedHashMap<>();

    public TaskProgress() {
    }

    public TaskProgress(String name) {
        this.name = name;
    }

    /** The states of an action that may have been sent before a crash. */
    public enum ActionState {
        /** On record before it is sent: after a crash it may or may not have reached DM. */
        Intended,
        Sent,
        /** DM answered that the task is gone. */
        Confirmed
    }
}
