package io.dmremediation.api;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The problems {@link Lenient} kept while decoding a spec, each naming its field: what a CRD newer than this operator
 * may carry.
 */
final class UnknownFields {

    private static final String NEWER = ": is the CRD newer than the operator (an upgrade in progress, a rollback)? "
            + "Upgrade the operator, or remove the field";

    private UnknownFields() {
    }

    static List<String> of(DMRemediationSpec spec) {
        List<String> problems = new ArrayList<>();
        walk("spec", spec, problems);
        return problems;
    }

    private static void walk(String path, Lenient node, List<String> problems) {
        for (Map.Entry<String, Object> e : node.unknownFields().entrySet()) {
            problems.add(path + "." + e.getKey() + ": not a field this operator knows" + NEWER);
        }
        for (Map.Entry<String, String> e : node.unknownValues().entrySet()) {
            problems.add(path + "." + e.getKey() + ": '" + Shown.text(e.getValue()) + "' is not a value this "
                    + "operator knows (" + String.join(", ", constants(node.getClass(), e.getKey())) + ")" + NEWER);
        }
        for (Field f : node.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || !Lenient.class.isAssignableFrom(f.getType())) {
                continue;
            }
            try {
                Object child = f.get(node);
                if (child != null) {
                    walk(path + "." + f.getName(), (Lenient) child, problems);
                }
            } catch (IllegalAccessException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    private static List<String> constants(Class<?> type, String field) {
        try {
            Class<?> t = type.getField(field).getType();
            return t.isEnum() ? Arrays.stream(t.getEnumConstants()).map(String::valueOf).toList() : List.of();
        } catch (NoSuchFieldException e) {
            return List.of();
        }
    }

    /** A user's value in a message: one line, bounded. */
    static final class Shown {
        private Shown() {
        }

        static String text(String v) {
            String one = v.replaceAll("[\\p{Cntrl}]", "?");
            return one.length() <= 64 ? one : one.substring(0, 61) + "...";
        }
    }
}
