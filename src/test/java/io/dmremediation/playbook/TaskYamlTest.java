package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The safe-mode edit of FixSyncerCheckpoint must give a config DM accepts: real DM refuses a task whose named
 * syncer config no instance uses (20038, docs/real-dm-checks.md), which is what copying the only user's config
 * under a new name left behind.
 */
class TaskYamlTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** What DM-master's GetCfg returns (regenerated; pingcap/tiflow:dm/dm/config/task_converters.go). */
    static final String REGENERATED = """
            name: orders
            task-mode: incremental
            meta-schema: dm_meta
            target-database:
              host: 127.0.0.1
              port: 4000
              user: dm
              password: '******'
            mysql-instances:
            - source-id: mysql-01
              block-allow-list: balist-01
              syncer-config-name: sync-01
              syncer: null
            block-allow-list:
              balist-01:
                do-dbs:
                - shop
            syncers:
              sync-01:
                worker-count: 4
                batch: 100
                checkpoint-flush-interval: 30
                safe-mode: false
            """;

    static final String SHARED = """
            name: orders
            task-mode: incremental
            target-database: {host: 127.0.0.1, port: 4000, user: dm, password: x}
            mysql-instances:
            - {source-id: mysql-01, syncer-config-name: global}
            - {source-id: mysql-02, syncer-config-name: global}
            syncers:
              global: {worker-count: 16, batch: 100, safe-mode: false}
            """;

    @Test
    void theOnlyUserOfANamedSyncerConfigGetsSafeModeInPlace() throws Exception {
        JsonNode out = YAML.readTree(TaskYaml.withSafeMode(REGENERATED, "mysql-01"));
        assertThat(out.path("mysql-instances").path(0).path("syncer-config-name").asText()).isEqualTo("sync-01");
        assertThat(out.path("syncers").path("sync-01").path("safe-mode").asBoolean()).isTrue();
        assertThat(out.path("syncers").path("sync-01").path("checkpoint-flush-interval").asInt()).isEqualTo(30);
        assertThat(unusedSyncers(out)).isEmpty();
        assertThat(TaskYaml.safeMode(TaskYaml.withSafeMode(REGENERATED, "mysql-01"), "mysql-01")).isTrue();
    }

    @Test
    void aSharedNamedSyncerConfigIsCopiedForTheOneSourceAndStaysUsedByTheOthers() throws Exception {
        JsonNode out = YAML.readTree(TaskYaml.withSafeMode(SHARED, "mysql-02"));
        String copy = out.path("mysql-instances").path(1).path("syncer-config-name").asText();
        assertThat(copy).isEqualTo("global" + TaskYaml.SAFE_MODE_SUFFIX);
        assertThat(out.path("syncers").path(copy).path("safe-mode").asBoolean()).isTrue();
        assertThat(out.path("syncers").path(copy).path("worker-count").asInt()).isEqualTo(16);
        assertThat(out.path("mysql-instances").path(0).path("syncer-config-name").asText()).isEqualTo("global");
        assertThat(out.path("syncers").path("global").path("safe-mode").asBoolean()).isFalse();
        assertThat(unusedSyncers(out)).isEmpty();
    }

    @Test
    void anInlineSyncerAndNoSyncerAtAllAreHandledWithoutDanglingConfigs() throws Exception {
        String inline = """
                name: orders
                mysql-instances:
                - source-id: mysql-01
                  syncer: {worker-count: 8}
                """;
        JsonNode a = YAML.readTree(TaskYaml.withSafeMode(inline, "mysql-01"));
        assertThat(a.path("mysql-instances").path(0).path("syncer").path("safe-mode").asBoolean()).isTrue();
        assertThat(a.path("mysql-instances").path(0).path("syncer").path("worker-count").asInt()).isEqualTo(8);

        String none = "name: orders\nmysql-instances:\n- source-id: mysql-01\n";
        JsonNode b = YAML.readTree(TaskYaml.withSafeMode(none, "mysql-01"));
        String name = b.path("mysql-instances").path(0).path("syncer-config-name").asText();
        assertThat(b.path("syncers").path(name).path("safe-mode").asBoolean()).isTrue();
        assertThat(unusedSyncers(b)).isEmpty();
    }

    /** Named syncer configs no mysql-instance refers to: what DM refuses with 20038. */
    static List<String> unusedSyncers(JsonNode root) {
        List<String> unused = new ArrayList<>();
        root.path("syncers").fieldNames().forEachRemaining(n -> {
            boolean used = false;
            for (JsonNode inst : root.path("mysql-instances")) {
                used |= n.equals(inst.path("syncer-config-name").asText());
            }
            if (!used) {
                unused.add(n);
            }
        });
        return unused;
    }
}
