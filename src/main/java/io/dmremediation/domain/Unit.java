package io.dmremediation.domain;

import java.util.Locale;

/** The processing unit of a subtask ({@code pb.UnitType}); {@link #RELAY} for relay errors. */
public enum Unit {
    CHECK("Check"), DUMP("Dump"), LOAD("Load"), SYNC("Sync"), RELAY("Relay"), INVALID("InvalidUnit"),
    UNKNOWN("");

    private final String dmName;

    Unit(String dmName) {
        this.dmName = dmName;
    }

    public String dmName() {
        return dmName;
    }

    public static Unit parse(String text) {
        if (text == null || text.isBlank()) {
            return UNKNOWN;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Unit u : values()) {
            if (!u.dmName.isEmpty() && u.dmName.toLowerCase(Locale.ROOT).equals(t)) {
                return u;
            }
        }
        return UNKNOWN;
    }
}
