package io.dmremediation.dm;

/** Where a {@link DmMaster} comes from. */
public final class DmMasterClients {

    private DmMasterClients() {
    }

    /** A connection with default limits (connect 3 s, request 10 s, replies up to 8 MiB). No I/O yet. */
    public static DmMasterConnection connect(String baseUrl) {
        return connect(baseUrl, DmHttpSettings.DEFAULTS);
    }

    /** A connection to {@code http(s)://host:port}; it detects the DM-master's OpenAPI on first use. */
    public static DmMasterConnection connect(String baseUrl, DmHttpSettings settings) {
        return new DmMasterConnection(baseUrl, settings);
    }
}
