package io.dmremediation.fixer;

import java.util.Locale;

/**
 * What the caller knows about GTID for this task/source. With GTID on, DM resumes from {@code binlog_gtid} and
 * ignores {@code binlog_pos} (dm-facts §6 "GTID caveat"), so a position edit would silently not take effect.
 */
public enum GtidMode {
    /** DM resumes from the GTID set: refuse, a position edit does nothing. */
    ON,
    /** DM resumes from name/position: edit the position, leave {@code binlog_gtid} as stored. */
    OFF,
    /** Not known: refuse when the checkpoint carries a real GTID set, proceed otherwise. */
    UNKNOWN;

    public static GtidMode parse(String text) {
        if (text == null) {
            throw new InvalidFixRequestException("source GTID mode is empty; expected on, off or unknown");
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "on" -> ON;
            case "off" -> OFF;
            case "unknown" -> UNKNOWN;
            default -> throw new InvalidFixRequestException("source GTID mode " + Identifiers.printable(text)
                    + " is not one of on, off, unknown");
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The set DM stores when there is no GTID: empty, or the all-zero placeholder. */
    static final String ZERO_GTID = "00000000-0000-0000-0000-000000000000:0";

    /** Whether a stored GTID set means something (not null, not blank, not the all-zero placeholder). */
    public static boolean isRealGtidSet(String stored) {
        if (stored == null) {
            return false;
        }
        String s = stored.trim();
        return !s.isEmpty() && !s.equalsIgnoreCase(ZERO_GTID);
    }
}
