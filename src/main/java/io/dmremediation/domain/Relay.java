package io.dmremediation.domain;

import java.util.List;

/** The relay log of one source on one worker ({@code sourceStatus.relayStatus}). */
public record Relay(String source, String worker, Stage stage, String relaySubDir, BinlogLocation relayBinlog,
                    String relayBinlogGtid, BinlogLocation masterBinlog, boolean catchUpMaster,
                    List<DmError> errors) {

    public Relay {
        errors = errors == null ? List.of() : List.copyOf(errors);
        stage = stage == null ? Stage.UNKNOWN : stage;
    }
}
