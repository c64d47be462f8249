package io.dmremediation.dm;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Subtask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects one snapshot from several replies. The same source shows up in the status of every task that runs on
 * it, so sources and relays are merged by (source, worker) instead of repeated.
 */
final class SnapshotBuilder {

    private final List<Subtask> subtasks = new ArrayList<>();
    private final Map<List<String>, SourceState> sources = new LinkedHashMap<>();
    private final Map<List<String>, Relay> relays = new LinkedHashMap<>();

    SnapshotBuilder add(Subtask subtask) {
        subtasks.add(subtask);
        return this;
    }

    SnapshotBuilder add(SourceState s) {
        List<String> key = key(s.source(), s.worker());
        SourceState old = sources.get(key);
        if (old == null) {
            sources.put(key, s);
        } else {
            LinkedHashSet<DmError> errors = new LinkedHashSet<>(old.errors());
            errors.addAll(s.errors());
            String queryError = old.queryError() != null ? old.queryError() : s.queryError();
            sources.put(key, new SourceState(old.source(), old.worker(), new ArrayList<>(errors), queryError));
        }
        return this;
    }

    SnapshotBuilder add(Relay r) {
        relays.putIfAbsent(key(r.source(), r.worker()), r);
        return this;
    }

    SnapshotBuilder addAll(DmSnapshot s) {
        s.subtasks().forEach(this::add);
        s.sources().forEach(this::add);
        s.relays().forEach(this::add);
        return this;
    }

    DmSnapshot build() {
        return new DmSnapshot(subtasks, new ArrayList<>(relays.values()), new ArrayList<>(sources.values()), List.of());
    }

    private static List<String> key(String source, String worker) {
        return Arrays.asList(Objects.toString(source, ""), Objects.toString(worker, ""));
    }
}
