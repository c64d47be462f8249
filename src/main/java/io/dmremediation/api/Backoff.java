package io.dmremediation.api;

import io.dmremediation.domain.Durations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.initial) || !has(self.max) || duration(self.initial) <= duration(self.max)",
        message = "initial must not be longer than max", fieldPath = ".initial")
public class Backoff extends Lenient {

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @Default("30s")
    @JsonPropertyDescription("Delay before the second attempt.")
    public String initial;

    @Min(1)
    @Max(10)
    @Default("2")
    @JsonPropertyDescription("Each further delay is the previous one times this.")
    public Double factor;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @Default("30m")
    @JsonPropertyDescription("The longest delay.")
    public String max;
}
