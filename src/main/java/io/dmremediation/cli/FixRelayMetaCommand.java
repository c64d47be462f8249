package io.dmremediation.cli;

import io.dmremediation.fixer.BinlogPosition;
import io.dmremediation.fixer.Environment;
import io.dmremediation.fixer.FixOutcome;
import io.dmremediation.fixer.InvalidFixRequestException;
import io.dmremediation.fixer.RelayMetaFixReport;
import io.dmremediation.fixer.RelayMetaFixRequest;
import io.dmremediation.fixer.RelayMetaFixer;
import io.dmremediation.fixer.ReportOutput;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code fix-relay-meta}: runs inside the repair Job (on the worker's node, with the worker's volume mounted) for
 * the relay-side 4 GB binlog error and rewrites {@code relay.meta} (see {@link RelayMetaFixer}).
 */
public final class FixRelayMetaCommand implements Command {

    private static final Set<String> VALUED = Set.of("relay-dir", "sub-dir", "binlog-file", "position",
            "remediation-id");

    private final Environment env;
    private final RelayMetaFixer fixer;

    public FixRelayMetaCommand() {
        this(Environment.system());
    }

    /** With a given environment (only {@code DMR_REPORT_FILE} is read). */
    public FixRelayMetaCommand(Environment env) {
        this(env, new RelayMetaFixer());
    }

    public FixRelayMetaCommand(Environment env, RelayMetaFixer fixer) {
        this.env = env;
        this.fixer = fixer;
    }

    @Override
    public String name() {
        return "fix-relay-meta";
    }

    @Override
    public String summary() {
        return "Job mode: set relay.meta's binlog-pos to a valid position for a >4 GB relay binlog file";
    }

    @Override
    public String help() {
        return """
                Usage: fix-relay-meta --relay-dir DIR --binlog-file F --remediation-id R [options]

                Fixes DM's "binlog file over 4 GB" error on the relay side (DM FAQ): sets binlog-pos in
                <relay-dir>/<sub-dir>/relay.meta to POSITION, after copying it to relay.meta.bak-<remediation-id>
                (kept; never overwritten), with an atomic rename like DM's own writes. Other keys, comments and
                their order are kept. The relay and the DM-worker must be stopped; restart the worker after.

                Options:
                  --relay-dir DIR           absolute path of the relay dir in this container
                  --sub-dir NAME            <server-uuid>.<6 digits> (default: last line of server-uuid.index;
                                            must be that one: DM only loads the latest relay.meta)
                  --binlog-file FILE        the affected file, as in relay.meta's binlog-name (mysql-bin.004451)
                  --position N              new binlog-pos, 4..4294967295 (default 4)
                  --remediation-id ID       names the backup; the same id on a re-run reuses it

                Environment:
                  DMR_REPORT_FILE           optional: also write a summary (<= 4 KiB) there, e.g. /dev/termination-log

                Prints one JSON report on stdout. Exit codes: 0 fixed or already-applied, 1 refused or file error
                (relay.meta unchanged), 2 usage error.
                """;
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        RelayMetaFixRequest request;
        try {
            Args parsed = Args.parse(args, VALUED, Set.of());
            if (!parsed.positional().isEmpty()) {
                throw new Args.UsageException("unexpected argument '" + parsed.positional().get(0) + "'");
            }
            request = RelayMetaFixRequest.of(
                    required(parsed, "relay-dir"),
                    parsed.value("sub-dir").orElse(null),
                    required(parsed, "binlog-file"),
                    parsed.value("position").map(BinlogPosition::parse).orElse(BinlogPosition.FILE_START),
                    required(parsed, "remediation-id"));
        } catch (Args.UsageException | InvalidFixRequestException e) {
            RelayMetaFixReport report = new RelayMetaFixReport(FixOutcome.REFUSED, null, null, null, null, null, null,
                    false, null, null, null, "usage: " + e.getMessage());
            ReportOutput.emit(report, env, name(), out, err);
            return USAGE;
        }
        RelayMetaFixReport report = fixer.fix(request);
        ReportOutput.emit(report, env, name(), out, err);
        return report.outcome().exitCode();
    }

    private static String required(Args args, String option) {
        return args.value(option).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new Args.UsageException("option --" + option + " is required"));
    }
}
