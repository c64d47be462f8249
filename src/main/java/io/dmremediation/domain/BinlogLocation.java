package io.dmremediation.domain;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A binlog file and position as DM prints them: {@code "(mysql-bin.000003, 5001)"}. The file may carry the
 * relay sub-directory suffix ({@code mysql-bin|000001.000003}); {@link #plainFile()} strips it.
 */
public record BinlogLocation(String file, long pos) {

    private static final Pattern SUFFIXED = Pattern.compile("^(.+)\\|\\d+\\.(\\d+)$");

    /** Parses DM's {@code "(name, pos)"}; anything else (empty, garbage, negative) is empty. */
    public static Optional<BinlogLocation> parse(String text) {
        // by hand, not a regex: DM text can be long and a backtracking pattern was cubic on it
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        if (t.length() < 5 || t.charAt(0) != '(' || t.charAt(t.length() - 1) != ')') {
            return Optional.empty();
        }
        String inner = t.substring(1, t.length() - 1);
        int comma = inner.indexOf(',');
        if (comma < 0 || inner.indexOf(',', comma + 1) >= 0 || inner.indexOf('(') >= 0 || inner.indexOf(')') >= 0) {
            return Optional.empty();
        }
        String name = inner.substring(0, comma).strip();
        String pos = inner.substring(comma + 1).strip();
        if (name.isEmpty() || pos.isEmpty() || pos.length() > 19 || !pos.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BinlogLocation(name, Long.parseLong(pos)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The binlog file name without DM's relay sub-directory suffix: {@code mysql-bin|000001.000003 -> mysql-bin.000003}. */
    public String plainFile() {
        return plainFile(file);
    }

    public static String plainFile(String file) {
        if (file == null) {
            return null;
        }
        Matcher m = SUFFIXED.matcher(file);
        return m.matches() ? m.group(1) + "." + m.group(2) : file;
    }

    @Override
    public String toString() {
        return "(" + file + ", " + pos + ")";
    }
}
