package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The remediation in flight, the playbook's typed state. Each step is written here before it runs and each action
 * as an intent before it is sent, so a new operator resumes it and, after a crash between an action and its record,
 * asks DM and Kubernetes what happened instead of repeating it.
 */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActiveRemediation {

    @JsonPropertyDescription("Unique per remediation; names the saved-config Secret and the Jobs.")
    public String id;

    @JsonPropertyDescription("The task the remediation is for; empty for a relay fix, which covers a source, and for "
            + "a storm-mode batch, which covers the tasks listed under tasks.")
    public String task;

    @JsonPropertyDescription("The storm-mode incident this remediation is a batch of.")
    public String incident;

    @JsonPropertyDescription("The guarded task whose finding started the remediation.")
    public String trigger;

    public String source;

    public String worker;

    public String errorClass;

    @JsonPropertyDescription("The DM error that started the remediation, shortened.")
    public String evidence;

    @JsonPropertyDescription("RestartTask, FixSyncerCheckpoint or FixRelayMeta.")
    public String playbook;

    @JsonPropertyDescription("The DM-master this remediation talks to, fixed when it starts: a spec change mid-way "
            + "cannot send the rest of it to another cluster.")
    public String masterUrl;

    @JsonPropertyDescription("The per-cluster identity the blast-radius limit counts against.")
    public String clusterKey;

    @JsonPropertyDescription("The DM-master was the namespace's own DMCluster when the remediation started: the "
            + "downstream password may go to it without the Secret's allow-list.")
    public Boolean masterTrusted;

    @JsonPropertyDescription("The step being carried out.")
    public String step;

    public Integer attempt;

    public String startedAt;

    public String stepStartedAt;

    @JsonPropertyDescription("What the current step is doing or waiting for.")
    public String message;

    @JsonPropertyDescription("The Secret holding the task configs saved before the task was stopped.")
    public String configSecret;

    @JsonPropertyDescription("The resource is being deleted: no new stop; what was stopped is brought back first.")
    public Boolean windingDown;

    @JsonPropertyDescription("Each task the remediation may stop, and what it did to it.")
    public List<TaskProgress> tasks = new ArrayList<>();

    @JsonPropertyDescription("The repair Jobs of the remediation and how they ended.")
    public List<JobProgress> jobs = new ArrayList<>();

    @JsonPropertyDescription("FixSyncerCheckpoint's state.")
    public CheckpointFixState checkpointFix;

    @JsonPropertyDescription("Set once a step after the first stop failed: why, and the tries to start the tasks again.")
    public RecoveryState recovery;

    @JsonPropertyDescription("FixRelayMeta's state.")
    public RelayFixState relayFix;
}
