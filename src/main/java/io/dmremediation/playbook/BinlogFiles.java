package io.dmremediation.playbook;

import io.dmremediation.domain.BinlogLocation;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Binlog file names: which file an error names, and which of two files comes later. */
final class BinlogFiles {

    /** MySQL binlog names: a base name and a numeric extension of at least 6 digits (mysql-bin.000042). */
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*?)(?:\\|\\d+)?\\.(\\d{6,})");

    private BinlogFiles() {
    }

    /** The first binlog file named in DM's error text (relay paths and the relay suffix stripped). */
    static Optional<String> namedIn(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            String base = m.group(1);
            int slash = base.lastIndexOf('/');
            if (slash >= 0) {
                base = base.substring(slash + 1);
            }
            // a relay sub-directory (<uuid>.000001) also looks like a binlog name; its base is a UUID
            if (base.matches("[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}")) {
                continue;
            }
            return Optional.of(base + "." + m.group(2));
        }
        return Optional.empty();
    }

    /** The file after this one in its sequence: {@code mysql-bin.004451} → {@code mysql-bin.004452}, width kept. */
    static String next(String file) {
        String f = BinlogLocation.plainFile(file);
        int dot = f.lastIndexOf('.');
        String seq = f.substring(dot + 1);
        return f.substring(0, dot + 1) + String.format("%0" + seq.length() + "d", Long.parseLong(seq) + 1);
    }

    /** True when {@code file} comes after {@code reference} in the same binlog sequence. */
    static boolean after(String file, String reference) {
        String f = BinlogLocation.plainFile(file);
        String r = BinlogLocation.plainFile(reference);
        int fi = f.lastIndexOf('.');
        int ri = r.lastIndexOf('.');
        if (fi < 0 || ri < 0 || !f.substring(0, fi).equals(r.substring(0, ri))) {
            return false;
        }
        try {
            return Long.parseLong(f.substring(fi + 1)) > Long.parseLong(r.substring(ri + 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
