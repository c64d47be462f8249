package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DMRemediationStatus {

    /** How many history entries are kept, newest first. */
    public static final int HISTORY_LIMIT = 50;

    @JsonPropertyDescription("The spec generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Healthy, Waiting, Remediating, Escalated, Paused, Degraded or Invalid.")
    public String phase;

    @JsonPropertyDescription("The DM cluster this resource guards, as resolved from spec.cluster.")
    public String cluster;

    @JsonPropertyDescription("Which DM-master API answers: gateway (/apis/v1alpha1) or openapi (/api/v1).")
    public String dmApi;

    public Integer taskCount;

    public Integer healthyTasks;

    @JsonPropertyDescription("Tasks escalated to a human (tasks[].escalated), counted when status is written.")
    public Integer escalatedTasks;

    @JsonPropertyDescription("The newest action, e.g. 'RestartTask orders: Succeeded'.")
    public String lastAction;

    @JsonPropertyDescription("When DM-master last answered.")
    public String lastPollTime;

    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("One row per guarded task.")
    public List<TaskState> tasks = new ArrayList<>();

    @JsonPropertyDescription("The remediation in flight, written before each of its steps runs.")
    public ActiveRemediation active;

    @JsonPropertyDescription("Tasks the operator stopped and could not start again, with the Secret holding each "
            + "config: start them by hand; each entry goes once DM lists the task again.")
    public List<StoppedTask> leftStopped = new ArrayList<>();

    @JsonPropertyDescription("Saved-config Secrets of finished remediations whose deletion failed; retried each cycle.")
    public List<String> staleConfigSecrets = new ArrayList<>();

    @JsonPropertyDescription("The storm-mode incident this resource's tasks are part of, while it lasts.")
    public IncidentStatus incident;

    @JsonPropertyDescription("Every action and escalation, newest first, at most 50.")
    public List<HistoryEntry> history = new ArrayList<>();
}
