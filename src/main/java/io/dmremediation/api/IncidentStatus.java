package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The storm-mode incident this resource's tasks are part of (the same id on every resource of the cluster). */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IncidentStatus {

    @JsonPropertyDescription("storm-<class>-<UTC time it began>.")
    public String id;

    public String errorClass;

    @JsonPropertyDescription("The DM cluster it is on.")
    public String cluster;

    public String since;

    @JsonPropertyDescription("Holding (per-task restarts held; the common cause is checked), WaitingForAutoResume "
            + "(the common cause answers again; DM's auto-resume gets its time) or RestartingInBatches.")
    public String phase;

    @JsonPropertyDescription("When the downstream credentials check passed with DM-master and its workers healthy.")
    public String commonCauseClearedAt;

    @JsonPropertyDescription("Guarded tasks on the cluster that set it off, and all guarded tasks there.")
    public Integer failing;

    public Integer guarded;

    @JsonPropertyDescription("This resource's tasks failing with the incident's class.")
    public Integer tasks;

    @JsonPropertyDescription("What the incident is doing now.")
    public String message;
}
