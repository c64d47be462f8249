package io.dmremediation.playbook;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a task writes to the downstream the resource's Secret is for (pure). A task started again by the operator
 * gets the Secret's password (DM-master hands out configs with the password masked), so a task that writes somewhere
 * else must not be stopped: it would be started with another system's password.
 */
public final class DownstreamMatch {

    /** A downstream as the task config or the Secret names it; never holds a password. */
    public record Endpoint(String host, String port, String user) {
        @Override
        public String toString() {
            return user + "@" + host + ":" + port;
        }
    }

    private DownstreamMatch() {
    }

    /** Why the task's {@code target-database} is not the Secret's downstream, or empty when it is. */
    static Optional<String> mismatch(String task, String taskYaml, Endpoint secret, String secretName) {
        Endpoint target = TaskYaml.target(taskYaml);
        boolean same = target.host().strip().equalsIgnoreCase(secret.host().strip())
                && port(target.port()).equals(port(secret.port()))
                && target.user().equals(secret.user());
        if (same) {
            return Optional.empty();
        }
        return Optional.of("task " + task + " writes to " + target + ", not to " + secret + " of Secret "
                + secretName + ": starting it again with that Secret's password would send it to another system");
    }

    private static String port(String p) {
        String t = p == null ? "" : p.strip().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? "4000" : t;
    }
}
