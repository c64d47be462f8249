package io.dmremediation.diagnosis;

import java.util.List;

/**
 * Which binlog reader a DM message names, when the error's code and site do not say (text-only lines): the relay
 * unit pulling from upstream, or the syncer reading relay files / upstream (dm-facts §4, "How the three FAQ
 * symptoms actually surface").
 */
enum ReaderLocus {
    RELAY, SYNCER, BOTH, NONE;

    /**
     * Messages of the relay unit: 30015 {@code TCPReader get event} (old) / {@code TCPReader get relay event with
     * error}, 30029 {@code event from … diff from passed-in event}.
     */
    static final List<String> RELAY_MARKERS = List.of("tcpreader get", "diff from passed-in event");

    /**
     * Messages of the syncer's readers: 11038 {@code parse relay log file …} (the syncer reading a relay file),
     * 36069 {@code get binlog event error: …} (the syncer reading upstream), 11106 {@code the given relay log pos
     * … of meta config is too big} (the syncer's relay reader at start, {@code BinlogReader.checkRelayPos}), 11034
     * {@code file size of relay log … become smaller} (the syncer's relay reader, {@code waitBinlogChanged}).
     */
    static final List<String> SYNCER_MARKERS = List.of("parse relay log file", "get binlog event error",
            "of meta config is too big", "file size of relay log");

    static ReaderLocus of(String lowerText) {
        boolean relay = RELAY_MARKERS.stream().anyMatch(lowerText::contains);
        boolean syncer = SYNCER_MARKERS.stream().anyMatch(lowerText::contains);
        if (relay && syncer) {
            return BOTH;
        }
        return relay ? RELAY : syncer ? SYNCER : NONE;
    }
}
