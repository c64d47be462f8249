package io.dmremediation.fixer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fix-checkpoint --inspect}: whether the rewrite of one remediation is in place, decided against that
 * remediation's backup, for a caller that cannot know (the fix Job failed, timed out, was killed, or lost its
 * connection after COMMIT). Only reads: the backup is the record of the rows before the fix, so
 * <ul>
 *   <li>{@code applied}: the source's rows are exactly the backup with the fix applied;</li>
 *   <li>{@code not-applied}: the rows equal the backup, or there is no backup (the fix takes it before it
 *       writes anything);</li>
 *   <li>{@code unknown}: rows that match neither, or no answer.</li>
 * </ul>
 * A caller starts the task in safe mode unless the answer is {@code not-applied}.
 */
final class CheckpointInspector {

    private final Connection connection;
    private final CheckpointFixRequest request;
    private final CheckpointStore store;

    CheckpointInspector(Connection connection, CheckpointFixRequest request) {
        this.connection = connection;
        this.request = request;
        this.store = new CheckpointStore(connection);
    }

    CheckpointFixReport inspect() {
        String schema = request.metaSchema();
        String table = request.checkpointTable();
        String backupTable = request.backupTable();
        try {
            if (!store.tableExists(schema, table)) {
                return unknown(request, "table " + schema + "." + table + " does not exist");
            }
            if (!store.tableExists(schema, backupTable)) {
                // the fix creates its backup before its transaction starts: without one it never wrote. The
                // operator passes the failed fix's own arguments, so a wrong id is not what this sees.
                List<CheckpointRow> current = store.rows(schema, table, request.source(), false);
                return report(FixOutcome.NOT_APPLIED, List.of(), current, "not applied: there is no backup "
                        + schema + "." + backupTable + " of remediation " + request.remediationId() + ", and the fix"
                        + " takes it before it writes anything (check --remediation-id and --meta-schema if you"
                        + " typed them)");
            }
            List<CheckpointRow> backup = store.rows(schema, backupTable, request.source(), false);
            List<CheckpointRow> current = store.rows(schema, table, request.source(), false);
            if (backup.isEmpty()) {
                return unknown(request, "the backup " + schema + "." + backupTable + " holds no rows for source '"
                        + request.source() + "'");
            }
            FixOutcome verdict = verdict(current, backup, request);
            return report(verdict, backup, current, switch (verdict) {
                case APPLIED -> "applied: every checkpoint row of source '" + request.source() + "' is where the fix"
                        + " leaves it (the rows in " + request.binlogFile().plain() + " at position "
                        + request.position() + ", the others as in the backup " + backupTable + ")";
                case NOT_APPLIED -> "not applied: the checkpoint rows of source '" + request.source()
                        + "' equal the backup " + backupTable;
                default -> "unknown: the checkpoint rows of source '" + request.source() + "' match neither the backup "
                        + backupTable + " nor the fixed state (did DM run since, or was --position changed?)";
            });
        } catch (SQLException e) {
            return unknown(request, "database error: " + SqlErrors.describe(e));
        }
    }

    /**
     * The pure decision: {@code applied} when the rows are the backup with the fix applied (checked first: when the
     * fix changes nothing the two states are one, and safe mode is the safe reading), {@code not-applied} when they
     * are the backup, {@code unknown} otherwise.
     */
    static FixOutcome verdict(List<CheckpointRow> current, List<CheckpointRow> backup, CheckpointFixRequest request) {
        Map<String, CheckpointRow> now = CheckpointRow.byKey(current);
        if (now.equals(CheckpointRow.byKey(request.afterFix(backup)))) {
            return FixOutcome.APPLIED;
        }
        if (now.equals(CheckpointRow.byKey(backup))) {
            return FixOutcome.NOT_APPLIED;
        }
        return FixOutcome.UNKNOWN;
    }

    /** {@code before}: the backup's rows in the affected file; {@code after}: those rows now; {@code untouched}: the rest now. */
    private CheckpointFixReport report(FixOutcome outcome, List<CheckpointRow> backup, List<CheckpointRow> current,
                                       String message) {
        List<CheckpointRow> inFile = new ArrayList<>();
        List<CheckpointRow> other = new ArrayList<>();
        for (CheckpointRow row : current) {
            (request.binlogFile().matches(row.binlogName()) ? inFile : other).add(row);
        }
        List<CheckpointRow> backupInFile = backup.stream()
                .filter(r -> request.binlogFile().matches(r.binlogName())).toList();
        return new CheckpointFixReport(outcome, request.metaSchema(), request.checkpointTable(), request.source(),
                request.binlogFile().asGiven(), request.position(), request.backupTable(), false, backupInFile, inFile,
                other, message + "; nothing was written");
    }

    static CheckpointFixReport unknown(CheckpointFixRequest r, String why) {
        return new CheckpointFixReport(FixOutcome.UNKNOWN, r.metaSchema(), r.checkpointTable(), r.source(),
                r.binlogFile().asGiven(), r.position(), r.backupTable(), false, List.of(), List.of(), List.of(),
                "unknown: " + why + "; nothing was written");
    }
}
