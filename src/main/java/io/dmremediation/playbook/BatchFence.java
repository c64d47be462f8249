package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.domain.DmSnapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fence of a storm-mode batch (a RestartTask over several tasks) before its first stop: a task whose error
 * cleared meanwhile (DM's auto-resume did its work, a person restarted it) leaves the batch untouched.
 */
final class BatchFence {

    private BatchFence() {
    }

    /** The tasks that still show the remediation's error class, in the batch's order. */
    static List<String> stillFailing(ActiveRemediation a, DmSnapshot snapshot, List<String> tasks) {
        Set<String> failing = new HashSet<>();
        for (Finding f : Diagnosis.diagnose(snapshot)) {
            if (f.task() != null && f.errorClass().id().equals(a.errorClass)) {
                failing.add(f.task());
            }
        }
        return tasks.stream().filter(failing::contains).toList();
    }
}
