package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checkpoints kept in memory, for a simulator started without a downstream. */
final class MemoryCheckpointStore implements CheckpointStore {

    private final Map<String, Map<String, CheckpointRow>> tables = new HashMap<>();

    @Override
    public synchronized List<CheckpointRow> load(String metaSchema, String task, String sourceId) {
        Map<String, CheckpointRow> t = tables.computeIfAbsent(key(metaSchema, task), k -> new LinkedHashMap<>());
        List<CheckpointRow> rows = new ArrayList<>();
        t.forEach((k, v) -> {
            if (k.startsWith(sourceId + "\0")) {
                rows.add(v);
            }
        });
        return rows;
    }

    @Override
    public synchronized void save(String metaSchema, String task, String sourceId, List<CheckpointRow> rows) {
        Map<String, CheckpointRow> t = tables.computeIfAbsent(key(metaSchema, task), k -> new LinkedHashMap<>());
        for (CheckpointRow r : rows) {
            t.put(sourceId + "\0" + r.cpSchema() + "\0" + r.cpTable(), r);
        }
    }

    @Override
    public synchronized void drop(String metaSchema, String task) {
        tables.remove(key(metaSchema, task));
    }

    /** Lets tests without a database edit a checkpoint the way an operator would edit the table. */
    synchronized void edit(String metaSchema, String task, String sourceId, String binlogName, long pos) {
        Map<String, CheckpointRow> t = tables.computeIfAbsent(key(metaSchema, task), k -> new LinkedHashMap<>());
        t.replaceAll((k, r) -> k.startsWith(sourceId + "\0")
                ? new CheckpointRow(r.cpSchema(), r.cpTable(), binlogName, pos, r.binlogGtid(), r.global()) : r);
    }

    private static String key(String metaSchema, String task) {
        return metaSchema + "." + task;
    }
}
