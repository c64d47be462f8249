package io.dmremediation.fixer;

import io.dmremediation.domain.BinlogLocation;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A binlog file name as DM stores it: the plain name ({@code mysql-bin.004451}: the server's {@code log-bin}
 * base name, a dot, the index of at least 6 digits) or DM's relay form with the relay sub-directory suffix
 * ({@code mysql-bin|000001.004451}, dm/pkg/binlog/position.go). Anything else (paths, spaces, quotes) is refused.
 */
public record BinlogFileName(String asGiven, String plain, Optional<String> relaySuffix) {

    /** DM keeps file names in {@code binlog_name VARCHAR(128)}. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern PLAIN = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*)\\.([0-9]{6,})");
    private static final Pattern SUFFIXED = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*)\\|([0-9]{6})\\.([0-9]{6,})");

    public static BinlogFileName parse(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidFixRequestException("binlog file name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidFixRequestException("binlog file name is " + name.length() + " characters long; DM"
                    + " stores at most " + MAX_LENGTH);
        }
        Matcher plain = PLAIN.matcher(name);
        if (plain.matches()) {
            return new BinlogFileName(name, name, Optional.empty());
        }
        Matcher suffixed = SUFFIXED.matcher(name);
        if (suffixed.matches()) {
            String stripped = BinlogLocation.plainFile(name);
            return new BinlogFileName(name, stripped, Optional.of(suffixed.group(2)));
        }
        throw new InvalidFixRequestException("binlog file name " + Identifiers.printable(name) + " is not a binlog"
                + " file name: expected e.g. mysql-bin.004451 or DM's relay form mysql-bin|000001.004451");
    }

    /** Whether a stored {@code binlog_name} (plain or suffixed, possibly null) names this file. */
    public boolean matches(String stored) {
        return stored != null && plain.equals(BinlogLocation.plainFile(stored));
    }

    @Override
    public String toString() {
        return asGiven;
    }
}
