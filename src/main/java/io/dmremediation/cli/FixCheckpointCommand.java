package io.dmremediation.cli;

import io.dmremediation.fixer.BinlogPosition;
import io.dmremediation.fixer.CheckpointFixReport;
import io.dmremediation.fixer.CheckpointFixRequest;
import io.dmremediation.fixer.CheckpointFixer;
import io.dmremediation.fixer.DownstreamSettings;
import io.dmremediation.fixer.Environment;
import io.dmremediation.fixer.FixOutcome;
import io.dmremediation.fixer.FixReport;
import io.dmremediation.fixer.GtidMode;
import io.dmremediation.fixer.InvalidFixRequestException;
import io.dmremediation.fixer.ReportOutput;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code fix-checkpoint}: runs inside the repair Job for the syncer-side 4 GB binlog error and rewrites the source's
 * rows of {@code <meta-schema>.<task>_syncer_checkpoint} (see {@link CheckpointFixer}).
 */
public final class FixCheckpointCommand implements Command {

    private static final Set<String> VALUED = Set.of("meta-schema", "task", "source", "binlog-file", "position",
            "remediation-id", "source-gtid-mode");

    private final Environment env;
    private final CheckpointFixer fixer;

    public FixCheckpointCommand() {
        this(Environment.system());
    }

    /** With a given environment: tests and an in-process stand-in kubelet pass the Job's env here. */
    public FixCheckpointCommand(Environment env) {
        this.env = env;
        this.fixer = new CheckpointFixer();
    }

    @Override
    public String name() {
        return "fix-checkpoint";
    }

    @Override
    public String summary() {
        return "Job mode: set a source's syncer checkpoint to a valid position in a >4 GB binlog file";
    }

    @Override
    public String help() {
        return """
                Usage: fix-checkpoint --task T --source S --binlog-file F --remediation-id R [options]
                       fix-checkpoint --inspect --task T --source S --binlog-file F --remediation-id R [options]

                Fixes DM's "binlog file over 4 GB" error on the syncer side (DM FAQ): in the downstream table
                <meta-schema>.<task>_syncer_checkpoint, sets binlog_pos of the source's global row and of every
                table row in the affected binlog file to POSITION, in one transaction, after backing the source's
                rows up to <task>_syncer_checkpoint_bak_<remediation-id> (kept; never overwritten). The task must be
                stopped (stop-task) before and re-created with safe-mode: true after.

                Options:
                  --meta-schema NAME        DM meta schema (default dm_meta)
                  --task NAME               DM task name
                  --source ID               DM source id (the rows' id column)
                  --binlog-file FILE        the affected file: mysql-bin.004451 or mysql-bin|000001.004451
                  --position N              new binlog_pos, 4..4294967295 (default 4)
                  --remediation-id ID       names the backup table; the same id on a re-run reuses it
                  --source-gtid-mode MODE   on: refuse (DM resumes from binlog_gtid); off: edit the position and
                                            leave binlog_gtid; unknown (default): refuse if a real GTID set is stored
                  --check                   check everything a fix needs (credentials, table, rows, GTID) and
                                            write nothing; result "checked"
                  --inspect                 write nothing; tell whether the rewrite of this remediation is in
                                            place, against its backup table: result "applied" (the rows are the
                                            backup with the fix applied), "not-applied" (the rows equal the
                                            backup) or "unknown" (no backup, rows that match neither, no
                                            connection). For a caller whose fix Job failed: start the task in
                                            safe mode unless "not-applied". In the report, before = the backup's
                                            rows in the file, after = those rows now, untouched = the others now.

                Environment (credentials are never taken from arguments):
                  DOWNSTREAM_HOST, DOWNSTREAM_PORT (default 4000), DOWNSTREAM_USER, DOWNSTREAM_PASSWORD
                  DMR_REPORT_FILE           optional: also write a summary (<= 4 KiB) there, e.g. /dev/termination-log

                Prints one JSON report on stdout; its "result" is one of fixed, already-applied, checked, refused,
                unknown (fix), or applied, not-applied, unknown (--inspect). Exit codes:
                  0  fixed, already-applied or checked; with --inspect: applied or not-applied
                  1  refused: nothing was changed (including database errors before COMMIT was sent)
                  2  usage error: nothing was done
                  3  outcome unknown: the connection failed after COMMIT was sent (the rows may be rewritten;
                     run --inspect), or --inspect could not tell
                """;
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        CheckpointFixRequest request;
        DownstreamSettings downstream;
        boolean checkOnly;
        boolean inspect;
        try {
            Args parsed = Args.parse(args, VALUED, Set.of("check", "inspect"));
            checkOnly = parsed.flag("check");
            inspect = parsed.flag("inspect");
            if (checkOnly && inspect) {
                throw new Args.UsageException("--check and --inspect exclude each other");
            }
            if (!parsed.positional().isEmpty()) {
                throw new Args.UsageException("unexpected argument '" + parsed.positional().get(0) + "'");
            }
            request = CheckpointFixRequest.of(
                    parsed.value("meta-schema").orElse(CheckpointFixRequest.DEFAULT_META_SCHEMA),
                    required(parsed, "task"),
                    required(parsed, "source"),
                    required(parsed, "binlog-file"),
                    parsed.value("position").map(BinlogPosition::parse).orElse(BinlogPosition.FILE_START),
                    required(parsed, "remediation-id"),
                    parsed.value("source-gtid-mode").map(GtidMode::parse).orElse(GtidMode.UNKNOWN));
            downstream = DownstreamSettings.fromEnvironment(env);
        } catch (Args.UsageException | InvalidFixRequestException e) {
            CheckpointFixReport report = new CheckpointFixReport(FixOutcome.REFUSED, null, null, null, null, null,
                    null, false, List.of(), List.of(), List.of(), "usage: " + e.getMessage());
            emit(report, out, err);
            return USAGE;
        }
        CheckpointFixReport report = inspect ? fixer.inspect(downstream, request)
                : checkOnly ? fixer.check(downstream, request) : fixer.fix(downstream, request);
        emit(report, out, err);
        return report.outcome().exitCode();
    }

    private void emit(FixReport report, PrintStream out, PrintStream err) {
        ReportOutput.emit(report, env, name(), out, err);
    }

    private static String required(Args args, String option) {
        return args.value(option).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new Args.UsageException("option --" + option + " is required"));
    }
}
