package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.playbook.Journal;
import io.dmremediation.playbook.PlaybookContext;
import io.dmremediation.playbook.PlaybookEngine;
import io.dmremediation.playbook.PlaybookEngine.Progress;

/** Run steps: the remediation in flight advances through its playbook; each transition is written to status. */
final class StepRunner {

    private StepRunner() {
    }

    static void advance(CycleState s) {
        ActiveRemediation a = s.status.active;
        PlaybookContext ctx = s.playbookContext(a);
        Journal journal = new Journal() {
            @Override
            public void persist(ActiveRemediation active) {
                s.services.snapshots().invalidate(s.target.key());
                s.persist();
            }

            @Override
            public void afterStep(ActiveRemediation active, String step) {
                s.services.gate().afterStep(active, step);
            }
        };
        Progress p = PlaybookEngine.advance(s.services.playbooks().of(a.playbook), a, ctx, journal);
        if (p instanceof Progress.Waiting w) {
            s.lookAgainWithin(w.recheck());
        } else if (p instanceof Progress.Unavailable u) {
            Conditions.set(s.status, Conditions.DEGRADED, true, "DMMasterUnreachable", u.message(), s.generation,
                    s.now);
            s.lookAgainWithin(u.recheck());
        } else if (p instanceof Progress.Finished f) {
            RemediationEnd.finish(s, a, f.outcome(), f.detail(), ctx);
        }
    }
}
