package io.dmremediation.playbook;

import java.util.Optional;

/** The user's downstream Secret, read only for what a task config needs ({@link DownstreamSecret}). */
public interface DownstreamCredentials {

    /** Why the Secret cannot be used, or empty. */
    Optional<String> problem(String secretName);

    Optional<String> password(String secretName);

    /** Why the password must not be sent to this DM-master, or empty when the Secret allows it. */
    Optional<String> masterNotAllowed(String secretName, String masterUrl);
}
