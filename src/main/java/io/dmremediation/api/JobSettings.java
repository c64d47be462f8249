package io.dmremediation.api;

import io.dmremediation.domain.Durations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobSettings extends Lenient {

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('10s')", message = "deadline must be at least 10s")
    @Default("10m")
    @JsonPropertyDescription("activeDeadlineSeconds of a repair Job: a Job still running then has failed.")
    public String deadline;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @Default("24h")
    @JsonPropertyDescription("How long a finished repair Job (and its log) is kept.")
    public String ttlAfterFinished;
}
