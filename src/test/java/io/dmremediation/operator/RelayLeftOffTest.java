package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.playbook.FixRelayMetaPlaybook;
import org.junit.jupiter.api.Test;

/**
 * FixRelayMeta turned the relay off and DM will not turn it on again: no task need be stopped, yet the resource must
 * say loudly that the relay is left off and act no further on the source's tasks.
 */
class RelayLeftOffTest {

    @Test
    void aRelayLeftOffEscalatesTheSourcesTasks() {
        FastWorld w = new FastWorld();
        w.dm.relayByConfig = true;
        w.dm.relayOn = true;
        w.dm.relayError = InMemoryDmMaster.RELAY_OVERFLOW;
        w.dm.addTask(SafetyMatrixTest.TASK, SafetyMatrixTest.CONFIG);
        // DM refuses every relay start from the moment the fix first sends one
        w.plans.add(new FaultPlan(FaultPlan.Kind.PERSISTENT_REFUSAL, FixRelayMetaPlaybook.RELAY_ON, "enableRelay",
                0));
        w.create(SafetyMatrixTest.TASK);
        w.runUntil(r -> r.getStatus() != null && r.getStatus().active == null && r.getStatus().history != null
                && r.getStatus().history.stream().anyMatch(h -> "LeftStopped".equals(h.outcome)), 800);

        DMRemediationStatus s = w.status();
        HistoryEntry end = s.history.stream().filter(h -> "LeftStopped".equals(h.outcome)).findFirst().orElseThrow();
        assertThat(end.detail).contains("relay");
        assertThat(w.dm.relayOn).as("the relay is off: the case under test").isFalse();
        assertThat(s.phase).isEqualTo("Escalated");
        assertThat(s.tasks.stream().filter(t -> SafetyMatrixTest.TASK.equals(t.name)).findFirst().orElseThrow()
                .escalated).isTrue();
        w.close();
    }
}
