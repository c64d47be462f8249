package io.dmremediation.sandbox;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** The four FAQ faults the sandbox plays, each with its task, its fault, the fix it expects, and its checks. */
public enum Scenario {

    INVALID_CONNECTION("invalid-connection", "orders", SandboxWorld.SOURCE_1, "RestartTask",
            "the downstream connection breaks after data was sent (FAQ: invalid connection); DM's auto-resume does not"
                    + " get it running again",
            List.of("stop-task orders", "start-task orders.yaml"),
            w -> w.dm().injectInvalidConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE)),
    BAD_CONNECTION("bad-connection", "payments", SandboxWorld.SOURCE_1, "RestartTask",
            "the downstream connection breaks before data was sent (FAQ: driver: bad connection)",
            List.of("stop-task payments", "start-task payments.yaml"),
            w -> w.dm().injectBadConnection("payments", SandboxWorld.SOURCE_1, Integer.MAX_VALUE)),
    RELAY_BINLOG_OVERFLOW("relay-binlog-overflow", "crm", SandboxWorld.SOURCE_2, "FixRelayMeta",
            "an upstream binlog file over 4 GB stops the relay writer at 4 GiB (FAQ: ERROR 1236, relay unit); every"
                    + " re-pull of the file fails there again, so the tasks read it from the upstream with the relay off",
            List.of("stop-relay -s mysql-02 (no worker names: the source config has enable-relay)",
                    "query-status crm until it reads remote past the big file", "start-relay -s mysql-02",
                    "query-status: relay Running after the big file, crm Running"),
            w -> w.dm().injectRelayOverflow(SandboxWorld.SOURCE_2, w.dm().nextBinlogFile(SandboxWorld.SOURCE_2))),
    SYNCER_BINLOG_OVERFLOW("syncer-binlog-overflow", "ledger", SandboxWorld.SOURCE_1, "FixSyncerCheckpoint",
            "the syncer's checkpoint overflowed inside a binlog file over 4 GB (FAQ: binlog checksum mismatch, syncer"
                    + " unit)",
            List.of("stop-task ledger", "back up dm_meta.ledger_syncer_checkpoint rows",
                    "UPDATE the global and table checkpoints: binlog_pos = 4", "set safe-mode: true in ledger.yaml",
                    "start-task ledger.yaml", "wait until the big file is replicated", "stop-task ledger",
                    "set safe-mode back in ledger.yaml", "start-task ledger.yaml"),
            w -> w.dm().injectSyncerOverflow("ledger", SandboxWorld.SOURCE_1, "mysql-bin.000002"));

    private final String id;
    private final String task;
    private final String source;
    private final String playbook;
    private final String description;
    private final List<String> manualSteps;
    private final Consumer<SandboxWorld> fault;

    Scenario(String id, String task, String source, String playbook, String description, List<String> manualSteps,
             Consumer<SandboxWorld> fault) {
        this.id = id;
        this.task = task;
        this.source = source;
        this.playbook = playbook;
        this.description = description;
        this.manualSteps = manualSteps;
        this.fault = fault;
    }

    public String id() {
        return id;
    }

    public String task() {
        return task;
    }

    public String source() {
        return source;
    }

    public String playbook() {
        return playbook;
    }

    public String description() {
        return description;
    }

    /** What a person does by hand, following the FAQ. */
    public List<String> manualSteps() {
        return manualSteps;
    }

    public Duration timeout() {
        return Duration.ofSeconds(120);
    }

    public void inject(SandboxWorld world) {
        fault.accept(world);
    }

    /** {@code all} or one id. */
    public static List<Scenario> select(String name) {
        if ("all".equals(name)) {
            return List.of(values());
        }
        return Arrays.stream(values()).filter(s -> s.id.equals(name)).findFirst().map(List::of)
                .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + name + "'; choose one of "
                        + Arrays.stream(values()).map(Scenario::id).toList() + " or all"));
    }

    /** One DMRemediation guarding the scenarios' tasks. */
    public static DMRemediation resource(SandboxWorld world, String name, List<Scenario> scenarios) {
        return world.remediation(name, scenarios.stream().map(Scenario::task).toArray(String[]::new));
    }

    /** The scenario's outcome: detected, fixed by the expected playbook, and DM confirms the task runs. */
    public Result verify(SandboxWorld world, String resource, int historyBefore, Instant injected, Instant detected) {
        DMRemediationStatus s = world.get(resource).getStatus();
        List<String> problems = new ArrayList<>();
        if (detected == null) {
            problems.add("the operator never reported " + id + " on task " + task);
        }
        HistoryEntry fix = s.history.stream().limit(Math.max(0, s.history.size() - historyBefore))
                .filter(h -> playbook.equals(h.action)).findFirst().orElse(null);
        if (fix == null) {
            problems.add("no " + playbook + " was recorded");
        } else if (!"Succeeded".equals(fix.outcome)) {
            problems.add(playbook + " " + fix.outcome + ": " + fix.detail);
        }
        String stage = world.dm().subtaskStage(task, source);
        if (!"Running".equals(stage) || !world.dm().subtaskErrors(task, source).isEmpty()) {
            problems.add("DM shows task " + task + " " + stage + " with " + world.dm().subtaskErrors(task, source).size()
                    + " error(s)");
        }
        if (this == RELAY_BINLOG_OVERFLOW && !"Running".equals(world.dm().relayStage(source))) {
            problems.add("DM shows the relay of " + source + " " + world.dm().relayStage(source));
        }
        if (this == SYNCER_BINLOG_OVERFLOW && backupTables(world) == 0) {
            problems.add("no backup of the checkpoint rows in " + world.metaSchema());
        }
        Instant fixedAt = fix == null ? null : Instant.parse(fix.time);
        return new Result(this, problems, detected == null ? null : Duration.between(injected, detected),
                fixedAt == null ? null : Duration.between(injected, fixedAt), fix == null ? "" : fix.detail);
    }

    private int backupTables(SandboxWorld world) {
        try (Connection c = world.database().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema ="
                     + " '" + world.metaSchema() + "' AND table_name LIKE '" + task + "_syncer_checkpoint_bak_%'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    /** How a scenario went. */
    public record Result(Scenario scenario, List<String> problems, Duration detectedAfter, Duration fixedAfter,
                         String detail) {

        public boolean passed() {
            return problems.isEmpty();
        }

        public String line() {
            String timing = (detectedAfter == null ? "not detected" : "detected after " + seconds(detectedAfter))
                    + (fixedAfter == null ? "" : ", " + scenario.playbook + " done " + seconds(fixedAfter)
                    + " after the fault");
            String manual = "by hand: " + scenario.manualSteps.size() + " steps (" + String.join("; ",
                    scenario.manualSteps) + ")";
            return (passed() ? "PASS " : "FAIL ") + scenario.id + ": " + timing
                    + (passed() ? "" : " -- " + String.join("; ", problems)) + "\n     " + manual;
        }

        private static String seconds(Duration d) {
            return String.format("%.1fs", d.toMillis() / 1000.0);
        }
    }
}
