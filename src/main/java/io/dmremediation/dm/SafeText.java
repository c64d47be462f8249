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

    // key: value / key=value / "key": "value" for anything named like a secret. The key is matched from the start of
    // its run of name characters only (lookbehind), checked for a secret word by a lookahead and then taken
    // possessively: "[\w.-]*(?:password|…)[\w.-]*" alone backtracked through the whole run at every position,
    // quadratic in a long word (50 000 letters in a DM message took 25 s). Same matches as before.
    private static final String SECRET_WORD = "(?:password|passwd|pwd|secret|token)";
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)((?<![\\w.-])(?=[\\w.-]*?" + SECRET_WORD + ")[\\w.-]*+[\"']?\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;}\\]]+)");
    // a YAML line "  some_password: value  # comment"; the value is taken up to a comment and its trailing blanks
    // are cut in code: "^\s*" could span blank lines and "(.*?)[ \t]*" backtracked, both quadratic (40 000 blank
    // lines took 40 s)
    private static final Pattern YAML_SECRET = Pattern.compile(
            "(?im)^[ \\t\\f\\x0B]*(?=[\\w.-]*?" + SECRET_WORD + ")[\\w.-]*+\\s*:[ \\t]*([^#\\r\\n\\u0085\\u2028\\u2029]*+)");
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
            String v = stripTrailingBlanks(m.group(1));
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            if (!v.isBlank()) {
                values.add(v);
            }
        }
        return values;
    }

    private static String stripTrailingBlanks(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
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
