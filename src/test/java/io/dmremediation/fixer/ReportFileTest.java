package io.dmremediation.fixer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFileTest {

    @TempDir
    Path tmp;

    private static CheckpointFixReport report(String message, int rows) {
        CheckpointRow row = new CheckpointRow("s", "db", "t", "mysql-bin.000001", 4L, "", "", 0L, false);
        List<CheckpointRow> many = Collections.nCopies(rows, row);
        return new CheckpointFixReport(FixOutcome.FIXED, "dm_meta", "orders_syncer_checkpoint", "s",
                "mysql-bin.000001", 4L, "orders_syncer_checkpoint_bak_r", true, many, many, many, message);
    }

    @Test
    void theSummaryFitsTheTerminationLogEvenForHugeReports() {
        String message = "é".repeat(10_000);
        String summary = ReportFile.summary(report(message, 10_000));
        assertThat(summary.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ReportFile.MAX_BYTES);
        var json = CommandRun.parse(summary);
        assertThat(json.get("result").asText()).isEqualTo("fixed");
        assertThat(json.get("affected").asInt()).isEqualTo(10_000);
        assertThat(json.get("message").asText()).startsWith("ééé").endsWith("…").hasSizeGreaterThan(1500);
    }

    @Test
    void truncationCountsJsonEscapesAndNeverSplitsACodePoint() {
        // control characters grow sixfold as JSON escapes
        String escaped = ReportFile.summary(report("\u0001".repeat(5000), 1));
        assertThat(escaped.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ReportFile.MAX_BYTES)
                .isGreaterThan(ReportFile.MAX_BYTES - 16);

        String emoji = CommandRun.parse(ReportFile.summary(report("\uD83D\uDE00".repeat(3000), 1)))
                .get("message").asText();
        assertThat(emoji).endsWith("…");
        String body = emoji.substring(0, emoji.length() - 1);
        assertThat(body.length() % 2).isZero();
        assertThat(body.codePoints()).containsOnly(0x1F600);
    }

    @Test
    void aShortMessageIsKeptWhole() {
        assertThat(CommandRun.parse(ReportFile.summary(report("fixed: all good", 3))).get("message").asText())
                .isEqualTo("fixed: all good");
    }

    @Test
    void writesOnlyWhenAskedAndReplacesEarlierContent() throws Exception {
        Path file = Files.writeString(tmp.resolve("termination-log"), "x".repeat(8000));
        assertThat(ReportFile.writeIfRequested(Environment.of(Map.of()), report("m", 1))).isEmpty();
        assertThat(Files.size(file)).isEqualTo(8000);

        assertThat(ReportFile.writeIfRequested(Environment.of(Map.of("DMR_REPORT_FILE", file.toString())),
                report("m", 1))).isEmpty();
        assertThat(Files.readString(file)).startsWith("{\"result\":\"fixed\"").endsWith("}");
    }
}
