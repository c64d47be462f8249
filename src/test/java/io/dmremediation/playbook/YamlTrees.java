package io.dmremediation.playbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A test's independent view of a YAML document: SnakeYAML's composed tree (YAML 1.1 tags resolved) as plain values
 * that compare with equals, and a line diff. It shares no code with the class under test.
 */
final class YamlTrees {

    private static final Resolver RESOLVER = new Resolver();

    private YamlTrees() {
    }

    /** A scalar: resolved tag, value and style — equal scalars read the same to any YAML 1.1 reader. */
    record S(String tag, String value, DumperOptions.ScalarStyle style) {
        static S str(String value, DumperOptions.ScalarStyle style) {
            return new S("tag:yaml.org,2002:str", value, style);
        }

        static S plainKey(String value) {
            return str(value, DumperOptions.ScalarStyle.PLAIN);
        }

        static S bool(boolean value) {
            return new S("tag:yaml.org,2002:bool", String.valueOf(value), DumperOptions.ScalarStyle.PLAIN);
        }

        /** What gopkg.in/yaml.v2 puts in a Go string: the text, or "" for a plain null. */
        String goString() {
            return style == DumperOptions.ScalarStyle.PLAIN && "tag:yaml.org,2002:null".equals(tag) ? "" : value;
        }
    }

    /** A mapping, keyed by scalar keys; order does not matter to DM (Go structs and maps). */
    record M(Map<S, Object> entries) {
        Object get(String key) {
            for (Map.Entry<S, Object> e : entries.entrySet()) {
                if (e.getKey().goString().equals(key)) {
                    return e.getValue();
                }
            }
            return null;
        }

        S keyOf(String key) {
            for (S k : entries.keySet()) {
                if (k.goString().equals(key)) {
                    return k;
                }
            }
            return null;
        }

        M with(S key, Object value) {
            Map<S, Object> copy = new LinkedHashMap<>(entries);
            S existing = keyOf(key.goString());
            copy.put(existing != null ? existing : key, value);
            return new M(copy);
        }
    }

    record Q(List<Object> items) {
    }

    static Node compose(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Composer(new ParserImpl(new StreamReader(yaml), options), RESOLVER, options).getSingleNode();
    }

    static Object model(String yaml) {
        return model(compose(yaml));
    }

    static Object model(Node node) {
        if (node instanceof ScalarNode s) {
            return new S(s.getTag().getValue(), s.getValue(), s.getScalarStyle());
        }
        if (node instanceof MappingNode m) {
            Map<S, Object> entries = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                entries.put((S) model(t.getKeyNode()), model(t.getValueNode()));
            }
            return new M(entries);
        }
        List<Object> items = new ArrayList<>();
        for (Node n : ((SequenceNode) node).getValue()) {
            items.add(model(n));
        }
        return new Q(items);
    }

    /** The node at a path of keys (strings) and sequence indexes (integers) in the composed tree. */
    static Node at(Node root, Object... path) {
        Node n = root;
        for (Object p : path) {
            if (p instanceof Integer i) {
                n = ((SequenceNode) n).getValue().get(i);
            } else {
                Node found = null;
                for (NodeTuple t : ((MappingNode) n).getValue()) {
                    if (((ScalarNode) t.getKeyNode()).getValue().equals(p)) {
                        found = t.getValueNode();
                    }
                }
                if (found == null) {
                    return null;
                }
                n = found;
            }
        }
        return n;
    }

    /** Line numbers (0-based) a node spans. */
    static Set<Integer> lines(Node node) {
        Set<Integer> lines = new TreeSet<>();
        for (int l = node.getStartMark().getLine(); l <= node.getEndMark().getLine(); l++) {
            lines.add(l);
        }
        return lines;
    }

    /** The line of the first key of a mapping: where a new first entry goes. */
    static int firstKeyLine(Node mapping) {
        return ((MappingNode) mapping).getValue().get(0).getKeyNode().getStartMark().getLine();
    }

    /** Lines of {@code before} (0-based) that do not survive byte for byte, in order, into {@code after} (LCS). */
    static Set<Integer> removedLines(String before, String after) {
        // the breaks YAML 1.1 counts, as SnakeYAML's marks do
        String breaks = "\r\n|[\n\r\u0085\u2028\u2029]";
        String[] a = before.split(breaks, -1);
        String[] b = after.split(breaks, -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        Set<Integer> removed = new TreeSet<>();
        int i = 0;
        int j = 0;
        while (i < a.length) {
            if (j < b.length && a[i].equals(b[j])) {
                i++;
                j++;
            } else if (j < b.length && lcs[i][j + 1] >= lcs[i + 1][j]) {
                j++;
            } else {
                removed.add(i++);
            }
        }
        return removed;
    }
}
