package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** TLS to DM-master, as TiDB Operator sets it up with {@code spec.tlsCluster.enabled} on the DMCluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterTls extends Lenient {

    @JsonPropertyDescription("Whether DM-master serves https. Unset with dmClusterRef: the DMCluster's spec.tlsCluster.enabled decides. With masterAddress the scheme decides (https://); if set, it must agree.")
    public Boolean enabled;

    @JsonPropertyDescription("A Secret with ca.crt (the CA that signed DM-master's certificate) and tls.crt, tls.key (the client certificate DM-master requires). Default with dmClusterRef: <cluster>-dm-client-secret, TiDB Operator's own DM client Secret.")
    public SecretRef secretRef;
}
