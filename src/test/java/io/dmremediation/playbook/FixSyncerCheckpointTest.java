package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.controlplane.Worlds;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import io.dmremediation.sandbox.Kubelet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(Worlds.BOTH)
class FixSyncerCheckpointTest {

    static final String S1 = SandboxWorld.SOURCE_1;
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

    List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = world.database().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? " | " : "").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void syncerOverflowIsFixedEndToEnd() throws Exception {
        world.startTask("orders", S1);
        world.apply(world.remediation("guard", "orders"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "Healthy".equals(status("guard").phase));

        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> !status("guard").history.isEmpty()
                && status("guard").active == null);
        DMRemediationStatus s = status("guard");
        assertThat(s.history.get(0).action).isEqualTo("FixSyncerCheckpoint");
        assertThat(s.history.get(0).outcome).as(s.history.get(0).detail).isEqualTo("Succeeded");
        assertThat(s.history.get(0).detail).contains("backup table orders_syncer_checkpoint_bak_");
        assertThat(world.dm().subtaskStage("orders", S1)).isEqualTo("Running");
        assertThat(world.dm().taskSafeMode("orders", S1)).as("safe-mode restored").isFalse();
        assertThat(world.kubelet().runs()).extracting(Kubelet.Run::job).containsExactly(
                "dmr-precheck-" + s.history.get(0).detail.replaceAll(".*bak_([a-z0-9]+).*", "$1"),
                "dmr-fix-checkpoint-" + s.history.get(0).detail.replaceAll(".*bak_([a-z0-9]+).*", "$1"));
        assertThat(world.kubelet().runs().get(0).args()).contains("--check");
        assertThat(world.kubelet().runs().get(1)).satisfies(run -> {
            assertThat(run.exitCode()).isZero();
            assertThat(run.args()).contains("fix-checkpoint", "--task", "orders", "--source", S1, "--binlog-file",
                    "mysql-bin.000002");
            assertThat(String.join(" ", run.args())).doesNotContain(world.database().adminPassword());
        });
        List<String> backups = rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                + world.metaSchema() + "'"
                + " AND table_name LIKE 'orders_syncer_checkpoint_bak_%'");
        assertThat(backups).hasSize(1);
        assertThat(rows("SELECT COUNT(*) FROM `" + world.metaSchema() + "`.`" + backups.get(0) + "` WHERE binlog_pos > 4"))
                .containsExactly("4");
    }
}
