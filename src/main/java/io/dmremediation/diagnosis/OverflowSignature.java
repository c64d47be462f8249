package io.dmremediation.diagnosis;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The texts that say a binlog or relay log was read from a position that cannot be right for the file: the mark
 * of the FAQ's "> 4 GB binlog" error, where the uint32 position overflowed (dm-facts §9) and DM resumed from
 * {@code real position mod 2^32}, a byte offset inside the file that is not an event boundary.
 *
 * <p>Deliberately NOT here (they are {@link LookAlike}s): {@code Could not find first log file name …} and
 * {@code … purged binary logs containing GTIDs …} (upstream purged), {@code Could not open log file} (file
 * missing), {@code position > file size} / {@code impossible position} (an overflowed position is always SMALLER
 * than the real file, so MySQL's file-size check cannot fire for it; it fires for a stale position on a shorter
 * file: crash that lost the tail, failover, RESET MASTER), {@code log event entry exceeded max_allowed_packet}
 * (ambiguous with a real oversize event), {@code I/O error reading log event} and other server read failures, and
 * go-mysql's {@code invalid event header, event size is N, too small} (not named by the FAQ or DM's own lists).
 */
enum OverflowSignature {

    /**
     * go-mysql {@code replication.ErrChecksumMismatch} ("binlog checksum mismatch, data may be corrupted"): the
     * FAQ's own title; DM treats it as non-resumable for 11038 ({@code retry.ParseRelayLogErrMsgs}).
     */
    CHECKSUM_MISMATCH("binlog checksum mismatch", contains("binlog checksum mismatch")),

    /**
     * go-mysql's parser: "get event err EOF, need N but got M" — an event header read at a wrong offset claims
     * more bytes than the file has (DM's unit test of the real > 4 GB case, pingcap/dm PR #267; in
     * {@code retry.ParseRelayLogErrMsgs}).
     */
    EVENT_EOF("get event err EOF", Pattern.compile("get event err eof, need \\d++ but got \\d").asPredicate()),

    /**
     * 30029 {@code ErrRelayCheckIsDuplicateEvent}: "event from P in F diff from passed-in event" — the relay's
     * duplicate check (pingcap/dm PR #117, "handle cases when file size > 4GB") found other bytes at the position
     * the upstream event claims; the FAQ names this text for the relay case.
     */
    RELAY_EVENT_DIFF("event diff from passed-in event", contains("diff from passed-in event")),

    /**
     * 11034 {@code ErrRelayLogFileSizeSmaller}: "file size of relay log F become smaller" — the relay file was cut
     * back under the syncer's relay reader (relay recovery truncating to an overflowed position); a Sync subtask
     * error, though DM's workaround is the relay.meta edit to position 4.
     */
    RELAY_FILE_SMALLER("relay log file became smaller", inOrder("file size of relay log ", "become smaller", true)),

    /**
     * 11106 {@code ErrRelayLogGivenPosTooBig}: "the given relay log pos P of meta config is too big" — the start
     * position is past the relay file's end; DM's own workaround for it links the > 4 GB FAQ.
     */
    RELAY_POS_TOO_BIG("relay log pos too big", inOrder("relay log pos ", "of meta config is too big", true)),

    /**
     * MySQL {@code Binlog_sender}, ER_MASTER_FATAL_ERROR_READING_BINLOG (1236), LOG_READ_TRUNC: "binlog truncated
     * in the middle of event": the event length read at the requested offset runs past the file end — what an
     * offset inside an event gives. (Its other cause, a master out of disk, is rare; the FAQ fix of re-reading the
     * file from 4 with safe mode replays, it does not skip.) DM's relay handled exactly this text as a
     * "position is not an event start" case ({@code tryFindGapStartPos}).
     */
    MYSQL_TRUNCATED_EVENT("ERROR 1236 binlog truncated in the middle of event",
            inOrder("error 1236", "binlog truncated in the middle of event", false)),

    /** MySQL 1236, LOG_READ_BOGUS: "bogus data in log event" — garbage header at the offset; same reasoning. */
    MYSQL_BOGUS_DATA("ERROR 1236 bogus data in log event",
            inOrder("error 1236", "bogus data in log event", false)),

    /**
     * MySQL 1236, LOG_READ_CHECKSUM_FAILURE: "event read from binlog did not pass crc check" — the server-side
     * form of the FAQ's "binlog checksum mismatch" (the master verified the checksum before go-mysql could).
     */
    MYSQL_CRC_FAILURE("ERROR 1236 event did not pass crc check",
            inOrder("error 1236", "event read from binlog did not pass crc check", false));

    private final String label;
    private final Predicate<String> matcher;

    OverflowSignature(String label, Predicate<String> matcher) {
        this.label = label;
        this.matcher = matcher;
    }

    private static Predicate<String> contains(String literal) {
        return text -> text.contains(literal);
    }

    /**
     * {@code first}, then later {@code second} (on the same line when {@code sameLine}): what the regex
     * {@code first.*second} finds (without / with DOTALL), in linear time. The regex tried {@code .*} to the end of the
     * text at every occurrence of {@code first}: a 100 KB message repeating "error 1236" took half a minute.
     */
    private static Predicate<String> inOrder(String first, String second, boolean sameLine) {
        return text -> {
            int next = -1;
            int lineEnd = -1;
            for (int i = text.indexOf(first); i >= 0; i = text.indexOf(first, i + 1)) {
                int from = i + first.length();
                if (next < from) {
                    next = text.indexOf(second, from);
                    if (next < 0) {
                        return false;
                    }
                }
                if (!sameLine) {
                    return true;
                }
                if (lineEnd < from) {
                    lineEnd = lineEnd(text, from);
                }
                if (next < lineEnd) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Where the line holding {@code from} ends: the first character '.' does not match (Pattern's line terminators). */
    private static int lineEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return i;
            }
        }
        return text.length();
    }

    /** A short name for reasons. */
    String label() {
        return label;
    }

    /** The first signature found in a lower-cased text, in declaration order. */
    static Optional<OverflowSignature> find(String lowerText) {
        for (OverflowSignature s : values()) {
            if (s.matcher.test(lowerText)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
