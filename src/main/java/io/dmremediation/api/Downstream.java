package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class Downstream extends Lenient {

    @Required
    @JsonPropertyDescription("A Secret with keys host, port (default 4000), user and password of the downstream TiDB, the credentials of the task's target-database. With ca.crt (and optionally tls.crt and tls.key) the repair Jobs connect with verified TLS.")
    public SecretRef secretRef;
}
