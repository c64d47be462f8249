package io.dmremediation.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks at their reduced size: each runs to the end against the real operator in the sandbox world and
 * reports every number it promises, each a sane one. Speed is measured, never asserted.
 */
class BenchTest {

    @Test
    void everyBenchmarkCompletesAndReportsSaneNumbers() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Bench.Report report = Bench.run(Size.quick(), Set.copyOf(Bench.NAMES),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        List<Row> rows = report.rows();

        assertThat(rows).extracting(Row::benchmark).containsOnly(Bench.NAMES.toArray(String[]::new))
                .contains(Bench.NAMES.toArray(String[]::new));
        for (Row r : rows) {
            assertThat(r.value()).as(r.metric()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(r.verdict() == Row.Verdict.INFO).as(r.metric()).isEqualTo(r.target().isEmpty());
        }

        // detection: both intervals' percentiles and the pod event; a latency of 0 would mean nothing was timed
        assertThat(metrics(rows, "detection")).contains("poll 1s: fault -> RemediationStarted p50",
                "poll 1s: fault -> RemediationStarted p99", "worker-pod event (poll 60s): fault -> RemediationStarted p99");
        assertThat(rows).filteredOn(r -> r.benchmark().equals("detection"))
                .allSatisfy(r -> assertThat(r.value()).as(r.metric()).isGreaterThan(0).isLessThan(60_000));

        // scale: one cluster and several; the poll count is whole cycles' worth, the heap a real size
        Row polls = row(rows, "10 x 5 tasks, 1 cluster: DM-master status polls per cycle per cluster");
        assertThat(polls.value()).isGreaterThan(0);
        assertThat(row(rows, "8 x 5 tasks, 2 clusters: DM-master status polls per cycle per cluster").value())
                .isGreaterThan(0);
        assertThat(row(rows, "10 x 5 tasks, 1 cluster: heap after GC, whole process").value()).isGreaterThan(1);
        assertThat(row(rows, "10 x 5 tasks, 1 cluster: converge after operator restart").value()).isGreaterThan(0);
        assertThat(row(rows, "10 x 5 tasks, 1 cluster, every task paused: DM-master requests per cycle per cluster")
                .value()).as("the poll goes on while every task waits").isGreaterThan(0);

        // storm: the downstream away and back; every task ran again, the stuck half restarted by the operator
        String storm = "4 x 5 tasks, 1 cluster, downstream away 5s, 50% auto-resumed: ";
        Row back = row(rows, storm + "downstream back -> every task running");
        assertThat(back.value()).isGreaterThan(0);
        assertThat(back.note()).startsWith("10 of 20 stayed paused after DM's auto-resume and were restarted");
        assertThat(row(rows, storm + "DM-master requests per cycle during the outage").value())
                .as("the poll goes on while the tasks wait").isGreaterThan(0);
        assertThat(row(rows, storm + "downstream away -> incident on every resource").note())
                .startsWith("1 incident(s) counted").contains("0 tasks stopped while the downstream was away");
        assertThat(row(rows, storm + "heap after GC, whole process").value()).isGreaterThan(1);

        // checkpoint: the total and its parts; the parts cannot exceed the whole
        Row total = row(rows, "1,000 table rows: connect + backup + rewrite + verify (median)");
        assertThat(total.value()).isGreaterThan(0);
        double parts = rows.stream().filter(r -> r.metric().startsWith("1,000 table rows:   of which"))
                .mapToDouble(Row::value).sum();
        assertThat(parts).isGreaterThan(0).isLessThanOrEqualTo(total.value() + 1);

        // recovery: every FAQ scenario recovered, beside its manual procedure
        for (String id : List.of("invalid-connection", "bad-connection", "relay-binlog-overflow",
                "syncer-binlog-overflow")) {
            Row p50 = rows.stream().filter(r -> r.metric().startsWith(id + " (") && r.metric().endsWith("p50"))
                    .findFirst().orElseThrow();
            assertThat(p50.value()).as(id).isGreaterThan(0);
            assertThat(p50.note()).as(id).startsWith("1 of 1 runs recovered");
            assertThat(rows).filteredOn(r -> r.metric().startsWith(id + " (")
                    && r.metric().endsWith("commands by hand (FAQ)")).singleElement()
                    .satisfies(r -> assertThat(r.value()).isGreaterThanOrEqualTo(2));
        }

        assertThat(report.text()).contains("benchmark", "target").contains(report.machine().cpu());
        assertThat(report.markdown()).contains("| benchmark | metric | value | target | met? | note |");
    }

    @Test
    void theCommandLineRejectsWhatItDoesNotKnowAndWritesMarkdown(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(Bench.run(List.of("--only", "nonsense"), o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown benchmark 'nonsense'");
        assertThat(Bench.run(List.of("--full", "--quick"), o, e)).isEqualTo(2);
        assertThat(Bench.run(List.of("--help"), o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("io.dmremediation.sandbox.bench.Bench");

        Path md = dir.resolve("bench.md");
        assertThat(Bench.run(List.of("--quick", "--only", "checkpoint", "--markdown", md.toString()), o, e)).isZero();
        assertThat(Files.readString(md)).contains("| checkpoint |", "cores");
    }

    private static List<String> metrics(List<Row> rows, String benchmark) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark)).map(Row::metric).toList();
    }

    private static Row row(List<Row> rows, String metric) {
        return rows.stream().filter(r -> r.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + metric + "' in " + rows.stream().map(Row::metric)
                        .toList()));
    }
}
