package io.dmremediation.playbook;

import io.dmremediation.api.ActiveRemediation;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** Typed access to {@link ActiveRemediation#facts}, the playbook's notes that survive an operator restart. */
final class Facts {

    private Facts() {
    }

    static Optional<String> get(ActiveRemediation a, String key) {
        return a.facts == null ? Optional.empty() : Optional.ofNullable(a.facts.get(key));
    }

    static boolean is(ActiveRemediation a, String key) {
        return get(a, key).map(Boolean::parseBoolean).orElse(false);
    }

    static void put(ActiveRemediation a, String key, String value) {
        if (a.facts == null) {
            a.facts = new LinkedHashMap<>();
        }
        a.facts.put(key, value);
    }

    static void mark(ActiveRemediation a, String key) {
        put(a, key, "true");
    }

    static List<String> list(ActiveRemediation a, String key) {
        return get(a, key).filter(s -> !s.isEmpty()).map(s -> Arrays.asList(s.split(","))).orElse(List.of());
    }

    static void putList(ActiveRemediation a, String key, List<String> values) {
        put(a, key, String.join(",", values));
    }
}
