package io.dmremediation.domain;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A binlog file and position as DM prints them: {@code "(mysql-bin.000003, 5001)"}. The file may carry the
 * relay sub-directory suffix ({@code mysql-bin|000001.000003}); {@link #plainFile()} strips it.
 */
public record BinlogLocation(String file, long pos) {

    private static final Pattern TEXT = Pattern.compile("^\\(\\s*([^,()]*?)\\s*,\\s*(\\d+)\\s*\\)$");
    private static final Pattern SUFFIXED = Pattern.compile("^(.+)\\|\\d+\\.(\\d+)$");

    /** Parses DM's {@code "(name, pos)"}; anything else (empty, garbage, negative) is empty. */
    public static Optional<BinlogLocation> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches() || m.group(1).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BinlogLocation(m.group(1), Long.parseLong(m.group(2))));
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
