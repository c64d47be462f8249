package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RelaySettings extends Lenient {

    @Pattern("^/[A-Za-z0-9._/-]*$")
    @JsonPropertyDescription("The DM-workers' relay-dir when it is not the source config's (e.g. a DM 5.4+ worker relay-dir). Default: the source config's relay-dir. It must lie under volumeMountPath.")
    public String relayDir;

    @Pattern("^/[A-Za-z0-9._/-]*$")
    @Default("/var/lib/dm-worker")
    @JsonPropertyDescription("Where the DM-worker container mounts its data volume (TiDB Operator: /var/lib/dm-worker).")
    public String volumeMountPath;

    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @Default("dm-worker")
    @JsonPropertyDescription("The name of the worker pod's data volume (TiDB Operator: dm-worker).")
    public String volumeName;

    @JsonPropertyDescription("True when DM-worker's relay-dir is per worker (DM 5.4+ worker relay-dir): relay logs then live in <relayDir>/<worker name>.")
    public Boolean perWorkerSubdirectory;
}
