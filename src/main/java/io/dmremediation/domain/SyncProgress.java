package io.dmremediation.domain;

/** The sync unit's progress; locations are null when DM did not report one. */
public record SyncProgress(BinlogLocation masterBinlog, BinlogLocation syncerBinlog, String masterBinlogGtid,
                           String syncerBinlogGtid, long totalEvents, boolean synced, String binlogType) {
}
