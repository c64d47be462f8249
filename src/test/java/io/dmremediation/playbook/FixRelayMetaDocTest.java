package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/fix-relay-meta.md's step table is the code's: the same steps in the same order, each with its phase, the step
 * it goes to next and the recovery step its failure leads to (the prose around them is the doc's own).
 */
class FixRelayMetaDocTest {

    record Row(String step, String phase, String next, String failure) {
    }

    static List<Row> documented() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("project.basedir", "."), "docs", "fix-relay-meta.md"));
        String table = doc.substring(doc.indexOf("## Step table"));
        table = table.substring(0, table.indexOf("\n## ", 3) < 0 ? table.length() : table.indexOf("\n## ", 3));
        List<Row> rows = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            // | step | phase | fencing check | action | next | failure leads to |
            String[] cells = line.split(" \\| ");
            rows.add(new Row(cells[0].replace("| ", "").replace("`", "").strip(), cells[1].strip(), cells[4],
                    cells[5]));
        }
        return rows;
    }

    @Test
    void theDocumentedStepTableIsTheCodes() throws IOException {
        StepTable table = new FixRelayMetaPlaybook().steps();
        List<Row> rows = documented();
        assertThat(rows.stream().map(Row::step).toList())
                .containsExactlyElementsOf(table.steps().stream().map(Step::name).toList());
        for (Row row : rows) {
            Step step = table.get(row.step()).orElseThrow();
            assertThat(row.phase()).as(row.step()).isEqualTo(step.phase().name().toLowerCase().replace('_', ' '));
            if (step.next() != null) {
                assertThat(row.next()).as(row.step() + " next").contains("`" + step.next() + "`");
            }
            if (step.onFailure() != null) {
                assertThat(row.failure()).as(row.step() + " on failure").contains("`" + step.onFailure() + "`");
            }
            for (String target : table.targets(step)) {
                assertThat(row.next() + row.failure()).as(row.step() + " leads to " + target)
                        .contains("`" + target + "`");
            }
        }
    }
}
