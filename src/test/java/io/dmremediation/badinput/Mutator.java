package io.dmremediation.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded mutations of DM replies. Two families:
 * <ul>
 *   <li>text mutations on the UTF-8 bytes (bit flips, truncation, deleted/duplicated ranges, junk tokens, invalid
 *       UTF-8), decoded back the way the client decodes a body ({@code new String(bytes, UTF_8)}, malformed input
 *       becomes U+FFFD);</li>
 *   <li>structure mutations on the JSON tree (deleted, duplicated, swapped and renamed keys, type swaps, numbers
 *       DM never sends, NaN/Infinity tokens, deep nesting, hostile strings, broken {@code [code=…]} tags, binlog
 *       locations like {@code (mysql-bin.000001, -5)}), written out by a writer that can also emit what a tree
 *       cannot hold: duplicate keys and raw invalid tokens.</li>
 * </ul>
 * Every mutation says what it did, so a failure names it together with the seed.
 */
final class Mutator {

    record Mutant(String text, String description) {
    }

    /** A raw token written verbatim (NaN, 1e999, a 300-digit number): JSON a tree cannot hold. */
    record Raw(String token) {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Numbers DM never sends in an int32/int64 field, as raw tokens (some are not JSON at all). */
    static final List<String> ODD_NUMBERS = List.of("-5", "-1", "0", "-0", "2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551615",
            "1" + "0".repeat(300), "-" + "9".repeat(400), "1e999", "-1e999", "1.5", "4.0", "1E3", "0.000001",
            "NaN", "Infinity", "-Infinity", "+5", "0x10", "01", ".5", "5.", "1" + "0".repeat(1100));

    /** int64-as-string values (jsonpb writes int64 as strings, dm-facts §3.1) that are not int64. */
    static final List<String> ODD_INT64_STRINGS = List.of("-5", "-9223372036854775808", "-9223372036854775809",
            "9223372036854775808", "99999999999999999999999", "", " ", " 42 ", "+42", "4e3", "0x10", "NaN",
            "Infinity", "٣", "１２", "42\u0000", "-", "--5", "1_000", "13 events");

    /** Binlog locations as DM prints them, broken: negative, empty, overflowing, unbalanced. */
    static final List<String> ODD_LOCATIONS = List.of("(mysql-bin.000001, -5)", "(,)", "()", "(, 4)",
            "(mysql-bin.000001,)", "(mysql-bin.000001, 4", "mysql-bin.000001, 4)", "(mysql-bin.000001, 4, 5)",
            "(mysql-bin.000001, 99999999999999999999)", "(mysql-bin.000001, 18446744073709551615)",
            "(mysql-bin.000001, 4294967296)", "(mysql-bin|000001.000003, 4)", "(mysql-bin|.000003, 4)",
            "((mysql-bin.000001, 4))", "(mysql-bin.000001\n, 4)", "( \t , 4 )", "(mysql-bin.000001, ٣)",
            "(../../etc/passwd, 4)", "(" + "x".repeat(5000) + ", 4)", "(mysql-bin.000001, " + "9".repeat(5000) + ")",
            "(mysql-bin.000001, 4)garbage", "");

    /** error_msg / Message lines with broken terror tags (dm-facts §4: "[code=%d:class=%s:scope=%s:level=%s]"). */
    static final List<String> ODD_ERROR_LINES = List.of(
            "[code=", "[code=]", "[code=abc:class=database:scope=not-set:level=high], Message: x",
            "[code=99999999999:class=database:scope=not-set:level=high], Message: execute statement failed: begin, RawCause: invalid connection.",
            "[code=-10006:class=database:scope=not-set:level=high], Message: execute statement failed: begin, RawCause: invalid connection.",
            "[code=10006:class=database:scope=not-set:level=high, Message: execute statement failed: begin, RawCause: invalid connection.",
            "[code=10006:class=database], Message: execute statement failed: begin, RawCause: invalid connection.",
            "[code=10006:class=database:scope=not-set:level=high]], Message: , RawCause: , Workaround: .",
            "[code=10006:class=database:scope=not-set:level=high], Message: , RawCause: invalid connection, RawCause: bad connection.",
            "[code=11038:class=functional:scope=internal:level=high], Message: .",
            "[code=11038:class=functional:scope=internal:level=high], Message: parse relay log file x: binlog checksum mismatch, data may be corrupted, Workaround: , Workaround: .",
            "[code=30015:class=relay-unit:scope=upstream:level=high]\nMessage: TCPReader get relay event with error, RawCause: ERROR 1236 (HY000): bogus data in log event",
            "\n\n[code=36069:class=sync-unit:scope=upstream:level=high], Message: get binlog event error: ERROR 1236 (HY000): Could not find first log file name in binary log index file\n\n",
            "[code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: INSERT INTO t VALUES ('\n[code=10006\n'), RawCause: invalid connection.",
            "[CODE=10006:CLASS=database:SCOPE=not-set:LEVEL=high], Message: execute statement failed: begin, RawCause: invalid connection.",
            "[code=10006:class=database:scope=not-set:level=high] database driver: invalid connection\r\n[code=10002:class=database:scope=not-set:level=high] database driver: bad connection",
            "[code=10006:class=\u0000:scope=\u202e:level=\uD800], Message: \u2028invalid connection\u2029",
            "Message: execute statement failed: begin, RawCause: invalid connection.", ", RawCause: ", ".");

