package io.dmremediation.fixer;

/** How a fixer run ended; {@link #wire()} is the {@code result} field of the reports. */
public enum FixOutcome {
    /** The state was rewritten in this run. */
    FIXED("fixed"),
    /** The state already was at the target (an earlier run of the same remediation, or a human); nothing written. */
    ALREADY_APPLIED("already-applied"),
    /** A check-only run found everything a fix needs; nothing written. */
    CHECKED("checked"),
    /** Nothing was changed: unexpected state, invalid input or an error. */
    REFUSED("refused");

    private final String wire;

    FixOutcome(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The command's exit code: 0 when the state is where it should be, 1 otherwise. */
    public int exitCode() {
        return this == REFUSED ? 1 : 0;
    }
}
