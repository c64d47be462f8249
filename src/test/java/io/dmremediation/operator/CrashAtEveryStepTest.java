package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.RelayOverflowPolicy;
import io.dmremediation.api.SyncerOverflowPolicy;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.StandInKubelet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sandbox half of the crash promise (the fast layer's {@link SafetyMatrixTest} crashes every step of RestartTask
 * and FixSyncerCheckpoint before and after its action): here the real Jobs, MariaDB and simulator take the crash
 * right after DM or Kubernetes accepted an action — after stop-task was sent, after the fix Job ran — and, for
 * FixRelayMeta (not yet in the matrix), after every step.
 *
 * <p>The operator killed after every step of every playbook — after the step did its work, before the next step is
 * on record, the worst moment — and a new operator started: each remediation completes exactly once, no task is
 * stopped or started twice, the fix runs once, the saved config is never lost and each backup is taken once.
 */
class CrashAtEveryStepTest {

    /** A crash: an Error, so nothing in the operator treats it as an ordinary failure. */
    static final class Crash extends Error {
        Crash(String step) {
            super("operator killed after step " + step);
        }
    }

    /**
     * Crashes the {@code occurrence}-th time the step reports it did its work (a step that records an intent first
     * reports twice: after the intent, and after the action), and keeps crashing until this operator is gone.
     */
    static final class CrashGate implements StepGate {
        final String step;
        final int occurrence;
        volatile boolean crashed;
        private int seen;

        CrashGate(String step, int occurrence) {
            this.step = step;
            this.occurrence = occurrence;
        }

        @Override
        public synchronized void afterStep(ActiveRemediation a, String s) {
            if (crashed || s.equals(step) && ++seen == occurrence) {
                crashed = true;
                throw new Crash(s);
            }
        }
    }

    /** Where to crash: a step and which of its reports. */
    record At(String step, int occurrence) {
    }

    /** Records the steps a playbook goes through. */
    static final class Recorder implements StepGate {
        final List<String> steps = new CopyOnWriteArrayList<>();

        @Override
        public void afterStep(ActiveRemediation a, String s) {
            if (!steps.contains(s)) {
                steps.add(s);
            }
        }
    }

    SandboxWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    DMRemediation resource(String task) {
        DMRemediation r = world.remediation("guard", task);
        r.getSpec().healthyResetAfter = "1s";
        r.getSpec().backoff.initial = "100ms";
        r.getSpec().backoff.max = "1s";
        r.getSpec().policies.badConnection.maxAttempts = 100;
        r.getSpec().policies.badConnection.waitForAutoResume = "0s";
        r.getSpec().policies.syncerBinlogOverflow = new SyncerOverflowPolicy();
        r.getSpec().policies.syncerBinlogOverflow.maxAttempts = 100;
        r.getSpec().policies.relayBinlogOverflow = new RelayOverflowPolicy();
        r.getSpec().policies.relayBinlogOverflow.maxAttempts = 100;
        return r;
    }

    record Counts(int stops, int starts, int runs, int history) {
    }

    Counts counts(String task) {
        return new Counts(world.dm().stopCount(task), world.dm().startCount(task), world.kubelet().runs().size(),
                status(world, "guard").history.size());
    }

    /**
     * One remediation per recorded step, the operator killed after that step each time; then the invariants.
     *
     * @param fault     injects the fault
     * @param stops     stop-tasks one remediation sends
     * @param fixJobs   fix Jobs (not prechecks) one remediation runs
     */
    void crashAfterEveryStep(String task, String source, Consumer<SandboxWorld> fault, int stops, int fixJobs)
            throws Exception {
        crashAt(task, source, fault, stops, fixJobs, null);
    }