    /** Names that are not names: what a URL segment cannot carry, path steps, and encodings of them. */
    static final List<String> NAME_GAMES = List.of("", ".", "..", "../x", "/", "%2F", " ", "%2e%2e", "\u0000");

    /** Stages and units in spellings DM does not write. */
    static final List<String> ODD_STAGES = List.of("running", "RUNNING", " Running", "Running\n", "Paused ",
            "InvalidStage", "Pausing", "Error - Some error occurred", "Stage_Running", "Sync", "Relay", "", "\u0000",
            "Ｒunning", "ⅰ");

    private final Random random;

    Mutator(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    // ---- text mutations ----

    Mutant textual(String seed) {
        byte[] bytes = seed.getBytes(StandardCharsets.UTF_8);
        int ops = 1 + random.nextInt(3);
        StringBuilder what = new StringBuilder();
        for (int k = 0; k < ops; k++) {
            if (k > 0) {
                what.append(", ");
            }
            int n = bytes.length;
            int i = n == 0 ? 0 : random.nextInt(n);
            switch (random.nextInt(8)) {
                case 0 -> {
                    if (n > 0) {
                        bytes[i] ^= (byte) (1 << random.nextInt(8));
                    }
                    what.append("bit flip at ").append(i);
                }
                case 1 -> {
                    if (n > 0) {
                        bytes[i] = (byte) random.nextInt(256);
                    }
                    what.append("random byte at ").append(i);
                }
                case 2 -> {
                    bytes = slice(bytes, 0, i);
                    what.append("truncated at ").append(i);
                }
                case 3 -> {
                    int len = Math.min(n - i, 1 + random.nextInt(40));
                    bytes = concat(slice(bytes, 0, i), slice(bytes, i + len, n));
                    what.append("deleted ").append(len).append(" bytes at ").append(i);
                }
                case 4 -> {
                    int len = Math.min(n - i, 1 + random.nextInt(200));
                    bytes = concat(slice(bytes, 0, i + len), slice(bytes, i, n));
                    what.append("duplicated ").append(len).append(" bytes at ").append(i);
                }
                case 5 -> {
                    byte[] junk = junk();
                    bytes = concat(concat(slice(bytes, 0, i), junk), slice(bytes, i, n));
                    what.append("inserted ").append(junk.length).append(" junk bytes at ").append(i);
                }
                case 6 -> {
                    // swap two ranges: a key's value lands where another was
                    int j = n == 0 ? 0 : random.nextInt(n);
                    int a = Math.min(i, j);
                    int b = Math.max(i, j);
                    int len = Math.min(Math.min(b - a, n - b), 1 + random.nextInt(30));
                    if (len > 0) {
                        byte[] first = slice(bytes, a, a + len);
                        System.arraycopy(bytes, b, bytes, a, len);
                        System.arraycopy(first, 0, bytes, b, len);
                    }
                    what.append("swapped ").append(len).append(" bytes at ").append(a).append('/').append(b);
                }
                default -> {
                    // a structural character replaced: the classic way JSON breaks
                    int at = indexOfAny(bytes, i, "{}[]\":,");
                    if (at >= 0) {
                        bytes[at] = (byte) "{}[]\":, x0\\".charAt(random.nextInt(11));
                    }
                    what.append("structural char at ").append(at);
                }
            }
        }
        return new Mutant(new String(bytes, StandardCharsets.UTF_8), what.toString());
    }

    private byte[] junk() {
        String[] tokens = {"{", "}", "[", "]", "\"", "\\", ",", ":", "\u0000", "\uFFFF", "NaN", "1e999", "\n", "\r",
            "\u2028", "\uFEFF", "null", "true", "{\"a\":", "]}", "\\u00", "\\ud800", "\u001B[31m", "𝄞", "\t"};
        if (random.nextInt(4) == 0) {
            // invalid UTF-8: a lone continuation byte, a truncated sequence, an encoded surrogate, an overlong form
            byte[][] invalid = {{(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
            return invalid[random.nextInt(invalid.length)];
        }
        return tokens[random.nextInt(tokens.length)].getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOfAny(byte[] bytes, int from, String chars) {
        for (int k = 0; k < bytes.length; k++) {
            int at = (from + k) % bytes.length;
            if (chars.indexOf(bytes[at]) >= 0) {
                return at;
            }
        }
        return -1;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        from = Math.max(0, Math.min(from, b.length));
        to = Math.max(from, Math.min(to, b.length));
        byte[] out = new byte[to - from];
        System.arraycopy(b, from, out, 0, out.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- structure mutations ----

    /** A place in the tree: the container and the key (objects) or index (arrays). */
    record Slot(JsonNode parent, String key, int index, String path) {
        JsonNode value() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode v) {
            if (key != null) {
                ((ObjectNode) parent).set(key, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }
    }

    Mutant structural(String seedJson) {
        JsonNode root = Seeds.tree(seedJson);
        Map<ObjectNode, List<String>> duplicates = new IdentityHashMap<>();
        int ops = 1 + random.nextInt(3);
        StringBuilder what = new StringBuilder();
        for (int k = 0; k < ops; k++) {
            List<Slot> slots = slots(root);
            if (slots.isEmpty()) {
                break;
            }
            Slot s = slots.get(random.nextInt(slots.size()));
            if (k > 0) {
                what.append(", ");
            }
            what.append(apply(s, duplicates));
        }
        return new Mutant(write(root, duplicates, random.nextBoolean()), what.toString());
    }

    private String apply(Slot s, Map<ObjectNode, List<String>> duplicates) {
        JsonNode v = s.value();
        String p = s.path();
        switch (random.nextInt(14)) {
            case 0 -> {
                if (s.key() != null) {
                    ((ObjectNode) s.parent()).remove(s.key());
                } else {
                    ((ArrayNode) s.parent()).remove(s.index());
                }
                return "deleted " + p;
            }
            case 1 -> {
                if (s.key() != null) {
                    duplicates.computeIfAbsent((ObjectNode) s.parent(), x -> new ArrayList<>()).add(s.key());
                    return "duplicated key " + p;
                }
                ((ArrayNode) s.parent()).insert(s.index(), v.deepCopy());
                return "duplicated element " + p;
            }
            case 2 -> {
                // swap with a sibling's value: a string lands in a number field, an object in a string field
                JsonNode parent = s.parent();
                if (parent.size() < 2) {
                    return "no sibling to swap at " + p;
                }
                Slot other = childSlots(parent, "").get(random.nextInt(parent.size()));
                JsonNode ov = other.value();
                other.set(v);
                s.set(ov);
                return "swapped " + p + " with its sibling " + (other.key() != null ? other.key() : "[" + other.index() + "]");
            }
            case 3 -> {
                if (s.key() == null) {
                    return "no key to rename at " + p;
                }
                String[] renames = {s.key().toUpperCase(), s.key() + " ", "", s.key() + "\u0000", "_" + s.key()};
                String nk = renames[random.nextInt(renames.length)];
                ObjectNode parent = (ObjectNode) s.parent();
                parent.remove(s.key());
                parent.set(nk, v);
                return "renamed " + p + " to " + Harness.printable(nk);
            }
            case 4, 5 -> {
                JsonNode nv = randomValue();
                s.set(nv);
                return "type swap at " + p + " to " + describe(nv);
            }
            case 6 -> {
                String t = ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()));
                s.set(new POJONode(new Raw(t)));
                return "number " + Harness.shorten(t, 40) + " at " + p;
            }
            case 7 -> {
                String t = ODD_INT64_STRINGS.get(random.nextInt(ODD_INT64_STRINGS.size()));
                s.set(TextNode.valueOf(t));
                return "int64 string " + Harness.printable(t) + " at " + p;
            }
            case 8 -> {
                int depth = new int[] {10, 200, 999, 1001, 5000, 100_000}[random.nextInt(6)];
                boolean arrays = random.nextBoolean();
                s.set(new POJONode(new Raw(arrays ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth))));
                return "nesting " + depth + " deep (" + (arrays ? "arrays" : "objects") + ") at " + p;
            }
            case 9 -> {
                String t = hostileString();
                s.set(TextNode.valueOf(t));
                return "hostile string " + Harness.shorten(Harness.printable(t), 60) + " at " + p;
            }
            case 10 -> {
                String t = ODD_ERROR_LINES.get(random.nextInt(ODD_ERROR_LINES.size()));
                if (random.nextBoolean() && v != null && v.isTextual()) {
                    t = v.textValue() + "\n" + t;
                }
                s.set(TextNode.valueOf(t));
                return "error text " + Harness.shorten(Harness.printable(t), 60) + " at " + p;
            }
            case 11 -> {
                String t = ODD_LOCATIONS.get(random.nextInt(ODD_LOCATIONS.size()));
                s.set(TextNode.valueOf(t));
                return "binlog location " + Harness.shorten(Harness.printable(t), 50) + " at " + p;
            }
            case 12 -> {
                String t = NAME_GAMES.get(random.nextInt(NAME_GAMES.size()));
                s.set(TextNode.valueOf(t));
                return "name " + Harness.printable(t) + " at " + p;
            }
            default -> {
                String t = ODD_STAGES.get(random.nextInt(ODD_STAGES.size()));
                s.set(TextNode.valueOf(t));
                return "stage/unit text " + Harness.printable(t) + " at " + p;
            }
        }
    }

    private JsonNode randomValue() {
        return switch (random.nextInt(9)) {
            case 0 -> TextNode.valueOf(random.nextBoolean() ? "x" : "42");
            case 1 -> F.numberNode(random.nextInt(100_000) - 50_000);
            case 2 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
            case 3 -> F.numberNode(random.nextDouble() * 1e10);
            case 4 -> F.booleanNode(random.nextBoolean());
            case 5 -> F.nullNode();
            case 6 -> F.objectNode();
            case 7 -> F.arrayNode();
            default -> F.arrayNode().add("x").add(1).addNull();
        };
    }

    private String hostileString() {
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(30);
        String[] parts = {"\u0000", "\u0007", "\b", "\u001B[0m", "\n", "\r", "\t", "\u2028", "\u2029", "\u202E",
            "\u200B", "\uFEFF", "\uD800", "\uDFFF", "𝄞", "訂單", "\"", "'", "`", "\\", ";", "../", "%2F", "%00",
            "${jndi:ldap://x}", "<script>", "DROP TABLE x;--", "\uFFFD", "\u00A0", "ℌ", "ǅ", "İ"};
        for (int i = 0; i < n; i++) {
            b.append(parts[random.nextInt(parts.length)]);
        }
        return b.toString();
    }

    private static String describe(JsonNode n) {
        return n.getNodeType().name().toLowerCase() + " " + Harness.shorten(n.toString(), 40);
    }

    /** Every slot of the tree, depth first. */
    static List<Slot> slots(JsonNode root) {
        List<Slot> out = new ArrayList<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(JsonNode node, String path, List<Slot> out) {
        for (Slot s : childSlots(node, path)) {
            out.add(s);
            JsonNode v = s.value();
            if (v != null && v.isContainerNode()) {
                collect(v, s.path(), out);
            }
        }
    }

    private static List<Slot> childSlots(JsonNode node, String path) {
        List<Slot> out = new ArrayList<>();
        if (node.isObject()) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                out.add(new Slot(node, k, -1, path.isEmpty() ? k : path + "." + k));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Slot(node, null, i, path + "[" + i + "]"));
            }
        }
        return out;
    }

    // ---- writing ----

    /** JSON text of a tree, with duplicated keys written twice and {@link Raw} tokens verbatim. */
    static String write(JsonNode root, Map<ObjectNode, List<String>> duplicates, boolean pretty) {
        StringBuilder b = new StringBuilder();
        write(root, duplicates, pretty, 0, b);
        return b.toString();
    }

    private static void write(JsonNode n, Map<ObjectNode, List<String>> dups, boolean pretty, int depth, StringBuilder b) {
        if (n instanceof POJONode pojo && pojo.getPojo() instanceof Raw raw) {
            b.append(raw.token());
        } else if (n.isObject()) {
            b.append('{');
            boolean first = true;
            List<String> fields = new ArrayList<>();
            n.fieldNames().forEachRemaining(fields::add);
            fields.addAll(dups.getOrDefault((ObjectNode) n, List.of()));
            for (String k : fields) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                newline(b, pretty, depth + 1);
                b.append(TextNode.valueOf(k)).append(pretty ? ": " : ":");
                JsonNode child = n.get(k);
                write(child == null ? F.nullNode() : child, dups, pretty, depth + 1, b);
            }
            if (!first) {
                newline(b, pretty, depth);
            }
            b.append('}');
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                newline(b, pretty, depth + 1);
                write(n.get(i), dups, pretty, depth + 1, b);
            }
            if (n.size() > 0) {
                newline(b, pretty, depth);
            }
            b.append(']');
        } else {
            b.append(n.toString());
        }
    }

    private static void newline(StringBuilder b, boolean pretty, int depth) {
        if (pretty) {
            b.append('\n').append("    ".repeat(Math.min(depth, 50)));
        }
    }
}
