package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.api.StoppedTask;
import io.dmremediation.domain.DmError;
import io.dmremediation.playbook.FixRelayMetaPlaybook;
import io.dmremediation.playbook.FixSyncerCheckpointPlaybook;
import io.dmremediation.playbook.Playbook;
import io.dmremediation.playbook.RestartTaskPlaybook;
import io.dmremediation.playbook.Step;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The safety promises, proven as a matrix rather than by hand-picked cases: every step of every playbook × every
 * fault (an exception, a refusal, a refusal that persists, a timeout, a crash before and after the step's action,
 * the resource's deletion, a spec change, the loss of leadership) is played on the fast layer, and after each the
 * world is checked as a careful person would check it:
 * <ul>
 *   <li>every task the operator stopped is held by DM again, or it is listed in {@code status.leftStopped} with
 *       condition {@code TaskLeftStopped}, a {@code TaskLeftStopped} Event, and its saved config intact in the
 *       Secret named there;</li>
 *   <li>a saved-config Secret exists only while a task is left stopped;</li>
 *   <li>no start without safe mode over a rewound checkpoint, no start with the masked password, no start-task of a
 *       task DM still holds, the fix Job created at most once;</li>
 *   <li>a deleted resource goes only when nothing it stopped is left stopped.</li>
 * </ul>
 * The outcome of each cell is written to {@code docs/safety-matrix.md}; the test fails when that file is not what
 * the code does (regenerate with {@code -Dsafety.matrix.write=true}).
 */
class SafetyMatrixTest {

    static final String TASK = "orders";
    /** A second task on the relay's source, paused by its own error and still needing the big file. */
    static final String HELD = "audit";
    /** What the syncer's relay reader reports when the relay log it reads is cut short (11034, dm-facts §5). */
    static final DmError RELAY_READER = new DmError(11034, "functional", "internal", "high",
            "file size of relay log mysql-bin.000001 become smaller", "", "");
    static final DmError INVALID_CONNECTION = new DmError(10006, "database", "not-set", "high",
            "execute statement failed: commit", "invalid connection", "");
    /** MySQL's answer to a dump from inside an event, as the syncer reports it (36069, the text in Message). */
    static final DmError OVERFLOW = new DmError(36069, "sync-unit", "upstream", "high",
            "get binlog event error: ERROR 1236 (HY000): binlog truncated in the middle of event; consider out of "
                    + "disk space on master; the first event 'mysql-bin.000001' at 4000, the last event read from "
                    + "'/var/lib/mysql/mysql-bin.000001' at 4, the last byte read from '/var/lib/mysql/mysql-bin.000001' "
                    + "at 4019.", "", "");
    static final String CONFIG = """
            name: orders
            task-mode: incremental
            meta-schema: dm_meta
            target-database:
              host: tidb
              port: 4000
              user: root
              password: "%s"
            mysql-instances:
              - source-id: mysql-01
                syncer-config-name: sync-01
            syncers:
              sync-01:
                worker-count: 16
                safe-mode: false
            """.formatted(FastWorld.PASSWORD);

    /**
     * A playbook's scenario: how the world breaks so that the operator runs it, and the routes to the steps a run
     * without faults does not reach (each route a change to the world that leads the playbook there).
     */
    record Scenario(String name, Playbook playbook, Consumer<FastWorld> breakIt, List<Route> routes, List<String> tasks,
                    Consumer<io.dmremediation.api.DMRemediationSpec> spec) {

        Scenario(String name, Playbook playbook, Consumer<FastWorld> breakIt, List<Route> routes) {
            this(name, playbook, breakIt, routes, List.of(TASK), x -> { });
        }

        void create(FastWorld w) {
            w.create("guard", tasks, spec);
        }
    }

    /** A storm-mode batch: three tasks of the resource restarted by one RestartTask remediation. */
    static final List<String> BATCH = List.of(TASK, "payments", "refunds");

    /** A way into the recovery steps: the fault (or world change) that leads there. */
    record Route(String name, Consumer<FastWorld> apply) {
        static Route fault(FaultPlan.Kind kind, String step, String op) {
            return new Route(kind + " at " + step, w -> w.plans.add(new FaultPlan(kind, step, op, 0)));
        }
    }

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("RestartTask (invalid connection)", new RestartTaskPlaybook(), w -> {
                w.dm.addTask(TASK, CONFIG);
                w.dm.breakTask(TASK, INVALID_CONNECTION);
            }, List.of()),
            new Scenario("FixSyncerCheckpoint (binlog over 4 GB, syncer)", new FixSyncerCheckpointPlaybook(), w -> {
                w.dm.addTask(TASK, CONFIG);
                w.dm.breakTask(TASK, OVERFLOW);
                w.dm.errorAfterStart.put(TASK, OVERFLOW);
            }, List.of(
                    // the fix Job ends with its outcome unknown after it committed: inspect says applied
                    Route.fault(FaultPlan.Kind.TIMEOUT, FixSyncerCheckpointPlaybook.WAIT_JOB, "k8s.jobState"),
                    // the fix Job is refused: inspect says not applied, the original config comes back
                    Route.fault(FaultPlan.Kind.REFUSAL, FixSyncerCheckpointPlaybook.WAIT_JOB, "k8s.jobState"),
                    // DM refuses the original config after the replay: safe mode beats stopped
                    new Route("DM refuses starts without safe mode", w -> w.dm.refuseUnsafeStarts = true))),
            new Scenario("FixRelayMeta (binlog over 4 GB, relay)", new FixRelayMetaPlaybook(), w -> {
                w.dm.relayByConfig = true;
                w.dm.relayOn = true;
                w.dm.relayError = InMemoryDmMaster.RELAY_OVERFLOW;
                // a reader (it reads the big file from the upstream while the relay is off) and a held task
                w.dm.addTask(TASK, CONFIG);
                w.dm.addTask(HELD, CONFIG.replace("name: orders", "name: " + HELD));
                w.dm.breakTask(HELD, RELAY_READER);
            }, List.of(
                    // DM refuses to turn the relay off: the recovery path
                    Route.fault(FaultPlan.Kind.REFUSAL, FixRelayMetaPlaybook.RELAY_OFF, "disableRelay"))),
            new Scenario("RestartTask, a storm-mode batch of three tasks (invalid connection)",
                    new RestartTaskPlaybook(), w -> {
                for (String t : BATCH) {
                    w.dm.addTask(t, CONFIG.replace("name: orders", "name: " + t));
                    w.dm.breakTask(t, INVALID_CONNECTION);
                }
            }, List.of(), BATCH, spec -> {
                // three of three tasks failing at once is an incident; its checks pass at once, no auto-resume wait
                spec.storm = new io.dmremediation.api.StormSettings();
                spec.storm.minTasks = 2;
                spec.storm.waitForAutoResume = "0s";
                spec.storm.batchInterval = "1s";
            }));

    @Test
    void everyStepOfEveryPlaybookSurvivesEveryFault() throws Exception {
        StringBuilder doc = new StringBuilder(header());
        List<String> broken = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (Scenario scenario : SCENARIOS) {
                Map<String, Reached> reached = reach(scenario);
                doc.append("\n## ").append(scenario.name()).append("\n\n| step | phase |");
                for (FaultPlan.Kind k : FaultPlan.Kind.values()) {
                    doc.append(' ').append(k.name().toLowerCase().replace('_', ' ')).append(" |");
                }
                doc.append("\n|---|---|").append("---|".repeat(FaultPlan.Kind.values().length)).append('\n');
                Map<String, java.util.concurrent.Future<Cell>> cells = new LinkedHashMap<>();
                for (Step step : scenario.playbook().steps().steps()) {
                    for (FaultPlan.Kind kind : FaultPlan.Kind.values()) {
                        cells.put(step.name() + "/" + kind, pool.submit(() -> play(scenario, step.name(), kind,
                                reached.get(step.name()))));
                    }
                }
                for (Step step : scenario.playbook().steps().steps()) {
                    Reached r = reached.get(step.name());
                    doc.append("| ").append(step.name()).append(r != null && r.route() != null ? " ¹" : "")
                            .append(" | ").append(step.phase().name().toLowerCase().replace('_', ' ')).append(" |");
                    for (FaultPlan.Kind kind : FaultPlan.Kind.values()) {
                        Cell cell = cells.get(step.name() + "/" + kind).get();
                        doc.append(' ').append(cell.label()).append(" |");
                        cell.problems().forEach(p -> broken.add(scenario.playbook().remedy().id() + " / "
                                + step.name() + " / " + kind + ": " + p));
                    }
                    doc.append('\n');
                }
                List<String> routes = reached.values().stream().filter(r -> r.route() != null)
                        .map(r -> r.route().name()).distinct().toList();
                if (!routes.isEmpty()) {
                    doc.append("\n¹ reached only after a first fault: ").append(String.join("; ", routes))
                            .append(".\n");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        doc.append(legend());
        Path file = Path.of("docs", "safety-matrix.md");
        if (Boolean.getBoolean("safety.matrix.write")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, doc.toString(), StandardCharsets.UTF_8);
        }
        System.out.println(doc);
        System.out.println("requests=" + FastWorld.requests());
        System.out.println("cycles=" + FastWorld.CYCLES.get() + " cycle ms total=" + FastWorld.CYCLE_NANOS.get() / 1_000_000);
        assertThat(broken).as("safety invariants broken").isEmpty();
        assertThat(Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "")
                .as("docs/safety-matrix.md is what the code does (regenerate: mvn test -Dtest=SafetyMatrixTest "
                        + "-Dsafety.matrix.write=true)").isEqualTo(doc.toString());
        assertThat(doc.toString()).as("every step is reached by the clean run or a route").doesNotContain("| n/a |", "| not reached |");
    }

    /** Which route reaches a step, and the calls the step made there. */
    record Reached(Route route, List<FaultPlan.Call> calls) {
    }

    /**
     * The playbook without faults (it must succeed), then each route: for every step, the first run that reaches
     * it and the calls it made.
     */
    private Map<String, Reached> reach(Scenario scenario) {
        Map<String, Reached> reached = new LinkedHashMap<>();
        List<Route> runs = new ArrayList<>();
        runs.add(null);
        runs.addAll(scenario.routes());
        for (Route route : runs) {
            FastWorld w = new FastWorld();
            w.recording = true;
            scenario.breakIt().accept(w);
            if (route != null) {
                route.apply().accept(w);
            }
            scenario.create(w);
            w.runUntil(r -> r != null && r.getStatus() != null && finished(r.getStatus()) != null, 600);
            if (route == null) {
                assertThat(finished(w)).as(scenario.name() + " without faults").isNotNull();
                assertThat(finished(w).outcome).as(scenario.name() + " without faults: " + finished(w).detail)
                        .isEqualTo("Succeeded");
            }
            Map<String, List<FaultPlan.Call>> byStep = new LinkedHashMap<>();
            for (FaultPlan.Call c : w.calls) {
                if (c.step() != null) {
                    byStep.computeIfAbsent(c.step(), k -> new ArrayList<>()).add(c);
                }
            }
            byStep.forEach((step, calls) -> reached.putIfAbsent(step, new Reached(route, calls)));
            w.close();
        }
        return reached;
    }

    /** One cell: the fault at the step's target call, played to the end, then judged. */
    private Cell play(Scenario scenario, String step, FaultPlan.Kind kind, Reached reached) {
        if (reached == null) {
            return new Cell("n/a", List.of());
        }
        List<FaultPlan.Call> calls = reached.calls();
        FaultPlan.Call target = target(kind, calls);
        if (target == null) {
            return new Cell("n/a", List.of());
        }
        int index = (int) calls.subList(0, calls.indexOf(target)).stream().filter(c -> c.op().equals(target.op()))
                .count();
        FastWorld w = new FastWorld();
        FaultPlan plan = new FaultPlan(kind, step, target.op(), index);
        plan.hook = switch (kind) {
            case DELETION -> w::delete;
            case SPEC_CHANGE -> w::changeSpec;
            case LEADERSHIP_LOSS -> () -> {
                // the new leader runs a whole cycle while the old one is still mid-step; the old one then finds
                // its view stale (its next write conflicts) and stops
                w.newProcess();
                w.cycle();
            };
            default -> () -> { };
        };
        scenario.breakIt().accept(w);
        if (reached.route() != null) {
            reached.route().apply().accept(w);
        }
        w.plans.add(plan);
        scenario.create(w);
        w.runUntil(SafetyMatrixTest::settled, 800);
        // time for what follows a first outcome (a retry, a Secret let go), then judge
        for (int i = 0; i < 3; i++) {
            w.clock.advance(java.time.Duration.ofMinutes(2));
            w.cycle();
        }
        w.runUntil(r -> r == null || r.getStatus() == null || r.getStatus().active == null, 800);
        Cell cell = judge(w, plan, scenario.tasks());
        w.close();
        return cell;
    }

    /**
     * The call the fault hits: the step's first action; for a fault about the operator rather than the action
     * (deletion, spec change, lost leadership) and for steps that send no action, the step's first call; a crash
     * after a step without an action hits the moment after the step, before its outcome is on record.
     */
    private static FaultPlan.Call target(FaultPlan.Kind kind, List<FaultPlan.Call> calls) {
        List<FaultPlan.Call> real = calls.stream().filter(c -> !c.op().startsWith("afterStep:")).toList();
        FaultPlan.Call firstAction = real.stream().filter(FaultPlan.Call::action).findFirst().orElse(null);
        FaultPlan.Call first = real.isEmpty() ? null : real.get(0);
        FaultPlan.Call after = calls.stream().filter(c -> c.op().startsWith("afterStep:")).findFirst().orElse(null);
        return switch (kind) {
            case CRASH_AFTER -> firstAction != null ? firstAction : after;
            case REFUSAL, PERSISTENT_REFUSAL, TIMEOUT, CRASH_BEFORE -> firstAction != null ? firstAction : first;
            default -> first;
        };
    }

    private static boolean settled(io.dmremediation.api.DMRemediation r) {
        if (r == null) {
            return true;
        }
        DMRemediationStatus s = r.getStatus();
        return s != null && s.active == null && finished(s) != null;
    }

    /** The first remediation's end, from history. */
    private static HistoryEntry finished(FastWorld w) {
        return finished(w.status());
    }

    private static HistoryEntry finished(DMRemediationStatus s) {
        if (s.history == null) {
            return null;
        }
        List<HistoryEntry> ends = s.history.stream().filter(h -> Set.of("Succeeded", "Failed", "Aborted",
                "LeftStopped").contains(h.outcome)).toList();
        return ends.isEmpty() ? null : ends.get(ends.size() - 1);
    }

    private Cell judge(FastWorld w, FaultPlan plan, List<String> tasks) {
        List<String> problems = new ArrayList<>();
        problems.addAll(w.dm.violations);
        problems.addAll(w.other.violations);
        if (!w.other.starts.isEmpty() || !w.other.stops.isEmpty()) {
            problems.add("acted on the other cluster after the spec pointed there: " + w.other.starts + w.other.stops);
        }
        boolean gone = w.resource() == null;
        DMRemediationStatus s = gone ? new DMRemediationStatus() : w.status();
        List<StoppedTask> left = s.leftStopped == null ? List.of() : s.leftStopped;
        for (String task : new java.util.LinkedHashSet<>(w.dm.stops)) {
            if (w.dm.tasks.containsKey(task)) {
                if (left.stream().anyMatch(t -> task.equals(t.task))) {
                    problems.add("status.leftStopped lists task " + task + ", which DM holds");
                }
                continue;
            }
            if (gone) {
                problems.add("the resource went while task " + task + " is stopped");
            } else if (left.stream().noneMatch(t -> task.equals(t.task))) {
                problems.add("task " + task + " is stopped and status.leftStopped does not say so");
            } else {
                StoppedTask t = left.stream().filter(x -> task.equals(x.task)).findFirst().get();
                Secret secret = w.client.secrets().inNamespace(w.ns).withName(t.configSecret).get();
                if (secret == null || secret.getData() == null || !secret.getData().containsKey(t.configKey)) {
                    problems.add("the Secret " + t.configSecret + " named for the stopped task holds no config");
                } else {
                    String saved = new String(Base64.getDecoder().decode(secret.getData().get(t.configKey)),
                            StandardCharsets.UTF_8);
                    if (!saved.contains(FastWorld.PASSWORD)) {
                        problems.add("the saved config lost the downstream password");
                    }
                }
                if (s.conditions.stream().noneMatch(c -> "TaskLeftStopped".equals(c.getType())
                        && "True".equals(c.getStatus()))) {
                    problems.add("no TaskLeftStopped condition while a task is left stopped");
                }
                if (!w.eventReasons().contains("TaskLeftStopped")) {
                    problems.add("no TaskLeftStopped Event");
                }
            }
        }
        boolean held = w.dm.tasks.containsKey(TASK);
        List<String> stoppedNow = new java.util.LinkedHashSet<>(w.dm.stops).stream()
                .filter(t -> !w.dm.tasks.containsKey(t)).toList();
        // the relay this operator turned off is on again, or the outcome says loudly that it is left off
        boolean relayLeftOff = w.dm.relayCalls.contains("off") && !w.dm.relayOn;
        HistoryEntry ended = gone ? null : finished(w);
        if (relayLeftOff && (ended == null || !"LeftStopped".equals(ended.outcome)
                || !ended.detail.contains("relay"))) {
            problems.add("the relay is left off and the outcome does not say so: "
                    + (ended == null ? (gone ? "the resource went" : "unfinished") : ended.outcome + ": " + ended.detail));
        }
        if (left.isEmpty() && s.active == null && !w.savedConfigs().isEmpty()) {
            problems.add("a saved-config Secret outlived its remediation: " + w.savedConfigs().size());
        }
        w.jobs.created.forEach((job, n) -> {
            if (job.startsWith("dmr-fix-checkpoint-") && n > 1) {
                problems.add("the fix Job " + job + " was created " + n + " times");
            }
        });
        if (w.dm.starts.size() > w.dm.stops.size()) {
            problems.add("more start-tasks (" + w.dm.starts + ") than stop-tasks (" + w.dm.stops + ")");
        }
        HistoryEntry end = gone ? null : finished(w);
        String outcome = end != null ? end.outcome : gone ? "gone" : "unfinished";
        String label = !plan.fired ? "not reached" : outcome + (stoppedNow.isEmpty() ? "" : ", stopped")
                + (relayLeftOff ? ", relay off" : "")
                + (held && w.dm.tasks.get(TASK).config.contains("safe-mode: true") ? ", safe mode" : "");
        if (gone) {
            label = (plan.fired ? "" : "not reached, ") + "deleted" + (stoppedNow.isEmpty() ? "" : ", stopped")
                    + (relayLeftOff ? ", relay off" : "");
        }
        return new Cell(label, problems);
    }

    record Cell(String label, List<String> problems) {
    }

    private static String header() {
        return """
                # Safety matrix

                Generated by `SafetyMatrixTest` (the fast layer: the real reconciler and playbooks over an in-memory
                DM-master, in-memory repair Jobs, a movable clock and fabric8's mock Kubernetes API). Each cell plays
                one fault at one step and shows how the first remediation ended and, when a task is not running,
                that it is stopped (then `status.leftStopped`, condition and Event `TaskLeftStopped` name the Secret
                holding its config). After every cell the test checks: no task stopped by the operator is lost (it is
                held by DM again, or said loudly to be left stopped with its config intact); no saved-config Secret
                outlives the need; no start without safe mode over a rewound checkpoint; no start with a masked
                password; no more starts than stops; the fix Job created at most once; a deleted resource goes only
                when nothing it stopped is left stopped; nothing is sent to another cluster after a spec change.
                """;
    }

    private static String legend() {
        return """

                Legend: `Succeeded`, `Failed`, `Aborted`, `LeftStopped` are the first remediation's outcome
                (history). `, stopped`: the task is not held by DM at the end (always with `LeftStopped` and its
                Secret). `, safe mode`: the task runs with `safe-mode: true` (a failure after the checkpoint
                rewrite keeps it until a human looks). `, relay off`: the relay the operator turned off is off at the end
                (always with `LeftStopped` saying so). `deleted`: the resource was deleted and went (the task
                runs). Every cell is reached: the test fails when a fault does not fire.
                """;
    }
}
