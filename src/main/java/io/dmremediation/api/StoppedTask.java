package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A task the operator stopped and could not start again: a human must start it from the saved config. */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StoppedTask {

    public String task;

    public String source;

    @JsonPropertyDescription("The Secret holding the task's config, kept until DM lists the task again.")
    public String configSecret;

    @JsonPropertyDescription("The key of the config in that Secret.")
    public String configKey;

    @JsonPropertyDescription("The DM-master the task was stopped on.")
    public String masterUrl;

    public String since;

    public String reason;

    public StoppedTask() {
    }

    public StoppedTask(String task, String source, String configSecret, String configKey, String masterUrl,
                       String since, String reason) {
        this.task = task;
        this.masterUrl = masterUrl;
        this.source = source;
        this.configSecret = configSecret;
        this.configKey = configKey;
        this.since = since;
        this.reason = reason;
    }
}
