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

/**
 * Storm mode: many guarded tasks of one DM cluster failing the same way at once are one incident. Per cluster the
 * most conservative value of the resources on it wins.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StormSettings extends Lenient {

    @Min(1)
    @Max(100)
    @Default("30")
    @JsonPropertyDescription("More than this percentage of the guarded tasks on the DM cluster failing with one "
            + "class within window (and at least minTasks of them) is one incident. Lowest of the cluster's resources wins.")
    public Integer threshold;

    @Min(2)
    @Max(100000)
    @Default("10")
    @JsonPropertyDescription("The fewest failing tasks that make an incident; fewer are single faults. Lowest wins.")
    public Integer minTasks;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s')", message = "window must be at least 1s")
    @Default("2m")
    @JsonPropertyDescription("The tasks must have begun failing within this window. Longest wins.")
    public String window;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @Default("1m")
    @JsonPropertyDescription("Once the common cause answers again (the downstream credentials check passes, "
            + "DM-master and the workers are healthy), DM's own auto-resume gets this long before the tasks still "
            + "paused are restarted. Longest wins.")
    public String waitForAutoResume;

    @Min(1)
    @Max(1000)
    @Default("50")
    @JsonPropertyDescription("Tasks restarted at once on the DM cluster during an incident, by at most "
            + "maxConcurrentRemediations resources at a time. Lowest wins.")
    public Integer batchSize;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s')", message = "batchInterval must be at least 1s")
    @Default("10s")
    @JsonPropertyDescription("From one batch's start to the next one's at the earliest (a batch starts only once the "
            + "one before it ended); also how often the common cause is checked. Longest wins.")
    public String batchInterval;
}
