package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {

    public String time;
    public String task;
    public String source;
    public String errorClass;
    /** The playbook, or Escalate / PlannedAction (dry run). */
    public String action;
    /** Succeeded, Failed, Escalated, Planned. */
    public String outcome;
    public String detail;

    public HistoryEntry() {
    }

    public HistoryEntry(String time, String task, String source, String errorClass, String action, String outcome,
                        String detail) {
        this.time = time;
        this.task = task;
        this.source = source;
        this.errorClass = errorClass;
        this.action = action;
        this.outcome = outcome;
        this.detail = detail;
    }
}
