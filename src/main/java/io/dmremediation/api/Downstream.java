package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class Downstream extends Lenient {

    @Required
    @JsonPropertyDescription("A Secret with keys host, port, user and password of the downstream TiDB (the credentials DM's task uses for dm_meta).")
    public SecretRef secretRef;
}
