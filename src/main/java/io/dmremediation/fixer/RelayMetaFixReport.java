package io.dmremediation.fixer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of a relay.meta fix. {@code before}/{@code after} are relay.meta's keys and values;
 * {@code relayBinlog} describes the affected file's relay copy in the sub-dir (present or not, its size).
 */
public record RelayMetaFixReport(
        FixOutcome outcome,
        String relayDir,
        String subDir,
        String metaFile,
        String binlogFile,
        Long position,
        String backupFile,
        boolean backupCreated,
        Map<String, Object> before,
        Map<String, Object> after,
        Map<String, Object> relayBinlog,
        String message) implements FixReport {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", outcome.wire());
        m.put("relayDir", relayDir);
        m.put("subDir", subDir);
        m.put("metaFile", metaFile);
        m.put("binlogFile", binlogFile);
        m.put("position", position);
        m.put("backupFile", backupFile);
        m.put("backupCreated", backupCreated);
        m.put("before", before);
        m.put("after", after);
        m.put("relayBinlog", relayBinlog);
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
        m.put("subDir", subDir);
        m.put("backupFile", backupFile);
        m.put("backupCreated", backupCreated);
        m.put("binlogPosBefore", before == null ? null : before.get(RelayMeta.POS_KEY));
        m.put("binlogPosAfter", after == null ? null : after.get(RelayMeta.POS_KEY));
        return m;
    }
}
