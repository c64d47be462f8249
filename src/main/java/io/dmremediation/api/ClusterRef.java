package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

@JsonInclude(JsonInclude.Include.NON_NULL)
// the cross-field rules the API server can check itself (SpecValidator checks them again, and the rest)
@ValidationRule(value = "has(self.dmClusterRef) != has(self.masterAddress)",
        message = "set exactly one of dmClusterRef and masterAddress")
@ValidationRule(value = "!has(self.workerSelector) || has(self.masterAddress)",
        message = "workerSelector goes only with masterAddress; dmClusterRef selects the DMCluster's dm-worker pods itself")
@ValidationRule(value = "!has(self.masterAddress) || !has(self.tls) || !has(self.tls.enabled) "
        + "|| self.tls.enabled == self.masterAddress.startsWith('https://')",
        message = "tls.enabled must agree with the scheme of masterAddress (https:// is TLS)")
@ValidationRule(value = "!has(self.masterAddress) || self.masterAddress.startsWith('https://') || !has(self.tls) "
        + "|| !has(self.tls.secretRef)",
        message = "tls.secretRef needs an https:// masterAddress")
public class ClusterRef extends Lenient {

    @JsonPropertyDescription("A TiDB Operator DMCluster in this namespace: DM-master is <name>-dm-master.<namespace>:8261, the workers are its dm-worker pods.")
    public DMClusterRef dmClusterRef;

    @Pattern("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$")
    @JsonPropertyDescription("DM-master's address, e.g. http://basic-dm-master.dm:8261. Use with workerSelector instead of dmClusterRef.")
    public String masterAddress;

    @JsonPropertyDescription("The DM-worker pods, when masterAddress is given.")
    public LabelSelector workerSelector;

    @JsonPropertyDescription("TLS to DM-master: server certificate and host name verified, client certificate from a Secret.")
    public ClusterTls tls;
}
