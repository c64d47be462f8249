package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.domain.DmSnapshot;
import java.util.List;

/** Checks, right before the first change, that DM still shows the error the remediation was started for. */
final class Fence {

    private Fence() {
    }

    /** True when the task (or, for a relay remediation, the source's relay) still shows {@code a.errorClass}. */
    static boolean errorStillThere(ActiveRemediation a, DmSnapshot snapshot) {
        List<Finding> findings = Diagnosis.diagnose(snapshot);
        return findings.stream().anyMatch(f -> f.errorClass().id().equals(a.errorClass)
                && (a.task == null ? f.task() == null && a.source.equals(f.source()) : a.task.equals(f.task())));
    }
}
