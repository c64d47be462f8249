package io.dmremediation.playbook;

import io.dmremediation.playbook.YamlDocument.Entry;
import io.dmremediation.playbook.YamlDocument.Mapping;
import io.dmremediation.playbook.YamlDocument.Node;
import io.dmremediation.playbook.YamlDocument.Scalar;
import io.dmremediation.playbook.YamlDocument.Sequence;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and edits a DM task config (dm-facts §8): its name and meta schema, the downstream password, and
 * {@code safe-mode} of one source's syncer.
 *
 * <p>Edits are made in the text, at the spans SnakeYAML's parser reports for the nodes they change: every other byte
 * of the config — each scalar's text, quoting and therefore its value and type, comments, order — comes back as it
 * was. (A round trip through a tree does not: Jackson's turned a plain {@code 0123} into 83, {@code 1e3} into
 * 1000.0, {@code yes} into true, and a quoted NEL into a line break DM's YAML 1.1 reader, gopkg.in/yaml.v2, folds
 * into a space; DM's string fields take a scalar's text, so each of those reached DM changed.) New strings are
 * written double-quoted ({@link YamlV2Scalars#doubleQuoted}). Every edit is checked by reading the result back.
 *
 * <p>Reads follow yaml.v2: a string key gets the scalar's text, a plain null gives "" ({@link YamlV2Scalars}).
 * Errors never quote the YAML: it holds the downstream password.
 */
public final class TaskYaml {

    static final String SAFE_MODE_SUFFIX = "-dmr-safe-mode";

    /** DM's GetCfg masks the downstream password with this (tiflow dm/master/server.go GetCfg). */
    public static final String MASKED = "******";

    private static final Set<String> KNOWN_KEYS = Set.of("name", "meta-schema", "target-database", "password",
            "mysql-instances", "source-id", "syncer", "syncer-config-name", "syncers", "safe-mode");

    private TaskYaml() {
    }

    /** {@code meta-schema}, default {@code dm_meta} (dm-facts §6). */
    public static String metaSchema(String yaml) {
        String schema = string(root(YamlDocument.parse(yaml)), "meta-schema");
        return schema.isEmpty() ? "dm_meta" : schema;
    }

    /** The task name the config declares. */
    public static String name(String yaml) {
        return string(root(YamlDocument.parse(yaml)), "name");
    }

    /** True when the config's {@code target-database.password} is DM's mask, not the real password. */
    public static boolean passwordMasked(String yaml) {
        return MASKED.equals(targetPassword(yaml).orElse(null));
    }

    /** {@code target-database.password} as DM reads it; empty when there is no such key. */
    static Optional<String> targetPassword(String yaml) {
        Optional<Node> target = unique(root(YamlDocument.parse(yaml)), "target-database");
        if (target.isEmpty() || !(target.get() instanceof Mapping t)) {
            return Optional.empty();
        }
        return unique(t, "password").map(n -> n instanceof Scalar s ? YamlV2Scalars.string(s) : null);
    }

    /** The config with the downstream password put back; nothing else changes. */
    public static String withTargetPassword(String yaml, String password) {
        YamlDocument doc = YamlDocument.parse(yaml);
        Mapping root = root(doc);
        if (!(unique(root, "target-database").orElse(null) instanceof Mapping target)) {
            throw new TaskConfigException("the task config has no target-database mapping");
        }
        YamlSplices edits = new YamlSplices();
        setScalar(doc, target, "password", YamlV2Scalars.doubleQuoted(password), "target-database.password", edits);
        String edited = edits.apply(doc.text());
        if (!targetPassword(edited).equals(Optional.of(password))) {
            throw new TaskConfigException("could not put the password into the task config's target-database");
        }
        return edited;
    }

    /** Whether the source's syncer runs in safe mode for the whole run (as DM decodes the config). */
    public static boolean safeMode(String yaml, String source) {
        YamlDocument doc = YamlDocument.parse(yaml);
        Mapping root = root(doc);
        Mapping instance = instance(root, source);
        Optional<Node> inline = unique(instance, "syncer");
        Mapping syncer;
        if (inline.isPresent() && inline.get() instanceof Mapping m) {
            syncer = m;
        } else {
            String configName = string(instance, "syncer-config-name");
            Optional<Node> syncers = unique(root, "syncers");
            if (configName.isEmpty() || syncers.isEmpty() || !(syncers.get() instanceof Mapping all)
                    || !(unique(all, configName).orElse(null) instanceof Mapping named)) {
                return false;
            }
            syncer = named;
        }
        Optional<Node> value = unique(syncer, "safe-mode");
        if (value.isEmpty()) {
            return false;
        }
        if (value.get() instanceof Scalar s) {
            return YamlV2Scalars.bool(s).orElseThrow(() -> new TaskConfigException("safe-mode of the syncer config"
                    + " of source '" + source + "' is not a YAML boolean"));
        }
        throw new TaskConfigException("safe-mode of the syncer config of source '" + source + "' is not a scalar");
    }

    /**
     * The config with {@code safe-mode: true} for the source's syncer. An inline {@code syncer} mapping gets the key,
     * and so does a named syncer config only this source uses. A named config other sources share is copied, text
     * for text, under a new name for this source only, with safe-mode on, and the source's {@code syncer-config-name}
     * points to the copy. (Copying a config only this source uses would leave the original unused, and DM refuses
     * such a task.)
     */
    public static String withSafeMode(String yaml, String source) {
        YamlDocument doc = YamlDocument.parse(yaml);
        Mapping root = root(doc);
        Mapping instance = instance(root, source);
        YamlSplices edits = new YamlSplices();
        Optional<Node> inline = unique(instance, "syncer");
        if (inline.isPresent() && inline.get() instanceof Mapping syncer) {
            setSafeMode(doc, syncer, edits);
        } else {
            String configName = string(instance, "syncer-config-name");
            Optional<Node> syncersNode = unique(root, "syncers");
            Mapping syncers = syncersNode.orElse(null) instanceof Mapping m ? m : null;
            if (syncersNode.isPresent() && syncers == null && !(syncersNode.get() instanceof Scalar s
                    && YamlV2Scalars.isNull(s) && s.anchor() == null)) {
                throw new TaskConfigException("the task config's syncers is not a mapping");
            }
            Node named = syncers == null || configName.isEmpty() ? null : unique(syncers, configName).orElse(null);
            if (named != null && !(named instanceof Mapping)
                    && !(named instanceof Scalar s && YamlV2Scalars.isNull(s) && s.anchor() == null)) {
                // an alias or a value DM would not take: copying defaults instead would drop its knobs
                throw new TaskConfigException("the syncer config of source '" + source + "' is not a mapping (an"
                        + " alias, or not a syncer config); the operator does not copy it");
            }
            if (named != null && users(root, configName) == 1) {
                // DM refuses a task with a named config no source uses (ErrConfigGlobalConfigsUnused,
                // pingcap/tiflow:dm/config/task.go:945-990@v8.5.4): a copy would leave this one unused
                if (named instanceof Mapping config) {
                    if (YamlDocument.usesAnchors(config)) {
                        throw new TaskConfigException("the syncer config of source '" + source + "' uses YAML"
                                + " anchors or aliases; the operator does not edit it");
                    }
                    setSafeMode(doc, config, edits);
                } else {
                    replaceScalar(doc, (Scalar) named, "{safe-mode: true}", edits);
                }
            } else {
                copyForSource(doc, root, instance, syncersNode, syncers, configName, named, source, edits);
            }
        }
        String edited = edits.apply(doc.text());
        if (!safeMode(edited, source)) {
            throw new TaskConfigException("could not turn safe-mode on in the task config for source '" + source + "'");
        }
        return edited;
    }

    /**
     * Points the source at a new syncer config of its own: a copy of the shared one with safe-mode on, or a fresh one
     * when the source has none (DM's defaults apply to both).
     */
    private static void copyForSource(YamlDocument doc, Mapping root, Mapping instance, Optional<Node> syncersNode,
                                      Mapping syncers, String configName, Node named, String source,
                                      YamlSplices edits) {
        String newName = freeName(syncers, (configName.isEmpty() ? "default" : configName) + SAFE_MODE_SUFFIX);
        String key = YamlV2Scalars.doubleQuoted(newName);
        if (syncers == null) {
            String value = "{" + key + ": {safe-mode: true}}";
            if (syncersNode.isPresent()) {
                replaceScalar(doc, (Scalar) syncersNode.get(), value, edits);
            } else {
                insertEntry(doc, root, "syncers", value, edits);
            }
        } else if (named instanceof Mapping config) {
            insertCopy(doc, syncers, key, config, edits);
        } else {
            insertEntry(doc, syncers, key, "{safe-mode: true}", edits);
        }
        setScalar(doc, instance, "syncer-config-name", key, "syncer-config-name of source '" + source + "'", edits);
    }

    /**
     * Whether Go's {@code time.ParseDuration} reads the text as zero: "0", or number-unit pairs whose numbers are all
     * zero ("0s", "0h0m", "0.0ms"). An empty text is not zero: DM then uses its default.
     */
    static boolean zeroGoDuration(String text) {
        String t = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        return t.equals("0") || t.matches("((0+\\.?0*|\\.0+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+");
    }

    /** How many mysql-instances name the syncer config. */
    private static int users(Mapping root, String configName) {
        int n = 0;
        if (unique(root, "mysql-instances").orElse(null) instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item instanceof Mapping m && configName.equals(string(m, "syncer-config-name"))) {
                    n++;
                }
            }
        }
        return n;
    }

    /** {@code safe-mode: true} in a syncer mapping: the value replaced, or the key added; left alone if already on. */
    private static void setSafeMode(YamlDocument doc, Mapping syncer, YamlSplices edits) {
        if (unique(syncer, "safe-mode-duration").orElse(null) instanceof Scalar d
                && zeroGoDuration(YamlV2Scalars.string(d))) {
            // DM refuses safe-mode: true with a zero safe-mode-duration (ErrConfigConfictSafeModeDurationAndSafeMode,
            // pingcap/tiflow:dm/config/task.go:894@v8.5.4); changing the duration is not this edit's to decide
            throw new TaskConfigException("the syncer config has a zero safe-mode-duration, with which DM refuses"
                    + " safe-mode: true; set it to a non-zero duration (DM's default is twice"
                    + " checkpoint-flush-interval) or remove it");
        }
        Optional<Node> current = unique(syncer, "safe-mode");
        if (current.isPresent() && current.get() instanceof Scalar s && s.anchor() == null
                && YamlV2Scalars.bool(s).orElse(false)) {
            return;
        }
        setScalar(doc, syncer, "safe-mode", "true", "safe-mode", edits);
    }

    /**
     * Inserts {@code key: <copy of config with safe-mode on>} as the first entry of {@code syncers}. The copy is the
     * config's own text, so every knob keeps its exact spelling; inserted in the same mapping as the original, its
     * lines keep their indentation.
     */
    private static void insertCopy(YamlDocument doc, Mapping syncers, String key, Mapping config, YamlSplices edits) {
        if (YamlDocument.usesAnchors(config) || config.tag() != null) {
            throw new TaskConfigException("the shared syncer config uses YAML anchors, aliases or tags; the operator"
                    + " does not copy it (give the source an inline syncer config)");
        }
        YamlSplices inCopy = new YamlSplices();
        setSafeMode(doc, config, inCopy);
        String copy = inCopy.apply(doc.text(), config.start(), config.end());
        String eol = doc.lineBreak();
        if (syncers.flow() || config.flow()) {
            if (!config.flow()) {
                throw new TaskConfigException("the task config's syncers mixes flow and block style");
            }
            insertEntry(doc, syncers, key, copy, edits);
            return;
        }
        int at = firstKeyStart(doc, syncers);
        String indent = " ".repeat(doc.column(at));
        String valueIndent = " ".repeat(doc.column(config.start()));
        boolean endsWithBreak = !copy.isEmpty() && YamlDocument.isBreak(copy.charAt(copy.length() - 1));
        edits.insert(at, key + ":" + eol + valueIndent + copy + (endsWithBreak ? "" : eol) + indent);
    }

    /** Sets {@code key} of the mapping to the scalar text {@code valueText}, replacing its value or adding it. */
    private static void setScalar(YamlDocument doc, Mapping mapping, String key, String valueText, String what,
                                  YamlSplices edits) {
        Optional<Node> value = unique(mapping, key);
        if (value.isEmpty()) {
            insertEntry(doc, mapping, key, valueText, edits);
            return;
        }
        if (!(value.get() instanceof Scalar s) || s.anchor() != null) {
            // an alias, an anchor others refer to, or a collection: replacing it would change other keys too
            throw new TaskConfigException("the task config's " + what + " is not a plain value (an alias, an anchor"
                    + " or a collection); the operator does not edit it");
        }
        replaceScalar(doc, s, valueText, edits);
    }

    private static void replaceScalar(YamlDocument doc, Scalar s, String valueText, YamlSplices edits) {
        if (s.start() == s.end()) {
            // an empty value right after the key's colon
            edits.insert(s.start(), " " + valueText);
            return;
        }
        // a block scalar's span takes in its line breaks; the line after it must still start on a new line
        boolean endsWithBreak = YamlDocument.isBreak(doc.text().charAt(s.end() - 1));
        edits.replace(s.start(), s.end(), valueText + (endsWithBreak ? doc.lineBreak() : ""));
    }

    /** Adds {@code key: value} (value in flow or scalar form) as the mapping's first entry. */
    private static void insertEntry(YamlDocument doc, Mapping mapping, String key, String valueText,
                                    YamlSplices edits) {
        String entry = key + ": " + valueText;
        if (mapping.flow()) {
            if (mapping.close() < 0) {
                throw new TaskConfigException("the task config has a single-pair flow mapping where '" + key
                        + "' must be added; the operator does not rewrite it");
            }
            if (mapping.entries().isEmpty()) {
                edits.insert(mapping.close(), entry);
            } else {
                edits.insert(mapping.entries().get(0).key().start(), entry + ", ");
            }
            return;
        }
        int at = firstKeyStart(doc, mapping);
        edits.insert(at, entry + doc.lineBreak() + " ".repeat(doc.column(at)));
    }

    /**
     * Where the first key of a block mapping starts, which is where a new first entry goes. Only a key preceded on
     * its line by indentation and sequence dashes qualifies: an explicit key ({@code ? k}) is left to a human.
     */
    private static int firstKeyStart(YamlDocument doc, Mapping mapping) {
        int at = mapping.entries().get(0).key().start();
        String prefix = doc.linePrefix(at);
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c != ' ' && c != '-') {
                throw new TaskConfigException("the task config has a mapping the operator cannot add a key to"
                        + " (explicit keys or properties before the first key)");
            }
        }
        return at;
    }

    /** The name, or the name with -2, -3 … when the syncers mapping already has it. */
    private static String freeName(Mapping syncers, String name) {
        if (syncers == null) {
            return name;
        }
        Set<String> taken = new HashSet<>();
        for (Entry e : syncers.entries()) {
            if (e.key() instanceof Scalar s) {
                taken.add(YamlV2Scalars.string(s));
            }
        }
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }

    private static Mapping instance(Mapping root, String source) {
        Optional<Node> instances = unique(root, "mysql-instances");
        Mapping found = null;
        if (instances.isPresent() && instances.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item instanceof Mapping m && source.equals(string(m, "source-id"))) {
                    if (found != null) {
                        throw new TaskConfigException("the task config has more than one mysql-instances entry for"
                                + " source '" + source + "'");
                    }
                    found = m;
                }
            }
        }
        if (found == null) {
            throw new TaskConfigException("the task config has no mysql-instances entry for source '" + source + "'");
        }
        return found;
    }

    /**
     * The value of a key that must appear at most once (yaml.v2's UnmarshalStrict refuses duplicate keys too). Keys
     * match as yaml.v2 decodes them into a Go string.
     */
    private static Optional<Node> unique(Mapping mapping, String key) {
        Node found = null;
        for (Entry e : mapping.entries()) {
            if (e.key() instanceof Scalar s && key.equals(YamlV2Scalars.string(s))) {
                if (found != null) {
                    // the key may come from the config (a syncer config name): not quoted, like all of the config
                    throw new TaskConfigException("the task config has a key more than once in one mapping"
                            + (KNOWN_KEYS.contains(key) ? " ('" + key + "')" : ""));
                }
                found = e.value();
            }
        }
        return Optional.ofNullable(found);
    }

    /** A key's value as a Go string field gets it; "" when absent, null or not a scalar. */
    private static String string(Mapping mapping, String key) {
        return unique(mapping, key).map(n -> n instanceof Scalar s ? YamlV2Scalars.string(s) : "").orElse("");
    }

    private static Mapping root(YamlDocument doc) {
        if (doc.root().orElse(null) instanceof Mapping m) {
            return m;
        }
        throw new TaskConfigException("the task config is not a YAML mapping");
    }

    /** A task config this operator cannot read or edit. */
    public static final class TaskConfigException extends RuntimeException {
        public TaskConfigException(String message) {
            super(message);
        }
    }
}
