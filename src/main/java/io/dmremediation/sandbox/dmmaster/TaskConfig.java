package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task file (§8, {@code dm/config/task.go}) reduced to what the simulator acts on: name, task-mode,
 * meta-schema (default {@code dm_meta}), target-database, and per mysql-instance the source-id, {@code meta}
 * and the syncer's {@code safe-mode} (from {@code syncer-config-name} or an inline {@code syncer}). The parsed
 * tree is kept so GetCfg can hand the task back.
 */
final class TaskConfig {

    /** What DM puts in place of passwords it hands out ({@code config.ObfuscatedPasswordForFeedback}). */
    static final String PASSWORD_MASK = "******";

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .build();
    private static final Set<String> TASK_MODES = Set.of("full", "incremental", "all", "dump", "load");

    record TargetDb(String host, int port, String user, String password) {
    }

    /** One mysql-instance: its source, its {@code meta} (null when absent) and the syncer's safe mode. */
    record Instance(String sourceId, String metaBinlogName, long metaBinlogPos, boolean safeMode) {
        boolean hasMeta() {
            return metaBinlogName != null && !metaBinlogName.isEmpty();
        }
    }

    static final class ConfigException extends Exception {
        private final ProcessError error;

        ConfigException(ProcessError error) {
            super(error.terrorString());
            this.error = error;
        }

        ProcessError error() {
            return error;
        }
    }

    private final ObjectNode tree;
    private final String rawYaml;
    private final String name;
    private final String taskMode;
    private final String metaSchema;
    private final TargetDb target;
    private final List<Instance> instances;

    private TaskConfig(ObjectNode tree, String rawYaml, String name, String taskMode, String metaSchema,
                       TargetDb target, List<Instance> instances) {
        this.tree = tree;
        this.rawYaml = rawYaml;
        this.name = name;
        this.taskMode = taskMode;
        this.metaSchema = metaSchema;
        this.target = target;
        this.instances = List.copyOf(instances);
    }

    static TaskConfig parse(String yaml) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml == null ? "" : yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(ErrorCatalog.configYaml("yaml: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(ErrorCatalog.taskNameNeeded());
        }
        return fromTree((ObjectNode) root, yaml);
    }

