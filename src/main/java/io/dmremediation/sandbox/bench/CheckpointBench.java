package io.dmremediation.sandbox.bench;

import io.dmremediation.fixer.CheckpointFixReport;
import io.dmremediation.fixer.CheckpointFixRequest;
import io.dmremediation.fixer.CheckpointFixer;
import io.dmremediation.fixer.DownstreamSettings;
import io.dmremediation.fixer.FixOutcome;
import io.dmremediation.fixer.GtidMode;
import io.dmremediation.sandbox.EmbeddedMariaDb;
import io.dmremediation.sandbox.dmmaster.CheckpointTable;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The FAQ's checkpoint fix as the repair Job runs it ({@link CheckpointFixer}, against the embedded MariaDB): a
 * source with 10,000 table rows plus its global row in {@code <task>_syncer_checkpoint}, nine in ten of them in the
 * affected binlog file; connect, back up the source's rows, rewrite those in the file in one transaction, read them
 * back and compare. Each run gets a fresh schema; the median run is reported, with where its time went (the time
 * inside the JDBC calls of each phase, and the rest: Java work on the rows).
 */
record CheckpointBench(Size size, PrintStream log) {

    static final String NAME = "checkpoint";
    private static final String TASK = "bench";
    private static final String SOURCE = "mysql-replica-01";
    private static final String FILE = "mysql-bin.004451";
    private static final String PREVIOUS_FILE = "mysql-bin.004450";
    private static final double TARGET_MS = 2000;

