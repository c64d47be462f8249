package io.dmremediation.domain;

import java.util.Locale;

/** A DM subtask or relay stage, as DM's {@code pb.Stage} names it. */
public enum Stage {
    NEW("New"), RUNNING("Running"), PAUSED("Paused"), STOPPED("Stopped"), FINISHED("Finished"),
    PAUSING("Pausing"), RESUMING("Resuming"), STOPPING("Stopping"), INVALID("InvalidStage"),
    /** Not reported, or a value this operator does not know; never treated as healthy. */
    UNKNOWN("");

    private final String dmName;

    Stage(String dmName) {
        this.dmName = dmName;
    }

    /** The spelling DM prints ({@code "Running"}). */
    public String dmName() {
        return dmName;
    }

    /** Parses DM's spelling in any case; null, empty and unknown strings give {@link #UNKNOWN}. */
    public static Stage parse(String text) {
        if (text == null || text.isBlank()) {
            return UNKNOWN;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Stage s : values()) {
            if (!s.dmName.isEmpty() && s.dmName.toLowerCase(Locale.ROOT).equals(t)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
