package io.dmremediation.diagnosis;

import io.dmremediation.domain.Unit;
import java.util.Objects;

/**
 * Where DM reported an error, which decides which rules may apply to it (dm-facts §3.2 "Where errors live"):
 * a subtask's {@code result.errors} (with the subtask's unit), a relay's {@code relayStatus.result.errors}, or a
 * source's own {@code sourceStatus.result.errors}.
 *
 * <p>A subtask whose unit is {@link Unit#UNKNOWN} stands for an error known only by its text (a pasted line, a
 * reply that did not say the unit): the rules then classify by the text alone.
 */
public record ErrorSite(Origin origin, Unit unit) {

    /** The part of DM's status that held the error. */
    public enum Origin { SUBTASK, RELAY, SOURCE }

    public ErrorSite {
        Objects.requireNonNull(origin, "origin");
        unit = unit == null ? Unit.UNKNOWN : unit;
    }

    public static ErrorSite subtask(Unit unit) {
        return new ErrorSite(Origin.SUBTASK, unit);
    }

    /** An error under a source's relay status; its unit is {@link Unit#RELAY}. */
    public static ErrorSite relay() {
        return new ErrorSite(Origin.RELAY, Unit.RELAY);
    }

    public static ErrorSite source() {
        return new ErrorSite(Origin.SOURCE, Unit.UNKNOWN);
    }

    /** A line known only by its text: no origin beyond "some subtask", no unit. */
    public static ErrorSite textOnly() {
        return subtask(Unit.UNKNOWN);
    }

    public boolean isRelay() {
        return origin == Origin.RELAY;
    }

    public boolean isSubtask() {
        return origin == Origin.SUBTASK;
    }

    /** True when nothing but the error's own text can tell which DM component raised it. */
    public boolean unitUnknown() {
        return origin == Origin.SUBTASK && unit == Unit.UNKNOWN;
    }

    /** How reasons name the site: "the Sync unit", "the relay", "a source", "a line without unit". */
    public String describe() {
        return switch (origin) {
            case RELAY -> "the relay";
            case SOURCE -> "the source status";
            case SUBTASK -> unit == Unit.UNKNOWN ? "a line without unit" : "the " + unit.dmName() + " unit";
        };
    }
}
