package io.dmremediation.playbook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * What the repair Jobs' pods take from the operator's deployment (the chart's {@code imagePullSecrets} and
 * {@code jobs.*} values, as JSON in {@code JOB_POD_SETTINGS}): pull secrets, resources, tolerations, node selection
 * and security contexts. {@link #DEFAULTS} are the settings the Jobs had before they became configurable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobPodSettings(List<LocalObjectReference> imagePullSecrets, ResourceRequirements resources,
                             List<Toleration> tolerations, Map<String, String> nodeSelector,
                             PodSecurityContext podSecurityContext, SecurityContext securityContext) {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Non-root user of the downstream Jobs (the distroless "nonroot" id, the image's user). */
    public static final long NON_ROOT_UID = 65532L;

    public static final JobPodSettings DEFAULTS = new JobPodSettings(List.of(),
            new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("100m"))
                    .addToRequests("memory", new Quantity("128Mi"))
                    .addToLimits("memory", new Quantity("256Mi"))
                    .build(),
            List.of(), Map.of(),
            new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(NON_ROOT_UID)
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build(),
            new SecurityContextBuilder().withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
                    .withCapabilities(new Capabilities(null, List.of("ALL"))).build());

    public JobPodSettings {
        imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
    }

    /**
     * From the JSON the chart renders; a key left out keeps its default. Unknown keys or wrong types are refused
     * with the reason: a typo must not silently change how a repair runs.
     */
    public static JobPodSettings parse(String json) {
        if (json == null || json.isBlank()) {
            return DEFAULTS;
        }
        JobPodSettings given;
        try {
            given = JSON.readValue(json, JobPodSettings.class);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("JOB_POD_SETTINGS is not valid: " + firstLine(e.getMessage()), e);
        }
        if (given == null) {
            return DEFAULTS;
        }
        return new JobPodSettings(given.imagePullSecrets(),
                given.resources() == null ? DEFAULTS.resources() : given.resources(),
                given.tolerations(), given.nodeSelector(),
                given.podSecurityContext() == null ? DEFAULTS.podSecurityContext() : given.podSecurityContext(),
                given.securityContext() == null ? DEFAULTS.securityContext() : given.securityContext());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
