package io.dmremediation.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.Iterator;

/**
 * Reads and edits a DM task config (dm-facts §8): its meta schema, and {@code safe-mode} of one source's syncer.
 * Errors never quote the YAML: it holds the downstream password.
 */
public final class TaskYaml {

    static final String SAFE_MODE_SUFFIX = "-dmr-safe-mode";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private TaskYaml() {
    }

    /** {@code meta-schema}, default {@code dm_meta} (dm-facts §6). */
    public static String metaSchema(String yaml) {
        JsonNode root = parse(yaml);
        String schema = root.path("meta-schema").asText("");
        return schema.isEmpty() ? "dm_meta" : schema;
    }

    /** The task name the config declares. */
    public static String name(String yaml) {
        return parse(yaml).path("name").asText("");
    }

    /** DM's GetCfg masks the downstream password with this (tiflow dm/master/server.go GetCfg). */
    public static final String MASKED = "******";

    /** True when the config's {@code target-database.password} is DM's mask, not the real password. */
    public static boolean passwordMasked(String yaml) {
        return MASKED.equals(parse(yaml).path("target-database").path("password").asText(null));
    }

    /** The config with the downstream password put back. */
    public static String withTargetPassword(String yaml, String password) {
        ObjectNode root = (ObjectNode) parse(yaml);
        JsonNode target = root.get("target-database");
        if (target == null || !target.isObject()) {
            throw new TaskConfigException("the task config has no target-database");
        }
        ((ObjectNode) target).put("password", password);
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new TaskConfigException("could not write the task config back as YAML");
        }
    }

    /** Whether the source's syncer runs in safe mode for the whole run. */
    public static boolean safeMode(String yaml, String source) {
        JsonNode root = parse(yaml);
        ObjectNode instance = instance(root, source);
        JsonNode inline = instance.get("syncer");
        if (inline != null && inline.isObject()) {
            return inline.path("safe-mode").asBoolean(false);
        }
        String configName = instance.path("syncer-config-name").asText("");
        return !configName.isEmpty() && root.path("syncers").path(configName).path("safe-mode").asBoolean(false);
    }

    /**
     * The config with {@code safe-mode: true} for the source's syncer. A named syncer config only this source uses
     * is edited in place; one other sources share too is copied under a new name for this source only, so other
     * sources keep their setting and every other knob stays. Never leaves a named config no instance uses: DM
     * refuses such a task (20038 "set in global configuration but instances don't use them", seen on real DM).
     */
    public static String withSafeMode(String yaml, String source) {
        ObjectNode root = (ObjectNode) parse(yaml);
        ObjectNode instance = instance(root, source);
        JsonNode inline = instance.get("syncer");
        String configName = instance.path("syncer-config-name").asText("");
        ObjectNode syncers = root.has("syncers") && root.get("syncers").isObject()
                ? (ObjectNode) root.get("syncers") : null;
        boolean named = !configName.isEmpty() && syncers != null && syncers.path(configName).isObject();
        if (inline != null && inline.isObject()) {
            ((ObjectNode) inline).put("safe-mode", true);
        } else if (named && users(root, configName) == 1) {
            ((ObjectNode) syncers.get(configName)).put("safe-mode", true);
        } else {
            if (syncers == null) {
                syncers = root.putObject("syncers");
            }
            ObjectNode copy = named ? ((ObjectNode) syncers.get(configName)).deepCopy() : YAML.createObjectNode();
            copy.put("safe-mode", true);
            String newName = (configName.isEmpty() ? "default" : configName) + SAFE_MODE_SUFFIX;
            syncers.set(newName, copy);
            instance.put("syncer-config-name", newName);
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new TaskConfigException("could not write the task config back as YAML");
        }
    }

    /** How many mysql-instances refer to the named syncer config. */
    private static int users(JsonNode root, String configName) {
        int n = 0;
        for (JsonNode inst : root.path("mysql-instances")) {
            if (configName.equals(inst.path("syncer-config-name").asText(""))) {
                n++;
            }
        }
        return n;
    }

    private static ObjectNode instance(JsonNode root, String source) {
        JsonNode instances = root.path("mysql-instances");
        for (Iterator<JsonNode> it = instances.elements(); it.hasNext(); ) {
            JsonNode inst = it.next();
            if (source.equals(inst.path("source-id").asText()) && inst.isObject()) {
                return (ObjectNode) inst;
            }
        }
        throw new TaskConfigException("the task config has no mysql-instances entry for source '" + source + "'");
    }

    private static JsonNode parse(String yaml) {
        try {
            JsonNode root = YAML.readTree(yaml == null ? "" : yaml);
            if (root == null || !root.isObject()) {
                throw new TaskConfigException("the task config is not a YAML mapping");
            }
            return root;
        } catch (IOException e) {
            throw new TaskConfigException("the task config is not valid YAML");
        }
    }

    /** A task config this operator cannot read or edit. */
    public static final class TaskConfigException extends RuntimeException {
        public TaskConfigException(String message) {
            super(message);
        }
    }
}
