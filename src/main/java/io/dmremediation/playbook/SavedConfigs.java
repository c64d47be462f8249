package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import java.util.Optional;

/** Where task configs are saved before a stop, so that no crash can lose them ({@link ConfigVault}). */
public interface SavedConfigs {

    /** Saves the task's config unless a copy is already saved; returns the Secret's name. */
    String save(ActiveRemediation a, String task, String yaml);

    Optional<String> load(ActiveRemediation a, String task);

    boolean has(ActiveRemediation a, String task);

    /** Deletes the remediation's saved configs: only once DM holds every task again. */
    void release(String remediationId);
}
