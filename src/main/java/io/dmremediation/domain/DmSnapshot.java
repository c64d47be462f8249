package io.dmremediation.domain;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Everything one read of DM-master said, in one shape whatever the API or DM version. */
public record DmSnapshot(List<Subtask> subtasks, List<Relay> relays, List<SourceState> sources,
                         List<Worker> workers) {

    public static final DmSnapshot EMPTY = new DmSnapshot(List.of(), List.of(), List.of(), List.of());

    public DmSnapshot {
        subtasks = subtasks == null ? List.of() : List.copyOf(subtasks);
        relays = relays == null ? List.of() : List.copyOf(relays);
        sources = sources == null ? List.of() : List.copyOf(sources);
        workers = workers == null ? List.of() : List.copyOf(workers);
    }

    public Set<String> taskNames() {
        Set<String> names = new LinkedHashSet<>();
        subtasks.forEach(s -> names.add(s.task()));
        return names;
    }

    public List<Subtask> subtasksOf(String task) {
        // pasted error lines (DmStatusJson.parseAny) have no task
        return subtasks.stream().filter(s -> Objects.equals(s.task(), task)).toList();
    }

    public List<Subtask> subtasksOnSource(String source) {
        return subtasks.stream().filter(s -> source.equals(s.source())).toList();
    }

    public Optional<Relay> relayOf(String source) {
        return relays.stream().filter(r -> source.equals(r.source())).findFirst();
    }

    public Optional<Worker> worker(String name) {
        return workers.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** The named tasks' subtasks (every one when none are named); relays, sources and workers stay whole. */
    public DmSnapshot forTasks(java.util.Collection<String> tasks) {
        if (tasks.isEmpty()) {
            return this;
        }
        Set<String> names = new java.util.HashSet<>(tasks);
        List<Subtask> mine = subtasks.stream().filter(s -> names.contains(s.task())).toList();
        return mine.size() == subtasks.size() ? this : new DmSnapshot(mine, relays, sources, workers);
    }

    public DmSnapshot withWorkers(List<Worker> newWorkers) {
        return new DmSnapshot(subtasks, relays, sources, newWorkers);
    }
}
