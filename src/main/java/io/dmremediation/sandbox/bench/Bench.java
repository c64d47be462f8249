package io.dmremediation.sandbox.bench;

import io.dmremediation.cli.Args;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The benchmarks of the operator in the sandbox world:
 * <pre>
 * java -cp target/dm-remediation-sandbox.jar io.dmremediation.sandbox.bench.Bench [--full|--quick] [--only NAME[,NAME]]
 *      [--markdown FILE] [--auto-resume-share S] [--scale-size RxT]
 * </pre>
 * {@code detection}: fault in DM-master to the operator's RemediationStarted, per poll interval and after a
 * worker-pod event; {@code scale}: 200 DMRemediations x 10 tasks in one operator (another size with
 * {@code --scale-size 500x20}); {@code checkpoint}: the 10,000-row
 * checkpoint fix; {@code storm}: the downstream away and back under 2,000 tasks on one cluster (storm mode);
 * {@code recovery}: each FAQ scenario end to end, beside the manual procedure. Prints the machine and
 * a table; {@code --markdown} also writes them as Markdown.
 */
public final class Bench {

    /** Each benchmark by name, in the order a run takes them. */
    private static final Map<String, BiFunction<Size, PrintStream, List<Row>>> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put(DetectionBench.NAME, (size, log) -> new DetectionBench(size, log).run());
        BENCHMARKS.put(ScaleBench.NAME, (size, log) -> new ScaleBench(size, log).run());
        BENCHMARKS.put(StormBench.NAME, (size, log) -> new StormBench(size, log).run());
        BENCHMARKS.put(CheckpointBench.NAME, (size, log) -> new CheckpointBench(size, log).run());
        BENCHMARKS.put(RecoveryBench.NAME, (size, log) -> new RecoveryBench(size, log).run());
    }

    public static final List<String> NAMES = List.copyOf(BENCHMARKS.keySet());

    private Bench() {
    }

    public static void main(String[] argv) {
        if (System.getProperty("LOG_LEVEL") == null) {
            // the operator logs every step; the benchmark prints its own progress and the table
            System.setProperty("LOG_LEVEL", "WARN");
            System.setProperty("LIB_LOG_LEVEL", "ERROR");
        }
        int code = run(Arrays.asList(argv), System.out, System.err);
        System.exit(code);
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv, Set.of("only", "markdown", "auto-resume-share", "scale-size"), Set.of("full", "quick", "help"));
        } catch (Args.UsageException e) {
            err.println("bench: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (args.flag("help")) {
            out.print(help());
            return 0;
        }
        if (args.flag("full") && args.flag("quick")) {
            err.println("bench: --full and --quick exclude each other");
            return 2;
        }
        Set<String> only;
        try {
            only = select(args.value("only").orElse(null));
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            return 2;
        }
        Size size = args.flag("quick") ? Size.quick() : Size.full();
        if (args.value("auto-resume-share").isPresent()) {
            try {
                size = size.withAutoResumeShare(Double.parseDouble(args.value("auto-resume-share").get()));
            } catch (IllegalArgumentException e) {
                err.println("bench: --auto-resume-share: " + e.getMessage());
                return 2;
            }
        }
        if (args.value("scale-size").isPresent()) {
            try {
                int[] scale = Size.parseScale(args.value("scale-size").get());
                size = size.withScale(scale[0], scale[1]);
            } catch (IllegalArgumentException e) {
                err.println("bench: --scale-size: " + e.getMessage());
                return 2;
            }
        }
        Report report;
        try {
            report = run(size, only, out);
        } catch (RuntimeException e) {
            e.printStackTrace(err);
            err.println("bench: failed: " + e);
            return 1;
        }
        out.println();
        out.print(report.text());
        long unmeasured = report.rows().stream().filter(r -> Double.isNaN(r.value())).count();
        Optional<String> markdown = args.value("markdown");
        if (markdown.isPresent()) {
            try {
                Files.writeString(Path.of(markdown.get()), report.markdown());
            } catch (IOException e) {
                err.println("bench: could not write " + markdown.get() + ": " + e.getMessage());
                return 1;
            }
        }
        if (unmeasured > 0) {
            err.println("bench: " + unmeasured + " number(s) could not be measured, every run failed: see their notes");
            return 1;
        }
        return 0;
    }

    /** Runs the selected benchmarks at this size; progress lines go to {@code log}. */
    public static Report run(Size size, Set<String> only, PrintStream log) {
        Machine machine = Machine.current();
        log.println("Benchmarks (" + size.name() + ") on: " + String.join("; ", machine.lines()));
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        for (var benchmark : BENCHMARKS.entrySet()) {
            String name = benchmark.getKey();
            if (!only.contains(name)) {
                continue;
            }
            long t = System.nanoTime();
            log.println("== " + name);
            rows.addAll(benchmark.getValue().apply(size, log));
            log.printf("== %s done in %.0f s%n", name, (System.nanoTime() - t) / 1e9);
        }
        return new Report(size.name(), machine, rows, Duration.ofNanos(System.nanoTime() - start));
    }

    static Set<String> select(String only) {
        if (only == null || only.isBlank() || "all".equals(only)) {
            return new LinkedHashSet<>(NAMES);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : only.split(",")) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown benchmark '" + n.trim() + "'; choose from " + NAMES);
            }
            out.add(name);
        }
        return out;
    }

    static String help() {
        return """
                Usage: java -cp target/dm-remediation-sandbox.jar io.dmremediation.sandbox.bench.Bench \\
                           [--full|--quick] [--only NAME[,NAME...]] [--markdown FILE] [--auto-resume-share S]
                           [--scale-size RxT]

                Runs the operator's benchmarks in the in-process sandbox world and prints a table.

                  --full          the sizes BENCHMARKS.md reports (default; about 30 minutes on 2 cores)
                  --quick         reduced sizes, as the test suite runs them (about a minute)
                  --only NAMES    detection, scale, storm, checkpoint, recovery (comma-separated; default all)
                  --auto-resume-share S
                                  storm: the share (0..1) of the paused tasks DM's auto-resume gets running
                                  again once the downstream is back (default 0.8); the rest need a restart
                  --scale-size RxT
                                  scale: R DMRemediations x T tasks each on one cluster instead of the
                                  size's own (full: 200x10, quick: 10x5), e.g. 500x20; T tasks
                                  per resource in the several-clusters variant too
                  --markdown F    also write the machine and the table as Markdown to F
                """;
    }

    /** The outcome of a run: the machine, the rows, how long it took. */
    public record Report(String size, Machine machine, List<Row> rows, Duration took) {

        public String text() {
            StringBuilder b = new StringBuilder();
            b.append("Machine: ").append(String.join("; ", machine.lines())).append('\n');
            b.append("Size: ").append(size).append(", took ").append(took.toSeconds()).append(" s\n\n");
            int w1 = 10;
            int w2 = 6;
            int w3 = 5;
            int w4 = 6;
            for (Row r : rows) {
                w1 = Math.max(w1, r.benchmark().length());
                w2 = Math.max(w2, r.metric().length());
                w3 = Math.max(w3, r.formattedValue().length());
                w4 = Math.max(w4, r.target().length());
            }
            String fmt = "%-" + w1 + "s  %-" + w2 + "s  %" + w3 + "s  %-" + w4 + "s  %-6s  %s%n";
            b.append(String.format(Locale.ROOT, fmt, "benchmark", "metric", "value", "target", "", "note"));
            for (Row r : rows) {
                b.append(String.format(Locale.ROOT, fmt, r.benchmark(), r.metric(), r.formattedValue(), r.target(),
                        r.verdict().label(), r.note()));
            }
            return b.toString();
        }

        public String markdown() {
            StringBuilder b = new StringBuilder();
            b.append("Machine:\n\n");
            machine.lines().forEach(l -> b.append("- ").append(l).append('\n'));
            b.append("- size: ").append(size).append(", the whole run took ").append(took.toSeconds()).append(" s\n\n");
            b.append("| benchmark | metric | value | target | met? | note |\n");
            b.append("|---|---|--:|---|---|---|\n");
            for (Row r : rows) {
                b.append("| ").append(r.benchmark()).append(" | ").append(cell(r.metric())).append(" | ")
                        .append(cell(r.formattedValue())).append(" | ").append(cell(r.target())).append(" | ")
                        .append(r.verdict() == Row.Verdict.MISSED ? "**missed**" : r.verdict().label())
                        .append(" | ").append(cell(r.note())).append(" |\n");
            }
            return b.toString();
        }

        private static String cell(String s) {
            return s.replace("|", "\\|").replace("<", "&lt;");
        }
    }
}
