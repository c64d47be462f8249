package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.sandbox.DmWorkerPods;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.SandboxWorld.RelayMode;
import io.dmremediation.sandbox.dmmaster.DmVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FixRelayMeta end to end against the simulator as DM really is (dm-facts §7.1-7.4): DM 5.4, 6.1 and 8.5, the relay
 * in its source config or on a named worker, a spare worker beside.
 */
class FixRelayMetaTest {

    static final String S2 = SandboxWorld.SOURCE_2;
    static final String W1 = DmWorkerPods.podName(SandboxWorld.CLUSTER, 1);
    static final String SPARE = DmWorkerPods.podName(SandboxWorld.CLUSTER, 2);
    SandboxWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    DMRemediationStatus status() {
        return world.status("guard");
    }

    void start(DmVersion v, RelayMode mode, String... tasks) {
        world = SandboxWorld.builder().version(v).relayMode(mode).build();
        world.startOperator();
        for (String t : tasks) {
            world.startTask(t, S2);
        }
        world.apply(world.remediation("guard", tasks));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status().phase));
        await().atMost(Duration.ofSeconds(30)).until(() -> world.dm().synced(tasks[0], S2));
    }

    /**
     * The fence before the first change: a person ran DM's documented procedure (worker stopped, the upstream file
     * copied in, relay.meta at the next file, worker started) while the credentials were checked. The relay is past
     * the file: the fix ends without touching anything. DM 5.4 because its status always shows the relay position.
     */
    @Test
    void aRelayFixedByHandBeforeTheFirstChangeEndsTheFixWithNothingChanged() {
        java.util.concurrent.atomic.AtomicBoolean fixedByHand = new java.util.concurrent.atomic.AtomicBoolean();
        world = SandboxWorld.builder().version(DmVersion.V5_4).spareWorker(false).build();
        world.startOperator(o -> o.withStepGate((a, step) -> {
            if ("WaitCredentialsCheck".equals(step) && fixedByHand.compareAndSet(false, true)) {
                String big = a.relayFix.binlogFile;
                world.dm().stopWorker(W1);
                world.dm().copyUpstreamFileIntoRelayDir(S2, big);
                world.dm().editRelayMeta(S2, BinlogFiles.next(big), 4);
                world.dm().startWorker(W1);
            }
        }));
        world.startTask("crm", S2);
        world.apply(world.remediation("guard", "crm"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status().phase));
        await().atMost(Duration.ofSeconds(30)).until(() -> world.dm().synced("crm", S2));
        String big = world.dm().nextBinlogFile(S2);
        world.dm().injectRelayOverflow(S2, big);

        HistoryEntry h = awaitOutcome(1);
        assertThat(h.outcome).as(h.detail).isEqualTo("Aborted");
        assertThat(h.detail).contains("cleared before the fix").contains("nothing was changed");
        assertThat(fixedByHand).isTrue();
        assertThat(world.dm().stopCount("crm")).isZero();
        assertThat(world.dm().sourceEnableRelay(S2)).as("the relay was never turned off").isTrue();
        assertThat(world.dm().relayStage(S2)).isEqualTo("Running");
        assertThat(world.dm().relayErrors(S2)).isEmpty();
    }

    HistoryEntry awaitOutcome(int n) {
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> status().history.size() >= n
                && status().active == null);
        return status().history.get(0);
    }

    static Stream<Arguments> flavoursAndModes() {
        return Stream.of(DmVersion.V5_4, DmVersion.V6_1, DmVersion.V8_5).flatMap(v ->
                Stream.of(RelayMode.SOURCE_CONFIG, RelayMode.NAMED_WORKER).map(m -> Arguments.of(v, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("flavoursAndModes")
    void theRelayGetsPastTheBigFileWithTheTasksReadingItFromTheUpstream(DmVersion v, RelayMode mode) throws Exception {
        start(v, mode, "crm");
        String big = world.dm().nextBinlogFile(S2);
        world.dm().injectRelayOverflow(S2, big);

        HistoryEntry h = awaitOutcome(1);
        assertThat(h.action).isEqualTo("FixRelayMeta");
        assertThat(h.outcome).as(h.detail).isEqualTo("Succeeded");
        assertThat(h.detail).contains("read " + big + " from the upstream");
        // DM runs the relay again, past the file, with no error; the task reads it again
        await().atMost(Duration.ofSeconds(30)).until(() -> world.dm().synced("crm", S2));
        assertThat(world.dm().relayStage(S2)).isEqualTo("Running");
        assertThat(world.dm().relayErrors(S2)).isEmpty();
        assertThat(world.dm().relayPosition(S2).file()).isGreaterThan(big);
        assertThat(world.dm().subtaskReadsRelay("crm", S2)).isTrue();
        // the relay mode is what it was
        if (mode == RelayMode.SOURCE_CONFIG) {
            assertThat(world.dm().sourceEnableRelay(S2)).isTrue();
            assertThat(world.dm().relayWorkers(S2)).isEmpty();
        } else {
            assertThat(world.dm().sourceEnableRelay(S2)).isFalse();
            assertThat(world.dm().relayWorkers(S2)).containsExactly(W1);
        }
        // nothing else touched: no task stopped, no DM-worker restarted (the spare stays free), no relay.meta written
        assertThat(world.dm().stopCount("crm")).isZero();
        assertThat(world.dm().boundWorker(S2)).isEqualTo(W1);
        assertThat(world.dm().workerStage(SPARE)).isEqualTo("free");
        assertThat(world.kubelet().runs()).singleElement()
                .satisfies(r -> assertThat(r.job()).startsWith("dmr-precheck-"));
        Path sub = world.dm().relayMetaFile(S2).getParent();
        try (var files = Files.list(sub)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("relay.meta.bak"));
        }
    }

    @Test
    void aTaskPausedByAnErrorWithTheSyncerPastTheFileTooIsStoppedMeanwhileAndTheCheckpointFixFollows() {
        start(DmVersion.V8_5, RelayMode.SOURCE_CONFIG, "crm");
        String big = world.dm().nextBinlogFile(S2);
        world.dm().injectRelayOverflow(S2, big);
        world.dm().injectSyncerOverflow("crm", S2, big);
        await().atMost(Duration.ofSeconds(150)).ignoreExceptions().until(() -> status().history.size() >= 2
                && status().active == null && "Healthy".equals(status().phase));
        DMRemediationStatus s = status();
        // newest first
        assertThat(s.history.get(1).action).isEqualTo("FixRelayMeta");
        assertThat(s.history.get(1).outcome).as(s.history.get(1).detail).isEqualTo("Succeeded");
        assertThat(s.history.get(1).detail).contains("tasks crm stopped meanwhile").contains("stored as relay-binlog-name");
        assertThat(s.history.get(0).action).isEqualTo("FixSyncerCheckpoint");
        assertThat(s.history.get(0).outcome).as(s.history.get(0).detail).isEqualTo("Succeeded");
        assertThat(world.dm().relayStage(S2)).isEqualTo("Running");
        assertThat(world.dm().relayErrors(S2)).isEmpty();
        assertThat(world.dm().subtaskStage("crm", S2)).isEqualTo("Running");
    }

    @Test
    void aTaskAPersonPausedThatStillNeedsTheFileIsNotTouchedTheFixIsRefused() {
        start(DmVersion.V8_5, RelayMode.SOURCE_CONFIG, "crm", "hr");
        world.dm().pauseByHuman("hr");
        String big = world.dm().nextBinlogFile(S2);
        world.dm().injectRelayOverflow(S2, big);
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> status().history.stream()
                .anyMatch(x -> "FixRelayMeta".equals(x.action)));
        HistoryEntry h = status().history.stream().filter(x -> "FixRelayMeta".equals(x.action)).findFirst().orElseThrow();
        assertThat(h.outcome).isEqualTo("Failed");
        assertThat(h.detail).contains("task hr was paused by a person").contains("nothing was changed")
                .contains("By hand: (1) dmctl stop-relay -s " + S2);
        // refused before anything: the relay still as DM has it, both tasks untouched, no Job
        assertThat(world.dm().stopCount("crm")).isZero();
        assertThat(world.dm().stopCount("hr")).isZero();
        assertThat(world.dm().subtaskStage("hr", S2)).isEqualTo("Paused");
        assertThat(world.dm().subtaskCanceled("hr", S2)).isTrue();
        assertThat(world.dm().sourceEnableRelay(S2)).isTrue();
        // the relay is left failing in the big file: DM auto-resumes it between failures, so an error is seen again
        // within a few of its resumes, never the relay past the file
        await().atMost(Duration.ofSeconds(30)).until(() -> !world.dm().relayErrors(S2).isEmpty());
        assertThat(world.dm().relayPosition(S2).file()).isEqualTo(big);
        assertThat(world.kubelet().runs()).isEmpty();
    }

    @Test
    void withoutOpenApiTheFixIsRefusedBeforeAnythingChanges() {
        world = SandboxWorld.builder().openApi(false).build();
        world.startOperator();
        world.startTask("crm", S2);
        world.apply(world.remediation("guard", "crm"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status().phase));
        world.dm().injectRelayOverflow(S2, world.dm().nextBinlogFile(S2));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> status().history.stream()
                .anyMatch(x -> "FixRelayMeta".equals(x.action)));
        HistoryEntry h = status().history.stream().filter(x -> "FixRelayMeta".equals(x.action)).findFirst().orElseThrow();
        assertThat(h.outcome).isEqualTo("Failed");
        assertThat(h.detail).contains("needs DM-master's OpenAPI").contains("nothing was changed").contains("By hand");
        assertThat(world.dm().stopCount("crm")).isZero();
        assertThat(world.dm().sourceEnableRelay(S2)).isTrue();
        assertThat(world.kubelet().runs()).isEmpty();
    }

    @Test
    void aReaderThatCannotReadTheFileFromTheUpstreamBringsTheRelayBackAsItWas() {
        world = SandboxWorld.builder().build();
        java.util.concurrent.atomic.AtomicBoolean purged = new java.util.concurrent.atomic.AtomicBoolean();
        // the upstream purges its binlogs as the relay is turned off: the relay copy was the only one left
        world.startOperator(o -> o.withStepGate((a, step) -> {
            if ("RelayOff".equals(step) && purged.compareAndSet(false, true)) {
                world.dm().purgeUpstreamBinlogs(S2, world.dm().masterPosition(S2).file());
            }
        }));
        world.startTask("crm", S2);
        world.apply(world.remediation("guard", "crm"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status().phase));
        await().atMost(Duration.ofSeconds(30)).until(() -> world.dm().synced("crm", S2));
        String big = world.dm().nextBinlogFile(S2);
        world.dm().injectRelayOverflow(S2, big);
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> status().history.stream()
                .anyMatch(x -> "FixRelayMeta".equals(x.action)));
        HistoryEntry h = status().history.stream().filter(x -> "FixRelayMeta".equals(x.action)).findFirst().orElseThrow();
        assertThat(purged).isTrue();
        assertThat(h.outcome).isEqualTo("Failed");
        assertThat(h.detail).contains("could not read " + big + " from the upstream")
                .contains("Could not find first log file").contains("the relay were started again as they were");
        // back as DM had it: enable-relay on, the relay unit there again, crm never stopped
        assertThat(world.dm().sourceEnableRelay(S2)).isTrue();
        assertThat(world.dm().relayStage(S2)).isNotNull();
        assertThat(world.dm().stopCount("crm")).isZero();
    }
}
