package io.dmremediation.fixer;

import java.util.Map;
import java.util.Optional;

/**
 * Read access to environment variables. The commands take one of these instead of calling {@link System#getenv}
 * so tests (and a stand-in kubelet running a Job in-process) can hand over a Job's environment without mutating
 * the process environment.
 */
@FunctionalInterface
public interface Environment {

    Optional<String> get(String name);

    /** The process environment. */
    static Environment system() {
        return name -> Optional.ofNullable(System.getenv(name));
    }

    /** A fixed environment, e.g. the env of a Job pod spec. */
    static Environment of(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        return name -> Optional.ofNullable(copy.get(name));
    }
}
