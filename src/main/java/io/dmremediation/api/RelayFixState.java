package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dmremediation.api.TaskProgress.ActionState;
import java.util.ArrayList;
import java.util.List;

/**
 * What FixRelayMeta decided before its first change (the plan, the relay's mode) and how far the relay detour got.
 * Each task's stage before the fix is in its {@link TaskProgress#stageBefore}.
 */
// status a newer operator wrote (a rollback) must not stop this one: what it does not know, it drops
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RelayFixState {

    @JsonPropertyDescription("The binlog file over 4 GiB that must not go through the relay again.")
    public String binlogFile;

    @JsonPropertyDescription("enable-relay (the source config enables the relay: DM's no-name stop/start) or named "
            + "(relay workers named with start-relay).")
    public String relayMode;

    @JsonPropertyDescription("With the named mode: the relay workers the stop and start name.")
    public List<String> relayWorkers = new ArrayList<>();

    @JsonPropertyDescription("Every task with a subtask on the source.")
    public List<String> tasks = new ArrayList<>();

    @JsonPropertyDescription("Running tasks that read the big file from the upstream while the relay is off.")
    public List<String> readers = new ArrayList<>();

    @JsonPropertyDescription("Tasks paused by an error that still need the file: stopped for the detour, started after.")
    public List<String> held = new ArrayList<>();

    @JsonPropertyDescription("Tasks a person paused (past the file): left alone, still paused afterwards.")
    public List<String> personPaused = new ArrayList<>();

    @JsonPropertyDescription("Intended (on record, maybe sent) or Sent: the relay stop.")
    @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
    public ActionState relayOff;

    @JsonPropertyDescription("Intended (on record, maybe sent) or Sent: the relay start.")
    @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
    public ActionState relayOn;

    @JsonPropertyDescription("The file stored as relay-binlog-name when no subtask was left to start the relay from.")
    public String relayStartedFrom;

    @JsonPropertyDescription("The readers' positions and when they last moved.")
    public String readProgress;

    public String readProgressAt;

    @JsonPropertyDescription("When the relay was first seen running past the file again.")
    public String relayRunningSince;

    @JsonPropertyDescription("Something the outcome should mention (a person resumed a task they had paused).")
    public String note;
}
