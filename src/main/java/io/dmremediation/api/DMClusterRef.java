package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

public class DMClusterRef extends Lenient {

    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$")
    @JsonPropertyDescription("The DMCluster's name.")
    public String name;
}
