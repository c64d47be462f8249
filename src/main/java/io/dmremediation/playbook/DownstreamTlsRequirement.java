package io.dmremediation.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dmremediation.dm.DmMaster;
import java.io.IOException;

/**
 * Whether a task reaches its downstream over TLS: its {@code target-database} has a {@code security} section
 * ({@code ssl-ca}, {@code ssl-cert}, {@code ssl-key}, or their {@code -content} forms). Then the repair Jobs must use
 * TLS too, even when the downstream Secret carries no CA (they verify against the JVM's trust store), instead of
 * trying plain text. The paths in that section are DM-worker's, so the certificates themselves come from the Secret.
 */
public final class DownstreamTlsRequirement {

    private static final YAMLMapper YAML = new YAMLMapper();

    private DownstreamTlsRequirement() {
    }

    /** Pure: from a task config as DM-master returns it. Unreadable YAML says nothing, so: false. */
    public static boolean requiredBy(String taskYaml) {
        if (taskYaml == null || taskYaml.isBlank()) {
            return false;
        }
        JsonNode security;
        try {
            security = YAML.readTree(taskYaml).path("target-database").path("security");
        } catch (IOException e) {
            return false;
        }
        if (!security.isObject()) {
            return false;
        }
        for (JsonNode v : security) {
            if (v.isTextual() && !v.textValue().isBlank() || v.isArray() && !v.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** From DM-master's copy of the task's config (get-config). */
    public static boolean forTask(DmMaster dm, String task) {
        return requiredBy(dm.taskConfig(task));
    }
}
