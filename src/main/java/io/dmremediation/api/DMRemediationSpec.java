package io.dmremediation.api;

import io.dmremediation.domain.Durations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.verifyTimeout) || !has(self.pollInterval) "
        + "|| duration(self.verifyTimeout) >= duration(self.pollInterval)",
        message = "verifyTimeout must not be shorter than pollInterval: a remediation could never be verified",
        fieldPath = ".verifyTimeout")
public class DMRemediationSpec extends Lenient {

    @Required
    @JsonPropertyDescription("The DM cluster: a TiDB Operator DMCluster by name, or an explicit DM-master address and DM-worker pod selector.")
    public ClusterRef cluster;

    @JsonPropertyDescription("Tasks to guard, by DM task name. Empty: every task DM-master knows.")
    public List<@Pattern(Durations.TASK_NAME) String> tasks = new ArrayList<>();

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s')", message = "pollInterval must be at least 1s")
    @Default("10s")
    @JsonPropertyDescription("How often DM-master is asked for task status (e.g. 10s, 1m). Minimum 1s.")
    public String pollInterval;

    @JsonPropertyDescription("When true no new remediation starts; one already running finishes.")
    public Boolean paused;

    @JsonPropertyDescription("When true decisions are recorded as planned actions and nothing is changed in DM.")
    public Boolean dryRun;

    @JsonPropertyDescription("The downstream TiDB's credentials. Needed by every playbook: DM-master masks the password in the task config it returns, so a task is started again with the password from this Secret (checked first); the checkpoint fix also connects with them.")
    public Downstream downstream;

    @JsonPropertyDescription("Where the DM-workers keep their relay logs, needed only for relay meta fixes.")
    public RelaySettings relay;

    @JsonPropertyDescription("What to do per FAQ error class; defaults follow the DM FAQ.")
    public Policies policies;

    @JsonPropertyDescription("Delay between attempts on the same task.")
    public Backoff backoff;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s')", message = "healthyResetAfter must be at least 1s")
    @Default("10m")
    @JsonPropertyDescription("A task that runs healthy this long gets its attempt count reset.")
    public String healthyResetAfter;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('5s')", message = "verifyTimeout must be at least 5s")
    @Default("5m")
    @JsonPropertyDescription("How long a remediation waits for the task to run again before it counts as failed.")
    public String verifyTimeout;

    @Min(1)
    @Max(100)
    @Default("1")
    @JsonPropertyDescription("Remediations in flight at once on this DM cluster: the blast-radius limit.")
    public Integer maxConcurrentRemediations;

    @JsonPropertyDescription("Settings of the repair Jobs.")
    public JobSettings jobs;

    @JsonPropertyDescription("Storm mode: when many guarded tasks of the DM cluster fail the same way at once, one "
            + "incident (no per-task restarts) until the common cause answers again, then restarts in batches.")
    public StormSettings storm;
}
