package io.dmremediation.fixer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a checkpoint fix. {@code before}/{@code after} are the rows in the affected file (the global row
 * and the table rows DM will re-read the file for), {@code untouched} the source's rows in other files.
 * Never contains credentials.
 */
public record CheckpointFixReport(
        FixOutcome outcome,
        String schema,
        String table,
        String source,
        String binlogFile,
        Long position,
        String backupTable,
        boolean backupCreated,
        List<CheckpointRow> before,
        List<CheckpointRow> after,
        List<CheckpointRow> untouched,
        String message) implements FixReport {

    public CheckpointFixReport {
        before = List.copyOf(before);
        after = List.copyOf(after);
        untouched = List.copyOf(untouched);
    }

    /** A refusal before anything was read: only what the request said. */
    static CheckpointFixReport refusedEarly(String schema, String table, String source, String binlogFile,
                                           Long position, String backupTable, String message) {
        return new CheckpointFixReport(FixOutcome.REFUSED, schema, table, source, binlogFile, position, backupTable,
                false, List.of(), List.of(), List.of(), message);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", outcome.wire());
        m.put("schema", schema);
        m.put("table", table);
        m.put("source", source);
        m.put("binlogFile", binlogFile);
        m.put("position", position);
        m.put("backupTable", backupTable);
        m.put("backupCreated", backupCreated);
        m.put("before", before.stream().map(CheckpointRow::toReport).toList());
        m.put("after", after.stream().map(CheckpointRow::toReport).toList());
        m.put("untouched", untouched.stream().map(CheckpointRow::toReport).toList());
        m.put("message", message);
        return m;
    }

    @Override
    public String toJson() {
        return Json.write(toMap());
    }

    @Override
    public Map<String, Object> summaryFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", outcome.wire());
        m.put("backupTable", backupTable);
        m.put("backupCreated", backupCreated);
        m.put("rewritten", outcome == FixOutcome.FIXED
                ? before.stream().filter(r -> !java.util.Objects.equals(r.binlogPos(), position)).count() : 0);
        m.put("affected", before.size());
        m.put("untouched", untouched.size());
        return m;
    }
}
