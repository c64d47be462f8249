package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.Finding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Handing a task to a human: once, with a Warning Event, a history entry and a metric. */
final class Escalation {

    private static final Logger LOG = LoggerFactory.getLogger(Escalation.class);

    private Escalation() {
    }

    static void escalate(CycleState s, String task, Finding f, String reason) {
        TaskState row = s.row(task).orElse(null);
        if (row == null || Boolean.TRUE.equals(row.escalated)) {
            return;
        }
        row.escalated = true;
        row.lastAction = "Escalated";
        s.services.metrics().escalated(f.errorClass().id());
        s.event(EventReason.Escalated, "task " + task + ": " + reason + "; no more actions until a human annotates "
                + DMRemediation.RETRY_ANNOTATION + "=" + task + " or changes the spec");
        s.history(task, f, "Escalate", "Escalated", reason);
        LOG.warn("escalated task={} source={} class={} reason={}", task, f.source(), f.errorClass().id(), reason);
    }
}
