package io.dmremediation.operator;

import io.dmremediation.diagnosis.Remedy;
import io.dmremediation.playbook.FixRelayMetaPlaybook;
import io.dmremediation.playbook.FixSyncerCheckpointPlaybook;
import io.dmremediation.playbook.Playbook;
import io.dmremediation.playbook.RestartTaskPlaybook;
import java.util.EnumMap;
import java.util.Map;

/** The playbook for each remedy. */
final class Playbooks {

    private final Map<Remedy, Playbook> byRemedy = new EnumMap<>(Remedy.class);

    Playbooks() {
        for (Playbook p : new Playbook[] {new RestartTaskPlaybook(), new FixSyncerCheckpointPlaybook(),
                new FixRelayMetaPlaybook()}) {
            byRemedy.put(p.remedy(), p);
        }
    }

    Playbook of(Remedy remedy) {
        Playbook p = byRemedy.get(remedy);
        if (p == null) {
            throw new IllegalArgumentException("no playbook for " + remedy.id());
        }
        return p;
    }

    Playbook of(String playbookId) {
        return of(Remedy.fromId(playbookId));
    }
}
