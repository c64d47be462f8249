package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.HistoryEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task restarted at night whose upstream writes nothing: DM shows it Running with the flushed checkpoint where it
 * was (the syncer flushes only while it handles jobs), neither moved nor synced. The restart worked; the operator
 * must not call it failed and try again. Found by the real-DM suite (docs/real-dm-checks.md).
 */
class IdleTaskVerifyTest {

    @Test
    void aRestartedTaskWithAnIdleUpstreamCountsAsRunning() {
        FastWorld w = new FastWorld();
        w.dm.addTask(SafetyMatrixTest.TASK, SafetyMatrixTest.CONFIG);
        w.dm.idleUpstream.add(SafetyMatrixTest.TASK);
        w.dm.breakTask(SafetyMatrixTest.TASK, SafetyMatrixTest.INVALID_CONNECTION);
        w.create(SafetyMatrixTest.TASK);
        w.runUntil(r -> r.getStatus() != null && r.getStatus().active == null && ends(r.getStatus().history) > 0,
                600);

        List<HistoryEntry> history = w.status().history;
        HistoryEntry end = history.stream().filter(h -> h.outcome != null && !h.outcome.isBlank())
                .reduce((x, y) -> y).orElseThrow();
        assertThat(end.outcome).as(end.detail).isEqualTo("Succeeded");
        assertThat(w.dm.stops).as("stopped once, not again for a false failure").hasSize(1);
        assertThat(w.dm.starts).hasSize(1);
        w.close();
    }

    private static long ends(List<HistoryEntry> history) {
        return history == null ? 0 : history.stream()
                .filter(h -> List.of("Succeeded", "Failed", "Aborted", "LeftStopped").contains(h.outcome)).count();
    }
}
