package io.dmremediation.fixer;

import java.util.List;
import java.util.Objects;

/**
 * What to fix: the source's rows of {@code <metaSchema>.<task>_syncer_checkpoint} in {@code binlogFile} get
 * {@code binlog_pos = position}. Constructing one validates every field, so an instance never carries a name that
 * could change the meaning of a statement.
 */
public record CheckpointFixRequest(
        String metaSchema,
        String task,
        String source,
        BinlogFileName binlogFile,
        long position,
        String remediationId,
        GtidMode gtidMode) {

    public static final String DEFAULT_META_SCHEMA = "dm_meta";

    public CheckpointFixRequest {
        Identifiers.metaSchema(metaSchema);
        Identifiers.taskName(task);
        Identifiers.sourceId(source);
        Objects.requireNonNull(binlogFile, "binlogFile");
        BinlogPosition.check(position);
        Identifiers.remediationId(remediationId);
        Objects.requireNonNull(gtidMode, "gtidMode");
    }

    /** From raw strings, e.g. a reconciler's decision; throws {@link InvalidFixRequestException} on bad input. */
    public static CheckpointFixRequest of(String metaSchema, String task, String source, String binlogFile,
                                          long position, String remediationId, GtidMode gtidMode) {
        return new CheckpointFixRequest(metaSchema, task, source, BinlogFileName.parse(binlogFile), position,
                remediationId, gtidMode);
    }

    public String checkpointTable() {
        return Identifiers.checkpointTable(task);
    }

    public String backupTable() {
        return Identifiers.backupTable(task, remediationId);
    }

    public boolean backupTableShortened() {
        return Identifiers.backupTableShortened(task, remediationId);
    }

    /** The rows as the fix leaves them: those in the affected file at the target position, the others as they are. */
    public List<CheckpointRow> afterFix(List<CheckpointRow> rows) {
        return rows.stream().map(r -> binlogFile.matches(r.binlogName()) ? r.withBinlogPos(position) : r).toList();
    }
}
