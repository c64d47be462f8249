package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Errors that resemble a FAQ error but are not one, and whose FAQ procedure would do harm or nothing. A guard
 * that matches an error makes it {@link ErrorClass#UNKNOWN} before any FAQ rule is asked (DESIGN: "A look-alike
 * is not the FAQ error … When in doubt, unknown").
 *
 * <p>Connection and SQL guards read the raw cause (or the text when there is none), so that a statement in the
 * message ({@code execute statement failed: INSERT … `tls` …}) cannot veto; binlog guards read the whole text,
 * because 36069 carries the upstream error in its message (dm-facts §4).
 */
public enum LookAlike implements Rule {

    /**
     * MySQL 1236 "Could not find first log file name in binary log index file": the upstream purged binlogs DM
     * still needs. DM lists it as non-resumable ({@code retry.ReplicationErrMsgs}, dm-facts §5.1); rewriting a
     * position cannot bring the file back.
     */
    PURGED_BINLOG(Reads.TEXT, "the upstream purged binlogs DM still needs (not a 4 GB overflow)",
            "could not find first log file name in binary log index file"),

    /** MySQL 1236 for GTID auto-position: "… purged binary logs containing GTIDs that the slave/replica requires". */
    PURGED_GTIDS(Reads.TEXT, "the upstream purged binlogs with GTIDs DM still needs (not a 4 GB overflow)",
            "purged binary logs containing gtids"),

    /**
     * MySQL 1236 "Could not open log file" (the docs' 30015 sample): the dump thread cannot open the file DM names
     * (missing on this upstream); about the file, not the position.
     */
    MISSING_BINLOG_FILE(Reads.TEXT, "the upstream cannot open the binlog file DM asks for (file missing, not a bad position)",
            "could not open log file"),

    /**
     * MySQL 1236 "Client requested master/source to start replication from position > file size" and the older
     * "… from impossible position": the saved position is past the end of a shorter file (upstream crash lost
     * the tail, failover, RESET MASTER). An overflowed position is pos mod 2^32 of a file over 4 GiB, always
     * smaller than the file, so this check cannot be its symptom.
     */
    STALE_POSITION(Reads.TEXT, "the upstream's file is shorter than the saved position (stale position after crash or "
            + "failover; an overflowed position is always smaller than the file)",
            "position > file size", "impossible position"),

    /**
     * MySQL 1236 "log event entry exceeded max_allowed_packet; Increase max_allowed_packet on master": a garbage
     * length at a wrong offset can give it, but so can a real event larger than max_allowed_packet (big rows,
     * blobs) — common, and a position rewrite would loop on it without fixing anything. Ambiguous, so unknown.
     */
    MAX_ALLOWED_PACKET(Reads.TEXT, "an event larger than max_allowed_packet is as likely a real oversize event as a bad "
            + "position, so it is not treated as an overflow",
            "exceeded max_allowed_packet"),

    /**
     * DM's own log line for a relay-file read error it treats as ignorable and retries ({@code "fail to parse relay
     * log file, meet some ignorable error"}, {@code pingcap/tiflow:dm/relay/local_reader.go}; tiflow issue #3487):
     * a warning while the task runs, not an error that paused it.
     */
    IGNORABLE_READ(Reads.TEXT, "DM logged this read error as ignorable and carried on; no task paused on it",
            "meet some ignorable error"),

    /** MySQL 1236 server-side read failures that are about the server, not the position. */
    SERVER_READ_FAILURE(Reads.TEXT, "the upstream failed to read its own binlog (I/O or memory), not a bad position",
            "i/o error reading log event", "memory allocation failed reading log event",
            "unknown error reading log event"),

    /**
     * database/sql {@code ErrConnDone} "sql: connection is already closed" (pingcap/dm issue #1254, the last
     * sample in real-error-strings.txt): a connection DM itself closed, not the FAQ's driver errors.
     */
    CONNECTION_CLOSED(Reads.CAUSE, "the connection was already closed on DM's side (database/sql ErrConnDone), not the "
            + "FAQ's driver error", "sql: connection is already closed"),

    CONNECTION_REFUSED(Reads.CAUSE, "the database refused the connection (it is down or unreachable); restarting the task "
            + "does not help", "connection refused"),

    IO_TIMEOUT(Reads.CAUSE, "a network timeout, not the FAQ's driver error", "i/o timeout"),

    BROKEN_PIPE(Reads.CAUSE, "a broken pipe, not the FAQ's driver error", "broken pipe"),

    CONNECTION_RESET(Reads.CAUSE, "the peer reset the connection, not the FAQ's driver error", "connection reset by peer"),

    /** TLS/x509 failures: a configuration problem that a restart repeats. */
    TLS(Reads.CAUSE, "a TLS or certificate error, which a restart repeats",
            Pattern.compile("\\btls\\b|x509:")),

    /** MySQL/TiDB 1062: DM lists it as non-resumable ({@code retry.UnsupportedDMLMsgs}, dm-facts §5.1). */
    DUPLICATE_ENTRY(Reads.CAUSE, "a duplicate key downstream (Error 1062), a data conflict a restart repeats",
            "error 1062", "duplicate entry"),

    /** Foreign-key failures (the 10006 sample JSON, Error 1451): a data/schema conflict a restart repeats. */
    FOREIGN_KEY(Reads.CAUSE, "a foreign-key constraint failure downstream, a data conflict a restart repeats",
            "error 1451", "error 1452", "foreign key constraint fails");

    /** Which part of the error a guard reads. */
    private enum Reads { TEXT, CAUSE }

    private final Reads reads;
    private final String why;
    private final List<Pattern> patterns;

    LookAlike(Reads reads, String why, String... markers) {
        this(reads, why, List.of(markers).stream().map(m -> Pattern.compile(Pattern.quote(m))).toArray(Pattern[]::new));
    }

    LookAlike(Reads reads, String why, Pattern... patterns) {
        this.reads = reads;
        this.why = why;
        this.patterns = List.of(patterns);
    }

    @Override
    public ErrorClass errorClass() {
        return ErrorClass.UNKNOWN;
    }

    @Override
    public Optional<String> match(DmError error, ErrorSite site) {
        String text = reads == Reads.TEXT ? ErrorText.lower(error) : ErrorText.cause(error);
        for (Pattern p : patterns) {
            if (p.matcher(text).find()) {
                return Optional.of("look-alike " + name().toLowerCase(Locale.ROOT).replace('_', '-') + ": "
                        + why);
            }
        }
        return Optional.empty();
    }
}
