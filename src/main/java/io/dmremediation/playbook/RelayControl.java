package io.dmremediation.playbook;

import io.dmremediation.dm.DmMaster;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a source's relay is stopped and started, by its mode (dm-facts §7.1; the same on DM v5.4 … v8.5 and after):
 * <ul>
 *   <li>{@code enable-relay: true} in the source config: only DM's no-name path stops it (OpenAPI relay disable with
 *       an explicit empty {@code worker_name_list}, which is what dmctl {@code stop-relay -s} does over gRPC); naming a
 *       worker is refused with 46031, and OpenAPI fills in the bound worker for an absent list. The stop stores
 *       {@code enable-relay: false}, the start stores {@code true} again;</li>
 *   <li>named relay workers: stopped and started by naming those workers; the no-name path is refused (46029).</li>
 * </ul>
 * OpenAPI is the only HTTP way: the gateway maps no relay RPC (dm-facts §1.1).
 */
record RelayControl(boolean sourceConfigMode, List<String> namedWorkers) {

    private static final Pattern ENABLE_RELAY_TRUE = Pattern.compile("(?m)^enable-relay:\\s*true\\s*$");

    /**
     * The mode, from the source config DM-master stores ({@code enable-relay}, GetCfg SourceType) and the relays
     * OpenAPI lists for the source; empty when the source runs no relay at all.
     */
    static Optional<RelayControl> of(String sourceYaml, List<Relay> relays) {
        boolean byConfig = sourceYaml != null && ENABLE_RELAY_TRUE.matcher(sourceYaml.toLowerCase(Locale.ROOT)).find();
        if (byConfig) {
            return Optional.of(new RelayControl(true, List.of()));
        }
        List<String> workers = relays.stream().map(Relay::worker).filter(w -> w != null && !w.isBlank()).distinct()
                .toList();
        return workers.isEmpty() ? Optional.empty() : Optional.of(new RelayControl(false, workers));
    }

    /** The control recorded in the status ({@link #mode()}, {@link #namedWorkers()}). */
    static RelayControl recorded(String mode, List<String> workers) {
        return new RelayControl(SOURCE_CONFIG.equals(mode), workers);
    }

    static final String SOURCE_CONFIG = "enable-relay";
    static final String NAMED = "named";

    String mode() {
        return sourceConfigMode ? SOURCE_CONFIG : NAMED;
    }

    /** The worker list DM-master's call takes: empty (the no-name path) or the named relay workers. */
    List<String> workerList() {
        return sourceConfigMode ? List.of() : namedWorkers;
    }

    void stop(DmMaster dm, String source) {
        dm.disableRelay(source, workerList());
    }

    void start(DmMaster dm, String source) {
        dm.enableRelay(source, workerList());
    }

    /** Start, with the relay's start file stored first as {@code relay-binlog-name} (no subtask to start from). */
    void startFrom(DmMaster dm, String source, String file) {
        dm.enableRelayFrom(source, workerList(), file);
    }

    /** True when none of the relays this control starts and stops is enabled on a worker (DM lists none). */
    boolean off(List<Relay> relays) {
        return relays.stream().noneMatch(this::ours);
    }

    /** True when a relay this control starts is listed (any stage: DM lists it only while it is enabled). */
    boolean on(List<Relay> relays) {
        return relays.stream().anyMatch(r -> ours(r) && r.stage() != Stage.STOPPED);
    }

    private boolean ours(Relay r) {
        return sourceConfigMode || namedWorkers.contains(r.worker());
    }

    String describe(String source) {
        return sourceConfigMode
                ? "the relay of " + source + " (enable-relay in its source config; DM's no-name relay stop/start)"
                : "the relay of " + source + " on " + String.join(", ", namedWorkers);
    }
}
