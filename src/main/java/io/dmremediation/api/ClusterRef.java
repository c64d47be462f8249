package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.LabelSelector;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterRef extends Lenient {

    @JsonPropertyDescription("A TiDB Operator DMCluster in this namespace: DM-master is <name>-dm-master.<namespace>:8261, the workers are its dm-worker pods.")
    public DMClusterRef dmClusterRef;

    @Pattern("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$")
    @JsonPropertyDescription("DM-master's address, e.g. http://basic-dm-master.dm:8261. Use with workerSelector instead of dmClusterRef.")
    public String masterAddress;

    @JsonPropertyDescription("The DM-worker pods, when masterAddress is given.")
    public LabelSelector workerSelector;
}
