package io.dmremediation.realdm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The shape of a JSON reply: which keys, and what JSON type each value has (string, number, boolean, null,
 * object, array), ignoring the values. Two replies of DM and of the simulator are compared by shape, because
 * their values (ports, positions, times) differ by nature.
 */
final class JsonShape {

    private JsonShape() {
    }

    /** Where two shapes differ: one line per path, e.g. {@code $.sources[0].msg: string vs missing}. */
    static List<String> differences(JsonNode simulator, JsonNode real) {
        List<String> out = new ArrayList<>();
        walk("$", simulator, real, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        String ta = type(a);
        String tb = type(b);
        if (!ta.equals(tb)) {
            // an empty array or null on one side carries no shape to compare
            if (!(ta.equals("array") && a.isEmpty() || tb.equals("array") && b.isEmpty())) {
                out.add(path + ": simulator " + ta + ", real " + tb);
            }
            return;
        }
        if (a != null && a.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                walk(path + "." + k, a.get(k), b.get(k), out);
            }
        } else if (a != null && a.isArray() && !a.isEmpty() && !b.isEmpty()) {
            walk(path + "[0]", a.get(0), b.get(0), out);
        }
    }

    static String type(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "missing";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return "object";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        return "string";
    }

    /** The object's keys, sorted. */
    static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            out.add(it.next().getKey());
        }
        out.sort(String::compareTo);
        return out;
    }
}
