package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.Optional;
import java.util.Set;

/**
 * FAQ "> 4 GB binlog", relay case: the relay unit wrote or re-pulled a file from an overflowed position, fixed by
 * rewriting relay.meta to position 4 (FixRelayMeta). Matches an error with an {@link OverflowSignature} that
 * belongs to the relay (dm-facts §4: "relay problem = errors under relayStatus or class relay-unit/code 30xxx"):
 * <ul>
 *   <li>any error under the relay status (including 11038/11106 reported there);</li>
 *   <li>on a Sync subtask or a line without unit: class {@code relay-unit}, or codes 30015 (TCPReader, cause
 *       from upstream), 30029 (duplicate-event check), or a code-0 text whose message is the relay's
 *       ({@link ReaderLocus#RELAY}).</li>
 * </ul>
 * Not 11034: although its workaround edits relay.meta, DM raises it in the syncer's relay reader, so it is a Sync
 * subtask's error ({@link SyncerOverflowRule}; dm-facts §4).
 */
public final class RelayOverflowRule implements Rule {

    public static final RelayOverflowRule INSTANCE = new RelayOverflowRule();

    /** 30015 ErrRelayTCPReaderGetEvent, 30029 ErrRelayCheckIsDuplicateEvent. */
    static final Set<Integer> RELAY_CODES = Set.of(30015, 30029);

    static final String RELAY_UNIT_CLASS = "relay-unit";

    private RelayOverflowRule() {
    }

    @Override
    public String name() {
        return "relay-binlog-overflow";
    }

    @Override
    public ErrorClass errorClass() {
        return ErrorClass.RELAY_BINLOG_OVERFLOW;
    }

    @Override
    public Optional<String> match(DmError error, ErrorSite site) {
        String text = ErrorText.lower(error);
        Optional<OverflowSignature> sig = OverflowSignature.find(text);
        if (sig.isEmpty()) {
            return Optional.empty();
        }
        return relayEvidence(error, site, text).map(where -> where + " carries the overflow signature '"
                + sig.get().label() + "', the FAQ's sign of a relay position that overflowed past 4 GB (fix: relay.meta to position 4)");
    }

    /** Why the error is the relay's, or empty when it is not. */
    private static Optional<String> relayEvidence(DmError e, ErrorSite site, String text) {
        if (site.isRelay()) {
            return Optional.of("error " + code(e) + " under the relay status");
        }
        if (!site.isSubtask() || !(site.unit() == Unit.SYNC || site.unit() == Unit.UNKNOWN || site.unit() == Unit.RELAY)) {
            return Optional.empty();
        }
        if (RELAY_UNIT_CLASS.equalsIgnoreCase(e.errClass().strip())) {
            return Optional.of("relay-unit error " + code(e) + " on " + site.describe());
        }
        if (RELAY_CODES.contains(e.code())) {
            return Optional.of("relay error code " + e.code() + " on " + site.describe());
        }
        if (e.code() == 0 && ReaderLocus.of(text) == ReaderLocus.RELAY) {
            return Optional.of("relay-unit message (text-only) on " + site.describe());
        }
        return Optional.empty();
    }

    private static String code(DmError e) {
        return e.code() == 0 ? "(text-only)" : String.valueOf(e.code());
    }
}