    private static TaskConfig fromTree(ObjectNode root, String rawYaml) throws ConfigException {
        String name = text(root, "name");
        if (name.isEmpty()) {
            throw new ConfigException(ErrorCatalog.taskNameNeeded());
        }
        String mode = text(root, "task-mode");
        if (!TASK_MODES.contains(mode)) {
            throw new ConfigException(ErrorCatalog.invalidTaskMode());
        }
        String metaSchema = text(root, "meta-schema");
        if (metaSchema.isEmpty()) {
            metaSchema = "dm_meta";
        }
        JsonNode t = root.get("target-database");
        if (t == null || !t.isObject()) {
            throw new ConfigException(ErrorCatalog.needTargetDb());
        }
        TargetDb target = new TargetDb(text(t, "host"), t.path("port").asInt(4000), text(t, "user"),
                text(t, "password"));
        JsonNode insts = root.get("mysql-instances");
        if (insts == null || !insts.isArray() || insts.isEmpty()) {
            throw new ConfigException(ErrorCatalog.mysqlInstancesAtLeastOne());
        }
        JsonNode syncers = root.path("syncers");
        List<Instance> instances = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < insts.size(); i++) {
            JsonNode inst = insts.get(i);
            String source = text(inst, "source-id");
            if (source.isEmpty()) {
                throw new ConfigException(ErrorCatalog.emptySourceId(i));
            }
            Integer prev = seen.put(source, i);
            if (prev != null) {
                throw new ConfigException(ErrorCatalog.sameSourceId(prev, i, source));
            }
            String cfgName = text(inst, "syncer-config-name");
            JsonNode inline = inst.get("syncer");
            boolean safeMode;
            if (!cfgName.isEmpty() && inline != null && !inline.isNull()) {
                throw new ConfigException(ErrorCatalog.syncerCfgConflict());
            } else if (!cfgName.isEmpty()) {
                JsonNode sc = syncers.get(cfgName);
                if (sc == null) {
                    throw new ConfigException(ErrorCatalog.syncerCfgNotFound(i, cfgName));
                }
                safeMode = sc.path("safe-mode").asBoolean(false);
            } else {
                safeMode = inline != null && inline.path("safe-mode").asBoolean(false);
            }
            JsonNode meta = inst.get("meta");
            String metaName = meta == null ? null : text(meta, "binlog-name");
            long metaPos = meta == null ? 4 : meta.path("binlog-pos").asLong(4);
            instances.add(new Instance(source, metaName, metaPos, safeMode));
        }
        // DM refuses named configs no instance uses (task.go:945-990@v8.5.4); of those kinds the simulator models
        // only syncers, the one the operator edits
        List<String> unused = new ArrayList<>();
        syncers.fieldNames().forEachRemaining(configName -> {
            boolean used = false;
            for (JsonNode inst : insts) {
                used |= configName.equals(text(inst, "syncer-config-name"));
            }
            if (!used) {
                unused.add(configName);
            }
        });
        if (!unused.isEmpty()) {
            java.util.Collections.sort(unused);
            throw new ConfigException(ErrorCatalog.globalConfigsUnused(unused));
        }
        return new TaskConfig(root, rawYaml, name, mode, metaSchema, target, instances);
    }

    String name() {
        return name;
    }

    String taskMode() {
        return taskMode;
    }

    String metaSchema() {
        return metaSchema;
    }

    TargetDb target() {
        return target;
    }

    List<Instance> instances() {
        return instances;
    }

    List<String> sourceIds() {
        return instances.stream().map(Instance::sourceId).toList();
    }

    Instance instance(String sourceId) {
        return instances.stream().filter(i -> i.sourceId().equals(sourceId)).findFirst().orElse(null);
    }

    /** The syncer config the source's instance uses (named or inline), or a missing node. */
    JsonNode syncerOf(String sourceId) {
        for (JsonNode inst : tree.path("mysql-instances")) {
            if (sourceId.equals(text(inst, "source-id"))) {
                String cfgName = text(inst, "syncer-config-name");
                if (!cfgName.isEmpty()) {
                    return tree.path("syncers").path(cfgName);
                }
                return inst.path("syncer");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The YAML exactly as it was submitted (or as last rebuilt by an OpenAPI update). */
    String rawYaml() {
        return rawYaml;
    }

    /** What GetCfg hands out: the task with the target password obfuscated, as DM does (server.go GetCfg). */
    String obfuscatedYaml() {
        ObjectNode copy = tree.deepCopy();
        JsonNode t = copy.get("target-database");
        if (t instanceof ObjectNode o && o.has("password")) {
            o.put("password", PASSWORD_MASK);
        }
        return write(copy);
    }

    /**
     * The config an OpenAPI {@code PUT /api/v1/tasks/{t}} builds (§8): the syncer config is rebuilt from the
     * OpenAPI {@code Task}, which on v6–v8.5 cannot carry {@code safe-mode}, so safe mode ends up off; meta and
     * the target come from the request.
     */
    TaskConfig rebuiltByOpenApi(TargetDb newTarget, Map<String, Position> metas) {
        ObjectNode copy = tree.deepCopy();
        copy.remove("syncers");
        ObjectNode t = copy.putObject("target-database");
        t.put("host", newTarget.host());
        t.put("port", newTarget.port());
        t.put("user", newTarget.user());
        t.put("password", newTarget.password());
        for (JsonNode inst : copy.withArray("mysql-instances")) {
            ObjectNode o = (ObjectNode) inst;
            o.remove("syncer-config-name");
            o.remove("syncer");
            Position meta = metas.get(o.path("source-id").asText());
            if (meta != null) {
                ObjectNode m = o.putObject("meta");
                m.put("binlog-name", meta.file());
                m.put("binlog-pos", meta.offset());
            }
        }
        String yaml = write(copy);
        try {
            return fromTree(copy, yaml);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
