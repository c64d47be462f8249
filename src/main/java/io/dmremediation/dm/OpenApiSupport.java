package io.dmremediation.dm;

/** What DM-master's OpenAPI ({@code /api/v1}) offers, read from its live spec {@code GET /api/v1/dm.json}. */
public enum OpenApiSupport {
    /** {@code openapi = true} is not set: only the gateway and gRPC. */
    OFF,
    /** DM v5.3/v5.4: relay {@code start-relay}/{@code stop-relay}, task pause/resume, no {@code with_status} list. */
    V5,
    /** DM v6.0 and later: relay {@code relay/enable|disable}, task start/stop, {@code with_status} list. */
    V6;

    static final String V6_MARKER = "/api/v1/tasks/{task-name}/start";
    static final String V5_MARKER = "/api/v1/tasks/{task-name}/pause";

    public boolean on() {
        return this != OFF;
    }
}
