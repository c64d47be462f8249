package io.dmremediation.playbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * A YAML document as SnakeYAML's parser sees it, with every node's place in the text (char offsets), so that an edit
 * can replace or insert text at exactly one node and leave every other byte as it was. Built from parser events, not
 * from the composer: an alias stays an alias here (the composer would hand back the anchored node and its marks).
 *
 * <p>Error messages never quote the text: a task config holds the downstream password, and SnakeYAML's own messages
 * carry a snippet of the offending line.
 */
final class YamlDocument {

    /** A node and its text span: {@code start} includes its anchor and tag, {@code end} is where its content ends. */
    sealed interface Node permits Scalar, Mapping, Sequence, Alias {
        int start();

        int end();

        /** The node's own anchor, or null. */
        String anchor();
    }

    /** A scalar. {@code tag} is an explicit tag (null when none); {@code value} is the value after unescaping. */
    record Scalar(String value, DumperOptions.ScalarStyle style, String tag, String anchor, int start, int end)
            implements Node {

        boolean plain() {
            return style == DumperOptions.ScalarStyle.PLAIN;
        }
    }

    record Entry(Node key, Node value) {
    }

    /**
     * A mapping. For a flow mapping {@code close} is the offset of its closing brace, or -1 for a single-pair mapping
     * inside a flow sequence, which has no braces.
     */
    record Mapping(List<Entry> entries, boolean flow, String tag, String anchor, int start, int end, int close)
            implements Node {
    }

    record Sequence(List<Node> items, boolean flow, String tag, String anchor, int start, int end) implements Node {
    }

    record Alias(String anchor, int start, int end) implements Node {
    }

    private static final int MAX_DEPTH = 64;

    private final String text;
    private final Node root;

    private YamlDocument(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /** Parses exactly one document; throws {@link TaskYaml.TaskConfigException} (without quoting the text) otherwise. */
    static YamlDocument parse(String text) {
        String t = text == null ? "" : text;
        int[] charIndex = charIndexByCodePoint(t);
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // duplicates are found and refused where an edit looks, by key
        try {
            // the parser alone: a whole Yaml instance (constructor, representer) costs more than parsing a config
            Builder b = new Builder(new ParserImpl(new StreamReader(t), options), charIndex);
            return new YamlDocument(t, b.document());
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new TaskYaml.TaskConfigException("the task config is not valid YAML"
                    + (m == null ? "" : " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")"));
        } catch (YAMLException e) {
            throw new TaskYaml.TaskConfigException("the task config is not valid YAML");
        }
    }

    String text() {
        return text;
    }

    Optional<Node> root() {
        return Optional.ofNullable(root);
    }

    /** The line break the document uses, for inserted lines: CRLF if its first break is one, else LF. */
    String lineBreak() {
        int lf = text.indexOf('\n');
        return lf > 0 && text.charAt(lf - 1) == '\r' ? "\r\n" : "\n";
    }

    /** The column (in chars from the start of its line) of an offset. */
    int column(int offset) {
        int i = offset;
        while (i > 0 && !isBreak(text.charAt(i - 1))) {
            i--;
        }
        return offset - i;
    }

    /** The text from the start of the offset's line up to the offset. */
    String linePrefix(int offset) {
        return text.substring(offset - column(offset), offset);
    }

    /** True when any node in the subtree has an anchor or is an alias: text copied from it would change meaning. */
    static boolean usesAnchors(Node node) {
        if (node.anchor() != null || node instanceof Alias) {
            return true;
        }
        if (node instanceof Mapping m) {
            for (Entry e : m.entries()) {
                if (usesAnchors(e.key()) || usesAnchors(e.value())) {
                    return true;
                }
            }
        } else if (node instanceof Sequence s) {
            for (Node n : s.items()) {
                if (usesAnchors(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    /** SnakeYAML's marks count code points; Java strings count chars. */
    private static int[] charIndexByCodePoint(String t) {
        int[] index = new int[t.codePointCount(0, t.length()) + 1];
        int cp = 0;
        for (int i = 0; i < t.length(); ) {
            index[cp++] = i;
            i += Character.charCount(t.codePointAt(i));
        }
        index[cp] = t.length();
        return index;
    }

    /** Builds the node tree from the event stream. */
    private static final class Builder {

        private final Parser events;
        private final int[] charIndex;

        Builder(Parser events, int[] charIndex) {
            this.events = events;
            this.charIndex = charIndex;
        }

        Node document() {
            expect(Event.ID.StreamStart);
            Event e = next();
            if (e.is(Event.ID.StreamEnd)) {
                return null;
            }
            if (!e.is(Event.ID.DocumentStart)) {
                throw invalid();
            }
            Node root = node(next());
            expect(Event.ID.DocumentEnd);
            if (!next().is(Event.ID.StreamEnd)) {
                // DM's yaml.v2 reads only the first document; an edit of that one would silently keep the others
                throw new TaskYaml.TaskConfigException("the task config holds more than one YAML document");
            }
            return root;
        }

        private Node node(Event e) {
            return node(e, 0);
        }

        private Node node(Event e, int depth) {
            if (depth > MAX_DEPTH) {
                // a task config is a few levels deep; this bounds the recursion on hostile input
                throw new TaskYaml.TaskConfigException("the task config nests deeper than " + MAX_DEPTH + " levels");
            }
            int start = at(e.getStartMark());
            if (e instanceof ScalarEvent s) {
                return new Scalar(s.getValue(), s.getScalarStyle(), s.getTag(), s.getAnchor(), start,
                        at(s.getEndMark()));
            }
            if (e instanceof AliasEvent a) {
                return new Alias(a.getAnchor(), start, at(a.getEndMark()));
            }
            if (e instanceof MappingStartEvent m) {
                List<Entry> entries = new ArrayList<>();
                Event k;
                while (!(k = next()).is(Event.ID.MappingEnd)) {
                    Node key = node(k, depth + 1);
                    entries.add(new Entry(key, node(next(), depth + 1)));
                }
                boolean flow = m.isFlow();
                int closeStart = at(k.getStartMark());
                int closeEnd = at(k.getEndMark());
                boolean braced = flow && closeEnd == closeStart + 1;
                int end = flow ? closeEnd : entries.isEmpty() ? start : entries.get(entries.size() - 1).value().end();
                return new Mapping(List.copyOf(entries), flow, tag(m), m.getAnchor(), start, end,
                        braced ? closeStart : -1);
            }
            if (e instanceof SequenceStartEvent s) {
                List<Node> items = new ArrayList<>();
                Event i;
                while (!(i = next()).is(Event.ID.SequenceEnd)) {
                    items.add(node(i, depth + 1));
                }
                int end = s.isFlow() ? at(i.getEndMark()) : items.isEmpty() ? start : items.get(items.size() - 1).end();
                return new Sequence(List.copyOf(items), s.isFlow(), tag(s), s.getAnchor(), start, end);
            }
            throw invalid();
        }

        private static String tag(CollectionStartEvent e) {
            return e.getTag();
        }

        private int at(Mark mark) {
            return charIndex[mark.getIndex()];
        }

        private void expect(Event.ID id) {
            if (!next().is(id)) {
                throw invalid();
            }
        }

        private Event next() {
            Event e = events.getEvent();
            if (e == null) {
                throw invalid();
            }
            return e;
        }

        private static TaskYaml.TaskConfigException invalid() {
            return new TaskYaml.TaskConfigException("the task config is not valid YAML");
        }
    }
}
