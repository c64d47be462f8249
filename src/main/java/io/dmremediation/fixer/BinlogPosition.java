package io.dmremediation.fixer;

/**
 * A binlog position to write: DM and the MySQL protocol keep it as uint32 (dm-facts §9), and a position below 4
 * points into the binlog magic header, so the valid range is 4..4294967295.
 */
public final class BinlogPosition {

    public static final long MIN = 4;
    public static final long MAX = 0xFFFF_FFFFL;
    /** The FAQ's choice: the first event of the file, so nothing in it is skipped. */
    public static final long FILE_START = 4;

    private BinlogPosition() {
    }

    public static long parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidFixRequestException("position is empty");
        }
        if (!text.chars().allMatch(c -> c >= '0' && c <= '9') || text.length() > 12) {
            throw new InvalidFixRequestException("position " + Identifiers.printable(text) + " is not a number in "
                    + MIN + ".." + MAX);
        }
        return check(Long.parseLong(text));
    }

    public static long check(long position) {
        if (position < MIN || position > MAX) {
            throw new InvalidFixRequestException("position " + position + " is outside " + MIN + ".." + MAX
                    + " (binlog positions are uint32 and start after the 4-byte magic header)");
        }
        return position;
    }
}
