package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Why a remediation left its normal path after a stop, and how bringing the tasks back is going. */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoveryState {

    @JsonPropertyDescription("The failure that sent the remediation to recovery.")
    public String reason;

    public String since;

    @JsonPropertyDescription("Failed tries of the current must-start step.")
    public Integer tries;

    public String nextTryAt;

    public String lastError;
}