    List<Row> run() {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        DownstreamSettings settings = db.adminSettings();
        int rows = size.checkpointRows();
        List<Map<String, Double>> runs = new ArrayList<>();
        try {
            if (size.warmup()) {
                // one run nobody counts: class loading and JIT
                once(db, settings, Math.min(rows, 1000), "w");
            }
            for (int i = 0; i < size.checkpointRuns(); i++) {
                Map<String, Double> run = once(db, settings, rows, String.valueOf(i));
                log.printf("[checkpoint] run %d: %s%n", i + 1, run);
                runs.add(run);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("checkpoint benchmark: " + e.getMessage(), e);
        }
        runs.sort((a, b) -> Double.compare(a.get("total"), b.get("total")));
        Map<String, Double> median = runs.get((runs.size() - 1) / 2);
        List<Double> totals = runs.stream().map(r -> r.get("total")).toList();
        List<Row> out = new ArrayList<>();
        String what = String.format(Locale.ROOT, "%,d table rows: ", rows);
        out.add(Row.atMost(NAME, what + "connect + backup + rewrite + verify (median)", median.get("total"), "ms",
                TARGET_MS, runs.size() + " runs, min " + Row.format(Stats.min(totals), "ms") + ", max "
                        + Row.format(Stats.max(totals), "ms") + "; " + Math.round(rows * 0.9 + 1)
                        + " rows rewritten, the rest in another file left alone"));
        StringBuilder breakdown = new StringBuilder();
        for (String phase : List.of("connect", "checks", "backup", "rewrite", "verify", "java")) {
            out.add(Row.info(NAME, what + "  of which " + phase, median.get(phase), "ms", describe(phase)));
            breakdown.append(phase).append(' ').append(Math.round(median.get(phase))).append(" ms; ");
        }
        log.println("[checkpoint] median run: " + breakdown);
        return out;
    }

    private static String describe(String phase) {
        return switch (phase) {
            case "connect" -> "TCP + TLS-less handshake + login";
            case "checks" -> "table exists; first unlocked read of the source's rows (refusals happen here)";
            case "backup" -> "CREATE TABLE ... LIKE, INSERT ... SELECT, count check, RENAME";
            case "rewrite" -> "SELECT ... FOR UPDATE, one UPDATE, COMMIT";
            case "verify" -> "read the backup and the rows back inside the transaction";
            case "java" -> "building and comparing the row maps, the report";
            default -> "";
        };
    }

    /** One fix of a fresh schema; milliseconds per phase and in total. */
    private Map<String, Double> once(EmbeddedMariaDb db, DownstreamSettings settings, int rows, String run)
            throws SQLException {
        String schema = "bench_cp_" + ProcessHandle.current().pid() + "_" + run;
        prepare(db, schema, rows);
        long t0 = System.nanoTime();
        Connection raw = settings.connect();
        long connected = System.nanoTime();
        Timings timings = new Timings();
        CheckpointFixReport report;
        try {
            report = new CheckpointFixer().fix(timings.wrap(raw),
                    CheckpointFixRequest.of(schema, TASK, SOURCE, FILE, 4, "r" + run, GtidMode.UNKNOWN));
        } finally {
            raw.close();
        }
        long end = System.nanoTime();
        if (report.outcome() != FixOutcome.FIXED) {
            throw new IllegalStateException("the fix did not apply: " + report.message());
        }
        if (report.after().size() != rows - rows / 10 + 1) {
            throw new IllegalStateException("expected " + (rows - rows / 10 + 1) + " rewritten rows, the fix reports "
                    + report.after().size());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("total", (end - t0) / 1e6);
        out.put("connect", (connected - t0) / 1e6);
        double sql = 0;
        for (String phase : List.of("checks", "backup", "rewrite", "verify")) {
            double ms = timings.nanos.getOrDefault(phase, 0L) / 1e6;
            out.put(phase, ms);
            sql += ms;
        }
        out.put("java", (end - connected) / 1e6 - sql);
        try (Connection c = db.adminConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA `" + schema + "`");
        }
        return out;
    }

    /** DM's checkpoint table with the global row and {@code rows} table rows of the source. */
    private static void prepare(EmbeddedMariaDb db, String schema, int rows) throws SQLException {
        try (Connection c = db.adminConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS `" + schema + "`");
            CheckpointTable.createIfAbsent(c, schema, TASK);
            CheckpointTable.fillForOverflow(c, schema, TASK, SOURCE, FILE, PREVIOUS_FILE, rows);
        }
    }

    /**
     * Times the fixer's JDBC calls by phase, from the SQL they run: a proxy around the connection and its statements.
     */
    private static final class Timings {

        final Map<String, Long> nanos = new LinkedHashMap<>();
        private boolean backupDone;
        private boolean updated;

        Connection wrap(Connection c) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                        if ("commit".equals(m.getName())) {
                            return timed("rewrite", c, m, args);
                        }
                        Object result = call(c, m, args);
                        if ("prepareStatement".equals(m.getName()) && result instanceof PreparedStatement ps) {
                            return statement(ps, PreparedStatement.class, (String) args[0]);
                        }
                        if ("createStatement".equals(m.getName()) && result instanceof Statement st) {
                            return statement(st, Statement.class, null);
                        }
                        return result;
                    });
        }

        private <T extends Statement> T statement(T target, Class<T> type, String prepared) {
            InvocationHandler h = (proxy, m, args) -> {
                if (m.getName().startsWith("execute")) {
                    String sql = prepared != null ? prepared : args != null && args.length > 0 && args[0] instanceof String s
                            ? s : "";
                    return timed(phase(sql), target, m, args);
                }
                return call(target, m, args);
            };
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
        }

        private String phase(String sql) {
            String s = sql.toUpperCase(Locale.ROOT);
            if (s.startsWith("UPDATE")) {
                updated = true;
                return "rewrite";
            }
            if (s.contains("FOR UPDATE")) {
                return "rewrite";
            }
            if (s.startsWith("CREATE") || s.startsWith("INSERT") || s.startsWith("RENAME") || s.startsWith("DROP")
                    || s.contains("COUNT(*)")) {
                if (s.startsWith("RENAME")) {
                    backupDone = true;
                }
                return "backup";
            }
            if (!backupDone || s.contains("INFORMATION_SCHEMA")) {
                return "checks";
            }
            return updated || s.contains("_BAK_") ? "verify" : "rewrite";
        }

        private Object timed(String phase, Object target, Method m, Object[] args) throws Throwable {
            long t = System.nanoTime();
            try {
                return call(target, m, args);
            } finally {
                nanos.merge(phase, System.nanoTime() - t, Long::sum);
            }
        }

        private static Object call(Object target, Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
