package io.dmremediation.sandbox.dmmaster;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DM's auto-resume verdicts (§5.1): {@code unit.IsResumableError} for subtasks
 * ({@code dm/unit/unit.go:115-163}, lists from {@code dm/pkg/retry/errors.go}) and
 * {@code IsResumableRelayError} for the relay unit.
 */
final class ResumePolicy {

    private static final List<String> UNSUPPORTED_DDL = List.of(
            "can't drop column with index", "with tidb_enable_change_multi_schema is disable",
            "unsupported add column", "unsupported modify column", "unsupported modify charset",
            "unsupported modify collate", "unsupported drop integer primary key", "Unsupported collation",
            "Invalid default value for", "Unsupported drop primary key", "Error 1059", "Error 1117", "Error 1069");
    private static final List<String> UNSUPPORTED_DML = List.of("Error 1062", "Error 1406", "Error 1366", "Error 8025");
    private static final List<String> REPLICATION = List.of(
            "Could not find first log file name in binary log index file",
            "The slave is connecting using CHANGE MASTER TO MASTER_AUTO_POSITION = 1, but the master has purged "
                    + "binary logs containing GTIDs that the slave requires");
    private static final List<String> PARSE_RELAY = List.of(
            "binlog checksum mismatch, data may be corrupted", "get event err EOF");
    private static final Set<Integer> UNRESUMABLE_CODES = Set.of(36008, 32004, 32001, 36027, 11129, 34020, 34021);
    private static final Set<Integer> UNRESUMABLE_RELAY_CODES = Set.of(30001, 30002, 30004, 30005, 30008);

    private ResumePolicy() {
    }

    static boolean isResumable(ProcessError e) {
        String cause = e.rawCause().toLowerCase(Locale.ROOT);
        // the message lists are matched case-insensitively against RawCause only
        for (List<String> list : List.of(UNSUPPORTED_DDL, UNSUPPORTED_DML, REPLICATION)) {
            for (String m : list) {
                if (cause.contains(m.toLowerCase(Locale.ROOT))) {
                    return false;
                }
            }
        }
        // the parse-relay texts are matched against Message, not RawCause (§5.1 note; unit.go:136-141@v8.5.4),
        // lower-cased on both sides; the real 11038 carries them in RawCause, so it stays resumable
        if (e.code() == 11038) {
            String message = e.message().toLowerCase(Locale.ROOT);
            for (String m : PARSE_RELAY) {
                if (message.contains(m.toLowerCase(Locale.ROOT))) {
                    return false;
                }
            }
        }
        if (e.code() == 34019) {
            return e.rawCause().contains("doesn't exist") || e.rawCause().contains("is in mode import");
        }
        return !UNRESUMABLE_CODES.contains(e.code());
    }

    static boolean allResumable(List<ProcessError> errors) {
        return errors.stream().allMatch(ResumePolicy::isResumable);
    }

    static boolean isResumableRelay(ProcessError e) {
        return !UNRESUMABLE_RELAY_CODES.contains(e.code());
    }

    static boolean allResumableRelay(List<ProcessError> errors) {
        return errors.stream().allMatch(ResumePolicy::isResumableRelay);
    }
}
