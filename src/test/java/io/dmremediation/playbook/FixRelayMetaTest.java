package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.controlplane.Worlds;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(Worlds.BOTH)
class FixRelayMetaTest {

    static final String S2 = SandboxWorld.SOURCE_2;
    World world;

    @BeforeEach
    void setUp() {
        world = Worlds.create();
        world.startOperator();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    DMRemediationStatus status(String name) {
        return world.status(name);
    }

    @Test
    void relayOverflowIsFixedEndToEnd() throws Exception {
        world.startTask("crm", S2);
        world.apply(world.remediation("guard", "crm"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status("guard").phase));
        String podUid = world.client().pods().inNamespace(world.namespace())
                .withName(world.workerPod(1)).get().getMetadata().getUid();

        world.dm().injectRelayOverflow(S2, "mysql-bin.000002");
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> !status("guard").history.isEmpty()
                && status("guard").active == null);
        DMRemediationStatus s = status("guard");
        assertThat(s.history.get(0).action).isEqualTo("FixRelayMeta");
        assertThat(s.history.get(0).outcome).as(s.history.get(0).detail).isEqualTo("Succeeded");
        assertThat(world.dm().relayStage(S2)).isEqualTo("Running");
        assertThat(world.dm().subtaskStage("crm", S2)).isEqualTo("Running");
        assertThat(world.dm().relayPosition(S2).file()).as("re-pulled from the big file on").isIn("mysql-bin.000002", "mysql-bin.000003");
        // the worker was restarted: a new pod under the same name
        assertThat(world.client().pods().inNamespace(world.namespace())
                .withName(world.workerPod(1)).get().getMetadata().getUid()).isNotEqualTo(podUid);
        assertThat(world.kubelet().runs()).singleElement().satisfies(run -> {
            assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.args()).contains("fix-relay-meta", "--binlog-file", "mysql-bin.000002");
        });
        Path meta = world.dm().relayMetaFile(S2);
        try (var files = Files.list(meta.getParent())) {
            List<Path> backups = files.filter(p -> p.getFileName().toString().startsWith("relay.meta.bak-")).toList();
            assertThat(backups).hasSize(1);
            assertThat(Files.readString(backups.get(0))).contains("binlog-name = \"mysql-bin.000002\"")
                    .doesNotContain("binlog-pos = 4\n");
        }
    }

    @Test
    void whenTheSyncerCheckpointsArePastTheFileTooTheRelayFixIsFollowedByTheCheckpointFix() throws Exception {
        world.startTask("crm", S2);
        DMRemediation r = world.remediation("guard", "crm");
        world.apply(r);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status("guard").phase));

        world.dm().injectRelayOverflow(S2, "mysql-bin.000002");
        world.dm().injectSyncerOverflow("crm", S2, "mysql-bin.000002");
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> status("guard").history.size() >= 2
                && status("guard").active == null && "Healthy".equals(status("guard").phase));
        DMRemediationStatus s = status("guard");
        // newest first
        assertThat(s.history.get(1).action).isEqualTo("FixRelayMeta");
        assertThat(s.history.get(1).outcome).as(s.history.get(1).detail).isEqualTo("Succeeded");
        assertThat(s.history.get(1).detail).contains("FixSyncerCheckpoint follows");
        assertThat(s.history.get(0).action).isEqualTo("FixSyncerCheckpoint");
        assertThat(s.history.get(0).outcome).as(s.history.get(0).detail).isEqualTo("Succeeded");
        assertThat(world.dm().relayStage(S2)).isEqualTo("Running");
        assertThat(world.dm().subtaskStage("crm", S2)).isEqualTo("Running");
    }
}
