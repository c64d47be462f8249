package io.dmremediation.diagnosis;

/** The FAQ's procedures, by the names the resource and the playbooks use. */
public enum Remedy {
    RESTART_TASK("RestartTask"),
    FIX_RELAY_META("FixRelayMeta"),
    FIX_SYNCER_CHECKPOINT("FixSyncerCheckpoint"),
    NONE("None");

    private final String id;

    Remedy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Remedy fromId(String id) {
        for (Remedy r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown remedy '" + id + "'");
    }
}
