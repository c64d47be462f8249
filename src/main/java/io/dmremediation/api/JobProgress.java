package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A repair Job of the remediation. */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobProgress {

    public String name;

    @JsonPropertyDescription("How often the Job was created: a Job that vanished is created again at most once.")
    public Integer creations;

    @JsonPropertyDescription("Succeeded or Failed, once it ended.")
    public String outcome;

    @JsonPropertyDescription("The fixer's report (its termination message), shortened.")
    public String report;

    @JsonPropertyDescription("Why it failed.")
    public String failure;

    public JobProgress() {
    }

    public JobProgress(String name) {
        this.name = name;
    }
}
