package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.Optional;
import java.util.Set;

/**
 * FAQ "> 4 GB binlog", syncer case: the sync unit resumed from an overflowed checkpoint, fixed by setting the
 * checkpoint's {@code binlog_pos} to 4 with safe mode (FixSyncerCheckpoint). Matches a subtask error in the Sync
 * unit (or a line without unit) with an {@link OverflowSignature} and one of (dm-facts §4):
 * <ul>
 *   <li>11038 {@code parse relay log file …} — the syncer reading a relay file
 *       ({@code binlog checksum mismatch} / {@code get event err EOF});</li>
 *   <li>11106 {@code the given relay log pos … of meta config is too big} — at start, past the relay file's end;</li>
 *   <li>11034 {@code file size of relay log … become smaller} — the relay file shrank under the syncer's relay
 *       reader ({@code BinlogReader.waitBinlogChanged}, {@code pingcap/tiflow:dm/relay/local_reader.go:673,698@v8.5.4}):
 *       a Sync subtask error, never under the relay status, even though its workaround edits relay.meta;</li>
 *   <li>36069 {@code get binlog event error: ERROR 1236 …} — the syncer reading upstream;</li>
 *   <li>code 0 whose message is one of those ({@link ReaderLocus#SYNCER}).</li>
 * </ul>
 * Never for a {@code relay-unit} class error (that is {@link RelayOverflowRule}'s), nor for errors under the
 * relay or in the Check/Dump/Load units, which do not read binlog.
 */
public final class SyncerOverflowRule implements Rule {

    public static final SyncerOverflowRule INSTANCE = new SyncerOverflowRule();

    /** 11034 ErrRelayLogFileSizeSmaller, 11038 ErrParserParseRelayLog, 11106 ErrRelayLogGivenPosTooBig, 36069 ErrSyncerGetEvent. */
    static final Set<Integer> SYNCER_CODES = Set.of(11034, 11038, 11106, 36069);

    private SyncerOverflowRule() {
    }

    @Override
    public String name() {
        return "syncer-binlog-overflow";
    }

    @Override
    public ErrorClass errorClass() {
        return ErrorClass.SYNCER_BINLOG_OVERFLOW;
    }

    @Override
    public Optional<String> match(DmError error, ErrorSite site) {
        if (!site.isSubtask() || !(site.unit() == Unit.SYNC || site.unit() == Unit.UNKNOWN)) {
            return Optional.empty();
        }
        if (RelayOverflowRule.RELAY_UNIT_CLASS.equalsIgnoreCase(error.errClass().strip())) {
            return Optional.empty();
        }
        String text = ErrorText.lower(error);
        Optional<OverflowSignature> sig = OverflowSignature.find(text);
        if (sig.isEmpty()) {
            return Optional.empty();
        }
        String where;
        if (SYNCER_CODES.contains(error.code())) {
            where = "syncer error code " + error.code();
        } else if (error.code() == 0 && ReaderLocus.of(text) == ReaderLocus.SYNCER) {
            where = "syncer message (text-only)";
        } else {
            return Optional.empty();
        }
        return Optional.of(where + " on " + site.describe() + " carries the overflow signature '" + sig.get().label()
                + "', the FAQ's sign of a syncer checkpoint that overflowed past 4 GB (fix: checkpoint to position 4, safe mode)");
    }
}
