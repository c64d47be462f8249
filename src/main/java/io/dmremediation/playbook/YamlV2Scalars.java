package io.dmremediation.playbook;

import java.util.Optional;
import java.util.Set;

/**
 * What DM's YAML library, gopkg.in/yaml.v2 (YAML 1.1; pingcap/tiflow:go.mod, used by
 * pingcap/tiflow:dm/config/task.go@v8.5.4 {@code yaml.UnmarshalStrict}), makes of a scalar, and how to write a new
 * string so that it reads back as exactly that string.
 *
 * <p>yaml.v2 fills a Go string field with the scalar's text as written (after unescaping) whatever it would resolve
 * to, except that a plain null ({@code ~}, {@code null}, empty) gives ""; a bool field takes only the YAML 1.1
 * booleans ({@code yes}, {@code on}, {@code y}, {@code true}, … plain or tagged {@code !!bool}); a quoted scalar is
 * always a string (gopkg.in/yaml.v2@v2.4.0 resolve.go resolveMapList, decode.go {@code scalar}).
 */
final class YamlV2Scalars {

    private static final String TAG_PREFIX = "tag:yaml.org,2002:";
    private static final Set<String> TRUE = Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On",
            "ON");
    private static final Set<String> FALSE = Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off",
            "Off", "OFF");
    private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");

    private YamlV2Scalars() {
    }

    /** The value a Go string field gets. */
    static String string(YamlDocument.Scalar s) {
        return isNull(s) ? "" : s.value();
    }

    /** True when yaml.v2 resolves the scalar to null. */
    static boolean isNull(YamlDocument.Scalar s) {
        String tag = s.tag();
        if (tag != null) {
            return (TAG_PREFIX + "null").equals(tag);
        }
        return s.plain() && NULL.contains(s.value());
    }

    /** The value a Go bool field gets: empty when yaml.v2 would refuse to decode the scalar into a bool. */
    static Optional<Boolean> bool(YamlDocument.Scalar s) {
        String tag = s.tag();
        boolean resolvable = tag == null ? s.plain() : (TAG_PREFIX + "bool").equals(tag);
        if (isNull(s)) {
            return Optional.of(false);
        }
        if (!resolvable) {
            return Optional.empty();
        }
        if (TRUE.contains(s.value())) {
            return Optional.of(true);
        }
        if (FALSE.contains(s.value())) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    /**
     * The string as a double-quoted scalar: a quoted scalar is a string to every YAML version, and the escapes used
     * here are the ones YAML 1.1 and 1.2 share ({@code \\ \" \t \n \r \\uXXXX}). Printable characters, non-ASCII ones
     * included, stay as they are; control characters and the characters YAML treats as line breaks (NEL, LS, PS) or
     * drops (BOM) are escaped, so nothing is folded or lost.
     */
    static String doubleQuoted(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (Character.isSurrogate(value.charAt(i)) && Character.charCount(cp) == 1) {
                // a lone surrogate cannot be written as UTF-8, and yaml.v2 rejects it as an escape
                throw new TaskYaml.TaskConfigException("the value is not valid Unicode (a lone surrogate)");
            }
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> {
                    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff
                            || cp == 0xfffe || cp == 0xffff) {
                        b.append(String.format("\\u%04X", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
