package io.dmremediation.policy;

import io.dmremediation.diagnosis.ErrorClass;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A mass fault on one DM cluster, handled as one: per-task restarts are held while the common cause is checked
 * ({@link Phase#HOLDING}); once it answers again DM's own auto-resume gets its time ({@link Phase#AUTO_RESUME});
 * then the tasks still paused are restarted in batches ({@link Phase#RECOVERING}). Pure.
 *
 * @param failing the tasks that set it off, of {@code guarded} on the cluster
 */
public record Incident(String id, ErrorClass errorClass, Instant since, int failing, int guarded, Phase phase,
                       Instant commonCauseClearedAt) {

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** Where an incident stands; the names are the ones status and the condition's reason show. */
    public enum Phase {
        HOLDING("Holding"),
        AUTO_RESUME("WaitingForAutoResume"),
        RECOVERING("RestartingInBatches");

        private final String shown;

        Phase(String shown) {
            this.shown = shown;
        }

        public String shown() {
            return shown;
        }

        public static Phase fromShown(String s) {
            for (Phase p : values()) {
                if (p.shown.equals(s)) {
                    return p;
                }
            }
            return HOLDING;
        }
    }

    public static Incident open(StormDetector.Trigger t, Instant now) {
        return new Incident(idFor(t.errorClass(), now), t.errorClass(), now, t.failing(), t.guarded(), Phase.HOLDING,
                null);
    }

    /** {@code storm-<class>-<UTC time>}: the same for every resource on the cluster, readable in an Event. */
    public static String idFor(ErrorClass c, Instant since) {
        return "storm-" + c.id() + "-" + ID_TIME.format(since).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The next phase: the common cause answering again ends the hold; the auto-resume wait, counted from then, ends
     * in the batches. Never back: a downstream that goes away again during the batches fails their own credentials
     * checks, before anything is stopped.
     */
    public Incident advance(boolean commonCauseClear, Instant now, StormPolicy policy) {
        return switch (phase) {
            case HOLDING -> commonCauseClear ? with(Phase.AUTO_RESUME, now).advance(false, now, policy) : this;
            case AUTO_RESUME -> now.isBefore(commonCauseClearedAt.plus(policy.waitForAutoResume())) ? this
                    : with(Phase.RECOVERING, commonCauseClearedAt);
            case RECOVERING -> this;
        };
    }

    private Incident with(Phase p, Instant clearedAt) {
        return new Incident(id, errorClass, since, failing, guarded, p, clearedAt);
    }
}