    /** As {@link #crashAfterEveryStep}, at the given places only (null: after every step, at its first report). */
    void crashAt(String task, String source, Consumer<SandboxWorld> fault, int stops, int fixJobs, List<At> places)
            throws Exception {
        world = SandboxWorld.builder().build();
        Recorder recorder = new Recorder();
        world.startOperator(o -> o.withStepGate(recorder));
        world.startTask(task, source);
        world.apply(resource(task));
        awaitStatus(world, "guard", s -> "Healthy".equals(s.phase));

        // a clean run tells the steps
        fault.accept(world);
        awaitStatus(world, "guard", s -> s.history.size() == 1 && s.active == null && "Healthy".equals(s.phase));
        assertThat(status(world, "guard").history.get(0).outcome).isEqualTo("Succeeded");
        List<String> steps = new ArrayList<>(recorder.steps);
        assertThat(steps).hasSizeGreaterThan(3);
        world.stopOperator();

        List<At> at = places != null ? places : steps.stream().map(st -> new At(st, 1)).toList();
        for (At place : at) {
            assertThat(steps).as("the playbook goes through " + place.step()).contains(place.step());
            String step = place.step() + "#" + place.occurrence();
            CrashGate gate = new CrashGate(place.step(), place.occurrence());
            world.startOperator(o -> o.withStepGate(gate));
            Thread.sleep(1200);
            Counts before = counts(task);
            fault.accept(world);
            await().atMost(Duration.ofSeconds(60)).dontCatchUncaughtExceptions().until(() -> gate.crashed);
            world.stopOperator();
            DMRemediationStatus mid = status(world, "guard");
            assertThat(mid.active).as("the remediation is on record when the operator dies at " + step).isNotNull();
            String id = mid.active.id;

            world.startOperator();
            awaitStatus(world, "guard", s -> s.history.size() == before.history() + 1 && s.active == null
                    && "Healthy".equals(s.phase));
            DMRemediationStatus after = status(world, "guard");
            Counts now = counts(task);
            assertThat(after.history.get(0).outcome).as("killed after " + step + ": " + after.history.get(0).detail)
                    .isEqualTo("Succeeded");
            assertThat(now.stops() - before.stops()).as("stop-tasks when killed after " + step).isEqualTo(stops);
            assertThat(now.starts() - before.starts()).as("start-tasks when killed after " + step).isEqualTo(stops);
            List<StandInKubelet.Run> fixes = world.kubelet().runs().subList(before.runs(), now.runs()).stream()
                    .filter(r -> !r.job().startsWith("dmr-precheck-")).toList();
            assertThat(fixes).as("fix Jobs when killed after " + step).hasSize(fixJobs);
            assertThat(fixes).allSatisfy(r -> assertThat(r.exitCode()).isZero());
            assertThat(world.client().secrets().inNamespace(SandboxWorld.NAMESPACE)
                    .withLabel("dmremediation.io/remediation-id", id).list().getItems())
                    .as("the saved config is released once the task runs").isEmpty();
            world.stopOperator();
        }
    }

    @Test
    void restartTask() throws Exception {
        // after stop-task was sent (StopTask reports after its intent, then after the stop), after start-task
        crashAt("orders", SandboxWorld.SOURCE_1,
                w -> w.dm().injectBadConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE), 1, 0,
                List.of(new At("StopTask", 2), new At("StartTask", 1)));
    }

    @Test
    void fixSyncerCheckpoint() throws Exception {
        // after stop-task was sent, after the fix Job ran (its outcome not yet on record), after the safe-mode start
        crashAt("orders", SandboxWorld.SOURCE_1,
                w -> w.dm().injectSyncerOverflow("orders", SandboxWorld.SOURCE_1, "mysql-bin.000002"), 2, 1,
                List.of(new At("StopTask", 2), new At("WaitFixJob", 1), new At("StartInSafeMode", 1)));
        // one backup table per remediation: a re-run never took a second backup over the first
        try (Connection c = world.database().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                     + "'" + world.metaSchema() + "' AND table_name LIKE 'orders_syncer_checkpoint_bak_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(status(world, "guard").history.size());
        }
    }

    @Test
    void fixRelayMeta() throws Exception {
        crashAfterEveryStep("crm", SandboxWorld.SOURCE_2,
                w -> w.dm().injectRelayOverflow(SandboxWorld.SOURCE_2, "mysql-bin.000002"), 1, 1);
    }
}
