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
    REFUSED("refused"),
    /**
     * Whether the state was changed is not known: the connection was lost after COMMIT was sent, or an inspection
     * could not tell (no backup, rows that match neither the backup nor the fix, no connection). The caller must
     * assume the rewrite may be in place.
     */
    UNKNOWN("unknown"),
    /** An inspection found the rewrite in place: the rows are where the fix leaves them relative to the backup. */
    APPLIED("applied"),
    /** An inspection found the rows as the backup holds them: the rewrite is not in place. */
    NOT_APPLIED("not-applied");

    /** Exit code of a run whose outcome is {@link #UNKNOWN}. */
    public static final int EXIT_UNKNOWN = 3;

    private final String wire;

    FixOutcome(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /**
     * The command's exit code: 0 when the state is known and where it should be (or, for an inspection, known),
     * 1 refused with nothing changed, 3 unknown. (2 is the commands' usage error.)
     */
    public int exitCode() {
        return switch (this) {
            case REFUSED -> 1;
            case UNKNOWN -> EXIT_UNKNOWN;
            default -> 0;
        };
    }
}
