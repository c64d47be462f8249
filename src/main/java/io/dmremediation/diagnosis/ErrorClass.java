package io.dmremediation.diagnosis;

/** The FAQ error families this operator knows, plus {@link #UNKNOWN} for everything else. */
public enum ErrorClass {
    INVALID_CONNECTION("invalid-connection", Remedy.RESTART_TASK),
    BAD_CONNECTION("bad-connection", Remedy.RESTART_TASK),
    RELAY_BINLOG_OVERFLOW("relay-binlog-overflow", Remedy.FIX_RELAY_META),
    SYNCER_BINLOG_OVERFLOW("syncer-binlog-overflow", Remedy.FIX_SYNCER_CHECKPOINT),
    UNKNOWN("unknown", Remedy.NONE);

    private final String id;
    private final Remedy faqRemedy;

    ErrorClass(String id, Remedy faqRemedy) {
        this.id = id;
        this.faqRemedy = faqRemedy;
    }

    /** The name users see in status, Events, metrics and the diagnose output. */
    public String id() {
        return id;
    }

    /** What the FAQ says to do for this family. */
    public Remedy faqRemedy() {
        return faqRemedy;
    }

    public static ErrorClass fromId(String id) {
        for (ErrorClass c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown error class '" + id + "'");
    }
}
