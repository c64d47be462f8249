package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DM-worker going away and coming back (§7.4): DM-master rebinds the source to a free worker at once after a
 * graceful stop (the lease is revoked), after the keepalive TTL after a crash; the restarted worker comes back free,
 * and its relay dir is no longer used. Without a spare the source waits for its worker.
 */
class RebindingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SPARE = "basic-dm-worker-1";

    @TempDir
    Path tmp;

    private DmMasterSimulator sim(SourceSpec spec, Duration ttl) {
        return SimSupport.fast().worker(WORKER).worker(SPARE).keepaliveTtl(ttl, ttl)
                .source(spec.boundTo(WORKER).relayBinlogName("mysql-bin.000001")
                        .relayDirPerWorker(w -> tmp.resolve(w).resolve("relay"), "/var/lib/dm-worker/relay")
                        .binlogFile("mysql-bin.000001", 4096).binlogFile("mysql-bin.000002", 1 << 20))
                .build();
    }

    @Test
    void aGracefulStopMovesTheSourceAndItsEnableRelayRelayToTheSpareAtOnce() throws Exception {
        try (DmMasterSimulator sim = sim(SourceSpec.source(SOURCE).enableRelay(true), Duration.ofHours(1))) {
            sim.startTask(SimSupport.taskYaml("rb-cfg", false));
            await().atMost(WAIT).until(() -> sim.synced("rb-cfg", SOURCE));
            Path oldMeta = sim.relayMetaFile(SOURCE);
            String before = Files.readString(oldMeta);

            sim.stopWorker(WORKER);
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(SPARE);
            assertThat(sim.workerStage(WORKER)).isEqualTo("offline");
            // enable-relay follows the source: a relay in the spare's own (fresh) dir, subtasks re-created reading it
            assertThat(sim.relayUnitWorkers(SOURCE)).containsExactly(SPARE);
            assertThat(sim.relayDir(SOURCE)).isEqualTo(tmp.resolve(SPARE).resolve("relay"));
            assertThat(sim.subtaskStage("rb-cfg", SOURCE)).isEqualTo("Running");
            assertThat(sim.subtaskReadsRelay("rb-cfg", SOURCE)).isTrue();
            JsonNode st = status(sim, "rb-cfg").path("sources").path(0);
            assertThat(st.path("sourceStatus").path("worker").asText()).isEqualTo(SPARE);

            // the old worker comes back free, not bound; an edit of its relay.meta is never read
            Files.writeString(oldMeta, "binlog-name = \"mysql-bin.000001\"\nbinlog-pos = 4\nbinlog-gtid = \"\"\n");
            sim.startWorker(WORKER);
            assertThat(sim.workerStage(WORKER)).isEqualTo("free");
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(SPARE);
            assertThat(Files.readString(oldMeta)).isNotEqualTo(before).contains("binlog-pos = 4\n");
            assertThat(get(sim, "/api/v1/cluster/workers").json().path("data").findValuesAsText("bound_stage"))
                    .containsExactly("free", "bound");
        }
    }

    @Test
    void aNamedRelayWorkersSourceMovesWithoutRelayAndTheWorkerComesBackRelayOnly() {
        try (DmMasterSimulator sim = sim(SourceSpec.source(SOURCE).relayWorkers(WORKER), Duration.ofHours(1))) {
            sim.startTask(SimSupport.taskYaml("rb-named", false));
            sim.stopWorker(WORKER);
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(SPARE);
            // the spare is no relay worker: the subtasks read the upstream
            assertThat(sim.relayStage(SOURCE)).isNull();
            assertThat(sim.subtaskReadsRelay("rb-named", SOURCE)).isFalse();
            sim.startWorker(WORKER);
            // handleWorkerOnline: a named relay worker comes back in stage relay, running the relay for nobody
            assertThat(sim.workerStage(WORKER)).isEqualTo("relay");
            assertThat(sim.relayUnitWorkers(SOURCE)).containsExactly(WORKER);
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(SPARE);
        }
    }

    @Test
    void withoutASpareTheSourceWaitsUnboundAndReturnsToItsWorker() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, true).build()) {
            sim.startTask(SimSupport.taskYaml("rb-alone", false));
            sim.stopWorker(WORKER);
            assertThat(sim.boundWorker(SOURCE)).isNull();
            assertThat(status(sim, "rb-alone").path("sources").path(0).path("msg").asText())
                    .isEqualTo("[code=38029:class=dm-master:scope=internal:level=high], Message: " + SOURCE
                            + " relevant worker-client not found, Workaround: Please use list-member command to see if"
                            + " the some workers are offline.");
            sim.startWorker(WORKER);
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(WORKER);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            assertThat(sim.subtaskStage("rb-alone", SOURCE)).isEqualTo("Running");
        }
    }

    @Test
    void aCrashIsNoticedWhenTheLeaseExpires() {
        try (DmMasterSimulator sim = sim(SourceSpec.source(SOURCE).enableRelay(true), Duration.ofMillis(300))) {
            sim.startTask(SimSupport.taskYaml("rb-kill", false));
            sim.killWorker(WORKER);
            // keepalive.go: the key outlives the process until its TTL; the source stays bound meanwhile
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(WORKER);
            assertThat(sim.workerStage(WORKER)).isEqualTo("bound");
            await().atMost(WAIT).until(() -> SPARE.equals(sim.boundWorker(SOURCE)));
            assertThat(sim.workerStage(WORKER)).isEqualTo("offline");
        }
    }

    @Test
    void aCrashedWorkerBackWithinItsLeaseKeepsItsSource() {
        try (DmMasterSimulator sim = sim(SourceSpec.source(SOURCE).enableRelay(true), Duration.ofHours(1))) {
            sim.startTask(SimSupport.taskYaml("rb-back", false));
            sim.killWorker(WORKER);
            sim.startWorker(WORKER);
            // handleWorkerOnline, "worker already bound": the bound is put again and the worker runs its source
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(WORKER);
            assertThat(sim.workerStage(SPARE)).isEqualTo("free");
            assertThat(sim.subtaskStage("rb-back", SOURCE)).isEqualTo("Running");
        }
    }
}
