package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Policies extends Lenient {

    @JsonPropertyDescription("`invalid connection` to the downstream: DM retries itself; restart the task when that does not help.")
    public ConnectionPolicy invalidConnection;

    @JsonPropertyDescription("`driver: bad connection`: restart the task after a short wait.")
    public ConnectionPolicy badConnection;

    @JsonPropertyDescription("Binlog file over 4 GB, relay unit: rewrite relay.meta.")
    public RelayOverflowPolicy relayBinlogOverflow;

    @JsonPropertyDescription("Binlog file over 4 GB, syncer unit: rewrite the syncer checkpoints.")
    public SyncerOverflowPolicy syncerBinlogOverflow;
}
