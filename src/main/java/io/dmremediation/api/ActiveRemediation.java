package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.Map;

/** The remediation in flight. Each step is written here before it runs, so a new operator resumes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActiveRemediation {

    @JsonPropertyDescription("Unique per remediation; names the saved-config Secret and the Jobs.")
    public String id;

    public String task;

    public String source;

    public String worker;

    public String errorClass;

    @JsonPropertyDescription("RestartTask, FixSyncerCheckpoint or FixRelayMeta.")
    public String playbook;

    @JsonPropertyDescription("The step being carried out.")
    public String step;

    public Integer attempt;

    public String startedAt;

    public String stepStartedAt;

    @JsonPropertyDescription("What the current step is doing or waiting for.")
    public String message;

    @JsonPropertyDescription("The Secret holding the task configs saved before the task was stopped.")
    public String configSecret;

    @JsonPropertyDescription("Facts the playbook recorded for its later steps (tasks stopped, Job names, the affected binlog file).")
    public Map<String, String> facts = new LinkedHashMap<>();
}
