package io.dmremediation.policy;

import io.dmremediation.diagnosis.Remedy;
import java.time.Duration;

/**
 * What to do about one FAQ error class. {@code playbook} is {@link Remedy#NONE} when the user chose to be told
 * only. {@code waitForAutoResume} and the pause threshold apply to the classes DM retries by itself.
 */
public record ClassPolicy(Remedy playbook, Duration waitForAutoResume, int maxAttempts, int pauseThreshold,
                          Duration pauseWindow, boolean restoreSafeMode) {

    public boolean acts() {
        return playbook != Remedy.NONE;
    }
}
