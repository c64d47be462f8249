package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what kubectl prints for people. */
public final class KubectlOutput {

    private KubectlOutput() {
    }

    /**
     * kubectl's table output as rows of column → cell. Column names may hold single spaces ("LAST SEEN"); columns
     * are at least two spaces apart and cells start where their header starts.
     */
    public static List<Map<String, String>> table(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("a header").isNotEmpty();
        String header = lines.get(0);
        List<String> names = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        Matcher m = Pattern.compile("\\S+(?: \\S+)*").matcher(header);
        while (m.find()) {
            names.add(m.group());
            starts.add(m.start());
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                int from = Math.min(starts.get(i), line.length());
                int to = i + 1 < names.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
                row.put(names.get(i), line.substring(from, to).strip());
            }
            rows.add(row);
        }
        return rows;
    }

    /** The Events table at the end of {@code kubectl describe} (indented, a row of dashes under its header). */
    public static List<Map<String, String>> describeEvents(String describe) {
        int events = describe.indexOf("\nEvents:");
        assertThat(events).as("an Events section").isPositive();
        String section = describe.substring(events + "\nEvents:".length());
        assertThat(section).doesNotStartWith(" <none>").doesNotStartWith("\t<none>");
        return table(String.join("\n", section.lines()
                .filter(l -> !l.isBlank() && !l.strip().matches("-+(\\s+-+)*"))
                .map(l -> l.startsWith("  ") ? l.substring(2) : l).toList()));
    }
}
