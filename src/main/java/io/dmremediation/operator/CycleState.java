package io.dmremediation.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.TaskState;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.playbook.PlaybookContext;
import io.dmremediation.policy.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;

/**
 * What one reconcile of one resource works on: the resource, a copy of its status that the cycle's parts edit, the
 * settings and the cluster it resolved, and when to look again. Writes go out through {@link #persist()}.
 */
final class CycleState {

    private static final ObjectMapper JSON = new ObjectMapper();

    final OperatorServices services;
    final Instant now;
    final long generation;
    final Collection<DMRemediation> peers;
    final String uid;
    DMRemediation resource;
    DMRemediationStatus status;
    Settings settings;
    ClusterTarget target;
    DmMaster dm;
    Duration reschedule;
    /** The storm-mode incident this resource's tasks are part of, or null (see {@link StormMode}). */
    StormMode.View storm;

    CycleState(OperatorServices services, DMRemediation resource, Collection<DMRemediation> peers) {
        this.services = services;
        this.resource = resource;
        this.peers = peers;
        this.now = services.clock().instant();
        this.uid = resource.getMetadata().getUid();
        this.generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
        this.status = copy(resource.getStatus());
    }

    String namespace() {
        return resource.getMetadata().getNamespace();
    }

    String name() {
        return resource.getMetadata().getName();
    }

    void lookAgainWithin(Duration d) {
        if (reschedule == null || d.compareTo(reschedule) < 0) {
            reschedule = d;
        }
    }

    /** Writes status now (optimistic locking: a conflict means another operator moved on, and is thrown). */
    void persist() {
        resource = services.statusWriter().write(resource, status);
    }

    /** Writes status when the cycle changed it. */
    void writeIfChanged(DMRemediationStatus before) {
        if (!JSON.valueToTree(before).equals(JSON.valueToTree(status))) {
            persist();
        }
    }

    void event(EventReason reason, String message) {
        services.events().record(resource, reason, message);
    }

    Optional<TaskState> row(String task) {
        return status.tasks.stream().filter(r -> r.name.equals(task)).findFirst();
    }

    PlaybookContext playbookContext(ActiveRemediation a) {
        return services.playbookContext(resource, target, a, settings);
    }

    void history(String task, Finding f, String action, String outcome, String detail) {
        add(new HistoryEntry(now.toString(), task, f == null ? null : f.source(),
                f == null ? null : f.errorClass().id(), action, outcome, TaskRows.shorten(detail)));
    }

    void history(String task, ActiveRemediation a, String outcome, String detail) {
        add(new HistoryEntry(services.clock().instant().toString(), task, a.source, a.errorClass, a.playbook, outcome,
                TaskRows.shorten(detail)));
    }

    private void add(HistoryEntry e) {
        status.history.add(0, e);
        while (status.history.size() > DMRemediationStatus.HISTORY_LIMIT) {
            status.history.remove(status.history.size() - 1);
        }
    }

    static DMRemediationStatus copy(DMRemediationStatus s) {
        if (s == null) {
            return new DMRemediationStatus();
        }
        DMRemediationStatus c = JSON.convertValue(s, DMRemediationStatus.class);
        if (c.conditions == null) {
            c.conditions = new ArrayList<>();
        }
        if (c.tasks == null) {
            c.tasks = new ArrayList<>();
        }
        if (c.history == null) {
            c.history = new ArrayList<>();
        }
        if (c.leftStopped == null) {
            c.leftStopped = new ArrayList<>();
        }
        if (c.staleConfigSecrets == null) {
            c.staleConfigSecrets = new ArrayList<>();
        }
        return c;
    }
}
