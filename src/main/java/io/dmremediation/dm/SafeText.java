package io.dmremediation.dm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns text that came from DM-master (or went to it) into something fit for an exception message or a log line:
 * one line, bounded, with passwords masked. DM's own error messages can quote a config value, and a start-task
 * reply can echo parts of the task file, whose {@code target-database.password} is the downstream password.
 */
final class SafeText {

    static final int MAX_MESSAGE = 400;
    private static final String MASK = "***";

    // key: value / key=value / "key": "value" for anything named like a secret
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)([\\w.-]*(?:password|passwd|pwd|secret|token)[\\w.-]*[\"']?\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;}\\]]+)");
    private static final Pattern YAML_SECRET = Pattern.compile(
            "(?im)^\\s*[\\w.-]*(?:password|passwd|pwd|secret|token)[\\w.-]*\\s*:[ \\t]*(.*?)[ \\t]*(?:#.*)?$");
    private static final Pattern CODE_TAG = Pattern.compile("\\[code=(\\d{1,9}):");

    private SafeText() {
    }

    /** One line, at most {@link #MAX_MESSAGE} characters, secret-looking assignments masked. */
    static String oneLine(String text) {
        return oneLine(text, List.of());
    }

    /** As {@link #oneLine(String)}, and every occurrence of the given secret values masked too. */
    static String oneLine(String text, Collection<String> secrets) {
        if (text == null) {
            return "";
        }
        String s = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                s = s.replace(secret, MASK);
            }
        }
        s = SECRET_ASSIGNMENT.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        s = s.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (s.length() > MAX_MESSAGE) {
            s = s.substring(0, MAX_MESSAGE) + "…";
        }
        return s;
    }

    /** The values of password-like keys in a YAML text (task or source config), to mask wherever they show up. */
    static List<String> secretValuesOf(String yaml) {
        List<String> values = new ArrayList<>();
        if (yaml == null) {
            return values;
        }
        Matcher m = YAML_SECRET.matcher(yaml);
        while (m.find()) {
            String v = m.group(1);
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            if (!v.isBlank()) {
                values.add(v);
            }
        }
        return values;
    }

    /** The terror code in a DM message ({@code [code=46014:…]}), or 0. */
    static int codeIn(String message) {
        if (message == null) {
            return 0;
        }
        Matcher m = CODE_TAG.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
