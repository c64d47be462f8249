package io.dmremediation.dm;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dmremediation.domain.BinlogLocation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Jackson's tree model with DM's rules: lenient about fields it does not read (DM adds fields between versions),
 * strict about the ones it reads. Every failure is a {@link DmBadReplyException} that names the field by its
 * path ({@code sources[0].subTaskStatus[0].stage}) and never quotes the reply, which may hold a password.
 */
final class JsonTree {

    /** Replies and pastes larger than this are refused before parsing. */
    static final int MAX_TEXT = 8 * 1024 * 1024;

    private static final ObjectMapper MAPPER = mapper(true);
    private static final ObjectMapper FIRST_VALUE_MAPPER = mapper(false);

    private JsonTree() {
    }

    private static ObjectMapper mapper(boolean wholeText) {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, wholeText)
                // Jackson's own messages quote the offending text; ours do not, so keep the source out of them too
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /** Parses a whole text as one JSON object. */
    static JsonNode parseObject(String text, String what) {
        checkSize(text, what);
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw notJson(e, what);
        }
        if (root == null || root.isMissingNode()) {
            throw new DmBadReplyException(what + " is empty");
        }
        if (!root.isObject()) {
            throw new DmBadReplyException(what + " is JSON but not an object (" + kind(root) + ")");
        }
        return root;
    }

    /** Parses the first JSON value of a text and ignores what follows it (a pasted terminal may add a prompt). */
    static JsonNode parseFirstValue(String text, String what) {
        checkSize(text, what);
        try (JsonParser p = FIRST_VALUE_MAPPER.createParser(text)) {
            JsonNode root = FIRST_VALUE_MAPPER.readTree(p);
            if (root == null || root.isMissingNode()) {
                throw new DmBadReplyException(what + " is empty");
            }
            return root;
        } catch (IOException e) {
            throw notJson(e, what);
        }
    }

    /** Whether the whole text is a JSON array, string, number, boolean or null (so not a line of DM error text). */
    static boolean isJsonScalarOrArray(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            return n != null && !n.isMissingNode() && !n.isObject();
        } catch (IOException e) {
            return false;
        }
    }

    static void checkSize(String text, String what) {
        if (text != null && text.length() > MAX_TEXT) {
            throw new DmBadReplyException(what + " is larger than " + (MAX_TEXT / (1024 * 1024)) + " MiB");
        }
    }

    private static DmBadReplyException notJson(IOException e, String what) {
        if (e instanceof StreamConstraintsException) {
            return new DmBadReplyException(what + " exceeds JSON parsing limits (nesting, number or string length)");
        }
        String where = "";
        if (e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
            JsonLocation l = jpe.getLocation();
            where = " at line " + l.getLineNr() + ", column " + l.getColumnNr();
        }
        if (e instanceof JsonEOFException) {
            return new DmBadReplyException(what + " is truncated JSON (ends" + where + ")");
        }
        return new DmBadReplyException(what + " is not valid JSON" + where);
    }

    // ---- strict field readers; "path" names the object being read ----

    static JsonNode object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw wrongType(path, "an object", node);
        }
        return node;
    }

    /** A nested object, or null when absent or JSON null (DM prints unset messages as null). */
    static JsonNode optObject(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw wrongType(path + "." + field, "an object or null", n);
        }
        return n;
    }

    static String requiredString(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new DmBadReplyException("DM reply lacks " + path + "." + field);
        }
        return string(parent, field, path);
    }

    /** A string; absent or null reads as "". */
    static String string(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return "";
        }
        if (!n.isTextual()) {
            throw wrongType(path + "." + field, "a string", n);
        }
        return n.textValue();
    }

    static boolean requiredBool(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new DmBadReplyException("DM reply lacks " + path + "." + field);
        }
        return bool(parent, field, path);
    }

    /** A boolean; absent or null reads as false (jsonpb's default). */
    static boolean bool(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw wrongType(path + "." + field, "a boolean", n);
        }
        return n.booleanValue();
    }

    /**
     * An int64: a JSON string of digits (jsonpb, dm-facts §3.1) or an integral number (OpenAPI); absent or null
     * reads as 0.
     */
    static long int64(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            String t = n.textValue().strip();
            if (t.matches("-?\\d{1,19}")) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException e) {
                    // falls through to the error below
                }
            }
        }
        throw wrongType(path + "." + field, "an int64 (number or string of digits)", n);
    }

    /** An int32 JSON number (jsonpb prints int32 as a number); also a string of digits, as protojson accepts. */
    static int requiredInt32(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new DmBadReplyException("DM reply lacks " + path + "." + field);
        }
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        if (n.isTextual() && n.textValue().strip().matches("-?\\d{1,10}")) {
            try {
                return Integer.parseInt(n.textValue().strip());
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw wrongType(path + "." + field, "an int32", n);
    }

    /** The elements of an array; absent or null reads as empty (jsonpb prints empty repeated fields as []). */
    static List<JsonNode> array(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw wrongType(path + "." + field, "an array", n);
        }
        List<JsonNode> out = new ArrayList<>(n.size());
        n.forEach(out::add);
        return out;
    }

    static List<JsonNode> requiredArray(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new DmBadReplyException("DM reply lacks " + path + "." + field);
        }
        return array(parent, field, path);
    }

    /** A binlog location {@code "(mysql-bin.000003, 5001)"} (dm-facts §2.3, §3.2), or null: absent or not DM's form. */
    static BinlogLocation location(JsonNode parent, String field, String path) {
        return BinlogLocation.parse(string(parent, field, path)).orElse(null);
    }

    static List<String> stringArray(JsonNode parent, String field, String path) {
        List<String> out = new ArrayList<>();
        List<JsonNode> items = array(parent, field, path);
        for (int i = 0; i < items.size(); i++) {
            JsonNode n = items.get(i);
            if (!n.isTextual()) {
                throw wrongType(path + "." + field + "[" + i + "]", "a string", n);
            }
            out.add(n.textValue());
        }
        return out;
    }

    static DmBadReplyException wrongType(String path, String expected, JsonNode actual) {
        return new DmBadReplyException("DM reply field " + path + " should be " + expected + ", not " + kind(actual));
    }

    private static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "missing";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "something else";
        };
    }
}
