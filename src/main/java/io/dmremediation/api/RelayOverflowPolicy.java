package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RelayOverflowPolicy extends Lenient {

    public enum Action { FixRelayMeta, None }

    @JsonPropertyDescription("FixRelayMeta (stop, rewrite relay.meta to position 4, restart the worker) or None.")
    public Action action;

    @com.fasterxml.jackson.annotation.JsonSetter("action")
    void action(String value) {
        action = known(Action.class, "action", value);
    }

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Remediations before escalation (default 1).")
    public Integer maxAttempts;
}
