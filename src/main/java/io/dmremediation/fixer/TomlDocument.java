package io.dmremediation.fixer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed file of the {@link TomlSubset}: the original lines plus, for each key, where its value sits in its
 * line. Changing a value rewrites only that span, so comments, unknown keys, their order and the formatting DM
 * wrote survive an edit byte for byte.
 */
public final class TomlDocument {

    /** Where one key's value is: line index and the value's character span in that line. */
    record Entry(int line, int valueStart, int valueEnd, Object value) {
    }

    private final List<String> lines;
    private final List<String> terminators;
    private final Map<String, Entry> entries;

    TomlDocument(List<String> lines, List<String> terminators, Map<String, Entry> entries) {
        this.lines = List.copyOf(lines);
        this.terminators = List.copyOf(terminators);
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Keys in file order with their values: {@link String}, {@link Long} or {@link Boolean}. */
    public Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        entries.forEach((k, e) -> m.put(k, e.value()));
        return m;
    }

    public Optional<Object> get(String key) {
        return Optional.ofNullable(entries.get(key)).map(Entry::value);
    }

    /** A copy with an existing integer key set to {@code value}; everything else unchanged. */
    public TomlDocument withInteger(String key, long value) {
        Entry e = entries.get(key);
        if (e == null || !(e.value() instanceof Long)) {
            throw new IllegalArgumentException("no integer key " + key);
        }
        String line = lines.get(e.line());
        String text = Long.toString(value);
        List<String> newLines = new ArrayList<>(lines);
        newLines.set(e.line(), line.substring(0, e.valueStart()) + text + line.substring(e.valueEnd()));
        Map<String, Entry> newEntries = new LinkedHashMap<>(entries);
        int delta = text.length() - (e.valueEnd() - e.valueStart());
        // only the edited entry lives on this line (one key per line), so no other span moves
        newEntries.put(key, new Entry(e.line(), e.valueStart(), e.valueEnd() + delta, value));
        return new TomlDocument(newLines, terminators, newEntries);
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(lines.get(i)).append(terminators.get(i));
        }
        return b.toString();
    }
}
