package io.dmremediation.operator;

import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.SavedConfigs;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting a saved-config Secret that is no longer needed (it holds the downstream password): a deletion that fails
 * is remembered in status and tried again every cycle, so no such Secret outlives its use.
 */
final class SavedConfigSweep {

    private static final Logger LOG = LoggerFactory.getLogger(SavedConfigSweep.class);

    private SavedConfigSweep() {
    }

    static void release(CycleState s, SavedConfigs vault, String secret) {
        try {
            vault.release(ConfigVault.remediationIdOf(secret));
            s.status.staleConfigSecrets.remove(secret);
        } catch (RuntimeException e) {
            LOG.warn("could not delete the saved-config Secret {} yet: {}", secret, e.getMessage());
            if (!s.status.staleConfigSecrets.contains(secret)) {
                s.status.staleConfigSecrets.add(secret);
            }
        }
    }

    /** Tries again to delete the Secrets an earlier cycle could not. */
    static void retry(CycleState s) {
        if (s.status.staleConfigSecrets.isEmpty()) {
            return;
        }
        SavedConfigs vault = s.services.edges().vault(s.resource);
        for (String secret : new ArrayList<>(s.status.staleConfigSecrets)) {
            release(s, vault, secret);
        }
    }
}
