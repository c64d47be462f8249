package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What FixSyncerCheckpoint learnt before it stopped the task, and whether the rewrite is in place. */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointFixState {

    @JsonPropertyDescription("The binlog file over 4 GB whose checkpoints are rewound.")
    public String binlogFile;

    public String metaSchema;

    @JsonPropertyDescription("The source's enable-gtid: on, off or unknown.")
    public String gtidMode;

    @JsonPropertyDescription("The task's own safe-mode for this source, put back after the replay.")
    public Boolean originalSafeMode;

    @JsonPropertyDescription("NotRun, Applied, NotApplied or Unknown: whether the checkpoints are rewound. Applied or "
            + "Unknown means the task may only start in safe mode.")
    @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
    public Rewrite rewrite;

    @JsonPropertyDescription("The replay's position and when it last moved.")
    public String progress;

    public String progressAt;

    /** Whether the checkpoint rewrite is in the downstream. */
    public enum Rewrite { NotRun, Applied, NotApplied, Unknown }
}
