package io.dmremediation.fixer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The FAQ's syncer-side fix for the 4 GB binlog error (dm-facts §6 doc recipe): in
 * {@code <meta>.<task>_syncer_checkpoint}, the global row and every table row of one source that point into the
 * affected file get a valid position (default 4, the file's first event, so nothing is skipped; the task is then
 * started in safe mode, which makes replaying the file harmless).
 *
 * <p>Order of work: validate (done by {@link CheckpointFixRequest}) → check the table, the rows, the global row and
 * GTID (refuse, changing nothing) → back up the rows (once per remediation) → one transaction that locks the rows,
 * checks them against the backup, updates, reads back and commits. A re-run of the same remediation finds the
 * backup and the rows at the target and reports {@code already-applied} without writing. When the connection fails
 * after COMMIT was sent the report is {@code unknown} (the server may have committed); {@link #inspect} then tells,
 * against the backup, whether the rewrite is in place.
 *
 * <p>DM reads checkpoints only when a subtask is created, so the caller must have stopped the task (stop-task) before
 * and re-create it after; the fixer cannot see DM, but refuses when rows change under it.
 */
public final class CheckpointFixer {

    /**
     * Everything {@link #fix} checks before it writes — credentials, table, rows, GTID, the affected file — without
     * writing anything: the operator runs this before it stops a task, so a refusal leaves the task running.
     */
    public CheckpointFixReport check(DownstreamSettings downstream, CheckpointFixRequest request) {
        return run(downstream, request, true);
    }

    /**
     * Tells, writing nothing, whether the rewrite of this remediation is in place, by comparing the source's rows with
     * its backup ({@link CheckpointInspector}); a failed connection is an {@code unknown} report.
     */
    public CheckpointFixReport inspect(DownstreamSettings downstream, CheckpointFixRequest request) {
        Connection connection;
        try {
            connection = downstream.connect();
        } catch (SQLException e) {
            return CheckpointInspector.unknown(request, "cannot connect to the downstream at " + downstream.address()
                    + ": " + SqlErrors.describe(e));
        }
        try {
            return inspect(connection, request);
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                // read-only session: nothing to finish
            }
        }
    }

    /** {@link #inspect(DownstreamSettings, CheckpointFixRequest)} over an open connection (left open). */
    public CheckpointFixReport inspect(Connection connection, CheckpointFixRequest request) {
        return new CheckpointInspector(connection, request).inspect();
    }

    /** Connects with the settings and fixes; connection failures become a refused report. */
    public CheckpointFixReport fix(DownstreamSettings downstream, CheckpointFixRequest request) {
        return run(downstream, request, false);
    }

    private CheckpointFixReport run(DownstreamSettings downstream, CheckpointFixRequest request, boolean checkOnly) {
        if (request.gtidMode() == GtidMode.ON) {
            // decided before connecting: nothing to read can change the answer
            return early(request, gtidOnMessage());
        }
        Connection connection;
        try {
            connection = downstream.connect();
        } catch (SQLException e) {
            return early(request, "cannot connect to the downstream at " + downstream.address() + ": "
                    + SqlErrors.describe(e) + "; nothing was changed");
        }
        try {
            return checkOnly ? check(connection, request) : fix(connection, request);
        } finally {
            // after the report is decided: a failing close must not turn a fix into a refusal
            try {
                connection.close();
            } catch (SQLException e) {
                // the server ends the session itself
            }
        }
    }

    /** Fixes over an open connection (left open; its autocommit mode is restored). */
    public CheckpointFixReport fix(Connection connection, CheckpointFixRequest request) {
        return run(connection, request, false);
    }

    /** Checks over an open connection; writes nothing. */
    public CheckpointFixReport check(Connection connection, CheckpointFixRequest request) {
        return run(connection, request, true);
    }

    private CheckpointFixReport run(Connection connection, CheckpointFixRequest request, boolean checkOnly) {
        if (request.gtidMode() == GtidMode.ON) {
            return early(request, gtidOnMessage());
        }
        Run run = new Run(connection, request, checkOnly);
        try {
            return run.execute();
        } catch (FixRefusedException e) {
            return run.report(FixOutcome.REFUSED, e.getMessage());
        } catch (SQLException | RuntimeException e) {
            String what = e instanceof SQLException sql ? "database error: " + SqlErrors.describe(sql)
                    : "internal error: " + e;
            String backup = run.backupCreated ? "; the backup " + request.backupTable() + " was created and is kept"
                    : "";
            if (run.committing) {
                // any failure of the COMMIT itself leaves its outcome open (the connection lost with the server's
                // answer; TiDB can also answer "result undetermined"): not a refusal, since the rows may already be
                // rewound; --inspect compares them with the backup and tells which
                return run.report(FixOutcome.UNKNOWN, what + backup + "; the connection failed after COMMIT was"
                        + " sent, so whether the checkpoint rows were rewritten is unknown: run fix-checkpoint"
                        + " --inspect with the same arguments to find out");
            }
            return run.report(FixOutcome.REFUSED, what + backup + "; the checkpoint rows were not changed");
        }
    }

    private static String gtidOnMessage() {
        return "refused: the source is in GTID mode (--source-gtid-mode on): DM resumes from binlog_gtid, not"
                + " binlog_pos (dm-facts §6 GTID caveat), so a position edit would not take effect; nothing was changed";
    }

    private static CheckpointFixReport early(CheckpointFixRequest r, String message) {
        return CheckpointFixReport.refusedEarly(r.metaSchema(), r.checkpointTable(), r.source(),
                r.binlogFile().asGiven(), r.position(), r.backupTable(), message);
    }

    /** One run's state, so a refusal at any point still reports what was read. */
    private static final class Run {

        private final Connection connection;
        private final CheckpointFixRequest request;
        private final CheckpointStore store;
        private final String schema;
        private final String table;
        private final String backupTable;
        private List<CheckpointRow> before = List.of();
        private List<CheckpointRow> after = List.of();
        private List<CheckpointRow> untouched = List.of();
        private boolean backupCreated;
        private boolean committing;
        private final boolean checkOnly;

        Run(Connection connection, CheckpointFixRequest request, boolean checkOnly) {
            this.checkOnly = checkOnly;
            this.connection = connection;
            this.request = request;
            this.store = new CheckpointStore(connection);
            this.schema = request.metaSchema();
            this.table = request.checkpointTable();
            this.backupTable = request.backupTable();
        }

        CheckpointFixReport execute() throws SQLException, FixRefusedException {
            boolean autoCommit = connection.getAutoCommit();
            try {
                connection.setAutoCommit(true);
                if (!store.tableExists(schema, table)) {
                    throw new FixRefusedException("refused: table " + schema + "." + table + " does not exist (wrong"
                            + " --task or --meta-schema, or the task's meta was removed); nothing was changed");
                }
                // a first look without locks, so that a refusal happens before the backup is taken
                split(checkedRows(store.rows(schema, table, request.source(), false)));
                if (checkOnly) {
                    after = request.afterFix(before);
                    return report(FixOutcome.CHECKED, "check passed: " + before.size() + " checkpoint rows of source '"
                            + request.source() + "' in " + request.binlogFile().plain() + " would be set to position "
                            + request.position() + "; " + untouched.size() + " rows in other files would stay;"
                            + " nothing was written");
                }

                backupCreated = new CheckpointBackup(connection, store)
                        .ensure(schema, table, backupTable, request.source());

                connection.setAutoCommit(false);
                try {
                    return rewriteInTransaction();
                } catch (SQLException | FixRefusedException | RuntimeException e) {
                    rollbackQuietly();
                    throw e;
                }
            } finally {
                restoreAutoCommit(autoCommit);
            }
        }

        private CheckpointFixReport rewriteInTransaction() throws SQLException, FixRefusedException {
            List<CheckpointRow> locked = checkedRows(store.rows(schema, table, request.source(), true));
            split(locked);
            List<CheckpointRow> backup = store.rows(schema, backupTable, request.source(), false);
            if (backup.isEmpty()) {
                throw new FixRefusedException("refused: the backup table " + schema + "." + backupTable + " exists"
                        + " but holds no rows for source '" + request.source() + "'; a human must look; nothing was"
                        + " changed");
            }
            Map<String, CheckpointRow> current = CheckpointRow.byKey(locked);
            Map<String, CheckpointRow> original = CheckpointRow.byKey(backup);
            Map<String, CheckpointRow> target = CheckpointRow.byKey(request.afterFix(backup));

            if (current.equals(target)) {
                connection.rollback();
                after = before;
                return report(FixOutcome.ALREADY_APPLIED, "already applied: every checkpoint row of source '"
                        + request.source() + "' in " + request.binlogFile().plain() + " is at position "
                        + request.position() + "; backup " + backupTable + (backupCreated ? " created now" : " kept")
                        + "; nothing was written to the checkpoint table" + shortenedNote());
            }
            if (!current.equals(original)) {
                throw new FixRefusedException("refused: the checkpoint rows of source '" + request.source()
                        + "' differ both from the backup " + backupTable + " and from the fixed state (did DM run"
                        + " since the backup was taken, or was --position changed between runs?); a human must"
                        + " look; nothing was changed");
            }

            Set<String> storedNames = new LinkedHashSet<>();
            for (CheckpointRow row : before) {
                storedNames.add(row.binlogName());
            }
            int count = store.setPosition(schema, table, request.source(), storedNames, request.position());
            if (count > before.size()) {
                throw new FixRefusedException("refused: the update matched " + count + " rows, expected at most "
                        + before.size() + "; rolled back, nothing was changed");
            }

            List<CheckpointRow> readBack = store.rows(schema, table, request.source(), false);
            Map<String, CheckpointRow> expected = CheckpointRow.byKey(request.afterFix(locked));
            if (!CheckpointRow.byKey(readBack).equals(expected)) {
                throw new FixRefusedException("refused: the rows did not read back as intended after the update;"
                        + " rolled back, nothing was changed");
            }
            committing = true;
            connection.commit();
            committing = false;
            after = readBack.stream().filter(r -> request.binlogFile().matches(r.binlogName())).toList();
            return report(FixOutcome.FIXED, "fixed: set binlog_pos = " + request.position() + " on " + after.size()
                    + " checkpoint rows of source '" + request.source() + "' in " + request.binlogFile().plain()
                    + " (the global row and " + (after.size() - 1) + " table rows); " + untouched.size()
                    + " rows in other files untouched; backup " + schema + "." + backupTable
                    + (backupCreated ? " (created now)" : " (from an earlier run of this remediation)")
                    + shortenedNote() + ". Start the task with safe-mode: true.");
        }

        /** Refuses rows the fixer does not understand; returns them unchanged. */
        private List<CheckpointRow> checkedRows(List<CheckpointRow> rows) throws SQLException, FixRefusedException {
            if (rows.isEmpty()) {
                List<String> others = sources();
                throw new FixRefusedException("refused: " + schema + "." + table + " has no rows for source '"
                        + request.source() + "'" + (others.isEmpty() ? " (it is empty)"
                        : " (it has rows for " + String.join(", ", others) + ")") + "; nothing was changed");
            }
            CheckpointRow global = null;
            for (CheckpointRow row : rows) {
                if (row.hasGlobalKey() != row.global()) {
                    throw new FixRefusedException("refused: row " + row + " has is_global = " + row.global()
                            + " but cp_schema/cp_table " + (row.hasGlobalKey() ? "empty" : "set")
                            + "; this is not a table DM wrote; nothing was changed");
                }
                if (row.global()) {
                    global = row;
                }
            }
            if (global == null) {
                split(rows);
                throw new FixRefusedException("refused: source '" + request.source() + "' has no global checkpoint row"
                        + " (cp_schema = '', cp_table = '', is_global = 1); nothing was changed");
            }
            if (!request.binlogFile().matches(global.binlogName())) {
                split(rows);
                throw new FixRefusedException("refused: the global checkpoint of source '" + request.source()
                        + "' is at (" + global.binlogName() + ", " + global.binlogPos() + "), not in the affected file "
                        + request.binlogFile().plain() + ": the error and the checkpoint disagree, a human must look;"
                        + " nothing was changed");
            }
            if (request.gtidMode() == GtidMode.UNKNOWN) {
                for (CheckpointRow row : rows) {
                    if ((row.global() || request.binlogFile().matches(row.binlogName()))
                            && GtidMode.isRealGtidSet(row.binlogGtid())) {
                        split(rows);
                        throw new FixRefusedException("refused: the " + (row.global() ? "global" : "table")
                                + " checkpoint " + row + " carries the GTID set '" + row.binlogGtid() + "' and the"
                                + " source's GTID mode is unknown. If the task runs with enable-gtid: true, DM resumes"
                                + " from binlog_gtid and a position edit would not take effect; if enable-gtid is"
                                + " false, run again with --source-gtid-mode off (binlog_gtid is then left as stored);"
                                + " nothing was changed");
                    }
                }
            }
            return rows;
        }

        private void split(List<CheckpointRow> rows) {
            List<CheckpointRow> inFile = new ArrayList<>();
            List<CheckpointRow> other = new ArrayList<>();
            for (CheckpointRow row : rows) {
                (request.binlogFile().matches(row.binlogName()) ? inFile : other).add(row);
            }
            before = inFile;
            untouched = other;
        }

        private List<String> sources() throws SQLException {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT DISTINCT id FROM "
                    + CheckpointStore.qualified(schema, table) + " ORDER BY id LIMIT 10");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add("'" + rs.getString(1) + "'");
                }
            }
            return ids;
        }

        private String shortenedNote() {
            return request.backupTableShortened()
                    ? " (backup table name shortened with a hash to fit 64 characters: " + backupTable + ")" : "";
        }

        CheckpointFixReport report(FixOutcome outcome, String message) {
            boolean known = outcome != FixOutcome.REFUSED && outcome != FixOutcome.UNKNOWN;
            return new CheckpointFixReport(outcome, schema, table, request.source(), request.binlogFile().asGiven(),
                    request.position(), backupTable, backupCreated, before, known ? after : List.of(), untouched,
                    message);
        }

        private void rollbackQuietly() {
            try {
                connection.rollback();
            } catch (SQLException e) {
                // the connection is gone: the server rolls the open transaction back itself
            }
        }

        private void restoreAutoCommit(boolean autoCommit) {
            try {
                if (!connection.isClosed()) {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                // nothing left to protect: the transaction has been committed or rolled back
            }
        }
    }
}
