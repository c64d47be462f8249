package io.dmremediation.realdm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the differential check, written as a Markdown table to {@code target/real-dm-checks/} so a run's
 * findings can be read (and copied into docs/real-dm-checks.md) without digging through logs.
 */
final class CheckTable {

    record Row(String id, String facts, String sent, String simulator, String real, String verdict, String test) {
    }

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(Row row) {
        rows.add(row);
    }

    synchronized void write(String dmVersion, String flavour) {
        StringBuilder b = new StringBuilder("# Simulator (" + flavour + ") vs real DM " + dmVersion + "\n\n")
                .append("| # | dm-facts | sent | simulator | real DM | verdict | test |\n")
                .append("|---|---|---|---|---|---|---|\n");
        rows.stream().sorted(java.util.Comparator.comparing(Row::id)).forEach(r -> b.append("| ").append(r.id())
                .append(" | ").append(cell(r.facts())).append(" | ").append(cell(r.sent())).append(" | ")
                .append(cell(r.simulator())).append(" | ").append(cell(r.real())).append(" | ")
                .append(cell(r.verdict())).append(" | ").append(cell(r.test())).append(" |\n"));
        try {
            Path dir = Path.of("target", "real-dm-checks");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(dmVersion.replaceAll("[^A-Za-z0-9.-]", "_") + ".md"), b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
