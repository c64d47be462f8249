package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What GetCfg hands out (§1.2): DM-master never returns the text it was given but marshals what it stored, with
 * go-yaml (task, source) or BurntSushi TOML (worker). The shapes follow DM's own expected outputs
 * {@code pingcap/tiflow:dm/tests/dmctl_basic/conf/get_task.yaml}, {@code get_source1.yaml} and
 * {@code get_worker1.toml} at v5.4.0, v6.1.0 and v8.5.4.
 */
final class ConfigRender {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./@][A-Za-z0-9_./@:-]*");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|0x[0-9a-fA-F]+|0o?[0-7]+");
    private static final List<String> YAML_WORDS = List.of("true", "false", "yes", "no", "on", "off", "null", "~",
            "y", "n");

    private ConfigRender() {
    }

    /**
     * GetCfg TaskType ({@code pingcap/tiflow:dm/master/server.go:2449-2590@v8.5.4}): the task regenerated from the
     * stored subtask configs ({@code SubTaskConfigsToTaskConfig}, {@code
     * pingcap/tiflow:dm/config/task_converters.go:382-509@v8.5.4}): sources sorted by id, each per-source block under a generated name {@code <prefix>-NN}
     * ({@code getGenerateName}, {@code dm/config/task.go:1014-1026@v8.5.4}; identical blocks share a name), the
     * inline {@code syncer} emitted as {@code null}, defaults filled in, and the target password as {@code ******}.
     */
    static String task(TaskConfig cfg, List<String> sources, DmVersion v) {
        StringBuilder y = new StringBuilder();
        y.append("name: ").append(scalar(cfg.name())).append('\n');
        y.append("task-mode: ").append(scalar(cfg.taskMode())).append('\n');
        y.append("is-sharding: false\n");
        y.append("shard-mode: \"\"\n");
        if (v.hasStrictOptimisticShardMode()) {
            y.append("strict-optimistic-shard-mode: false\n");
        }
        y.append("ignore-checking-items: []\n");
        y.append("meta-schema: ").append(scalar(cfg.metaSchema())).append('\n');
        y.append("enable-heartbeat: false\n");
        y.append("heartbeat-update-interval: 1\n");
        y.append("heartbeat-report-interval: 10\n");
        y.append("timezone: \"\"\n");
        y.append("case-sensitive: false\n");
        y.append("collation_compatible: loose\n");
        y.append("target-database:\n");
        y.append("  host: ").append(scalar(cfg.target().host())).append('\n');
        y.append("  port: ").append(cfg.target().port()).append('\n');
        y.append("  user: ").append(scalar(cfg.target().user())).append('\n');
        // config.ObfuscatedPasswordForFeedback (dm/config/source_config.go:59@v8.5.4), quoted by go-yaml
        y.append("  password: '").append(TaskConfig.PASSWORD_MASK).append("'\n");
        y.append("  max-allowed-packet: null\n");
        y.append("  session: {}\n");
        y.append("  security: null\n");
        Map<String, String> syncerNames = new LinkedHashMap<>();
        List<String> syncerBlocks = new ArrayList<>();
        y.append("mysql-instances:\n");
        for (String src : sources) {
            TaskConfig.Instance inst = cfg.instance(src);
            if (inst == null) {
                continue;
            }
            String block = syncerBlock(cfg.syncerOf(src), inst.safeMode(), v);
            String name = syncerNames.computeIfAbsent(block, b -> {
                syncerBlocks.add(b);
                return String.format("sync-%02d", syncerBlocks.size());
            });
            y.append("- source-id: ").append(scalar(src)).append('\n');
            if (inst.hasMeta()) {
                y.append("  meta:\n");
                y.append("    binlog-name: ").append(scalar(inst.metaBinlogName())).append('\n');
                y.append("    binlog-pos: ").append(inst.metaBinlogPos()).append('\n');
                y.append("    binlog-gtid: \"\"\n");
            } else {
                y.append("  meta: null\n");
            }
            y.append("  filter-rules: []\n");
            y.append("  column-mapping-rules: []\n");
            y.append("  route-rules: []\n");
            y.append("  expression-filters: []\n");
            y.append("  black-white-list: \"\"\n");
            y.append("  block-allow-list: balist-01\n");
            y.append("  mydumper-config-name: dump-01\n");
            y.append("  mydumper: null\n");
            y.append("  mydumper-thread: 0\n");
            y.append("  loader-config-name: load-01\n");
            y.append("  loader: null\n");
            y.append("  loader-thread: 0\n");
            y.append("  syncer-config-name: ").append(name).append('\n');
            y.append("  syncer: null\n");
            y.append("  syncer-thread: 0\n");
            if (v == DmVersion.V6_1) {
                y.append("  continuous-validator-config-name: validator-01\n");
            } else if (v != DmVersion.V5_4) {
                y.append("  validator-config-name: validator-01\n");
            }
        }
        y.append("online-ddl: true\n");
        y.append("shadow-table-rules: []\n");
        y.append("trash-table-rules: []\n");
        y.append("online-ddl-scheme: \"\"\n");
        y.append("routes: {}\n");
        y.append("filters: {}\n");
        y.append("column-mappings: {}\n");
        y.append("expression-filter: {}\n");
        y.append("black-white-list: {}\n");
        y.append("block-allow-list:\n");
        y.append("  balist-01:\n");
        y.append("    do-tables: []\n");
        y.append("    do-dbs: []\n");
        y.append("    ignore-tables: []\n");
        y.append("    ignore-dbs: []\n");
        y.append("mydumpers:\n");
        y.append("  dump-01:\n");
        y.append("    mydumper-path: ./bin/mydumper\n");
        y.append("    threads: 4\n");
        y.append("    chunk-filesize: \"64\"\n");
        y.append("    statement-size: 0\n");
        y.append("    rows: 0\n");
        y.append("    where: \"\"\n");
        y.append("    skip-tz-utc: true\n");
        y.append("    extra-args: \"\"\n");
        y.append("loaders:\n");
        y.append("  load-01:\n");
        y.append("    pool-size: 16\n");
        y.append("    dir: ./dumped_data\n");
        if (v == DmVersion.V6_1) {
            y.append("    import-mode: sql\n");
            y.append("    on-duplicate: replace\n");
        } else if (v != DmVersion.V5_4) {
            y.append("    sorting-dir-physical: ./dumped_data.").append(cfg.name()).append(".sorting\n");
            y.append("    import-mode: logical\n");
            y.append("    on-duplicate: \"\"\n");
            y.append("    on-duplicate-logical: replace\n");
            y.append("    on-duplicate-physical: none\n");
            y.append("    disk-quota-physical: 0\n");
            y.append("    checksum-physical: required\n");
            y.append("    analyze: optional\n");
            y.append("    range-concurrency: 0\n");
            y.append("    compress-kv-pairs: \"\"\n");
            y.append("    pd-addr: \"\"\n");
        }
        y.append("syncers:\n");
        for (int i = 0; i < syncerBlocks.size(); i++) {
            y.append(String.format("  sync-%02d:\n", i + 1)).append(syncerBlocks.get(i));
        }
        if (v != DmVersion.V5_4) {
            y.append("validators:\n");
            y.append("  validator-01:\n");
            y.append("    mode: none\n");
            y.append("    worker-count: 4\n");
            y.append("    validate-interval: 10s\n");
            y.append("    check-interval: 5s\n");
            y.append("    row-error-delay: 30m0s\n");
            y.append("    meta-flush-interval: ").append(v == DmVersion.V6_1 ? "1m0s" : "5m0s").append('\n');
            y.append("    batch-query-size: 100\n");
            if (v != DmVersion.V6_1) {
                y.append("    max-pending-row-size: 500m\n");
                y.append("    max-pending-row-count: 2147483647\n");
            }
        }
        y.append("clean-dump-file: true\n");
        y.append("ansi-quotes: false\n");
        y.append("remove-meta: false\n");
        if (v == DmVersion.V5_4) {
            y.append("tidb: null\n");
        } else {
            y.append("experimental:\n");
            y.append("  async-checkpoint-flush: false\n");
        }
        return y.toString();
    }

    /** One {@code SyncerConfig} with DM's defaults for what the task left out ({@code dm/config/task.go:392-422@v8.5.4}). */
    private static String syncerBlock(JsonNode given, boolean safeMode, DmVersion v) {
        StringBuilder b = new StringBuilder();
        b.append("    meta-file: \"\"\n");
        b.append("    worker-count: ").append(given.path("worker-count").asInt(16)).append('\n');
        b.append("    batch: ").append(given.path("batch").asInt(100)).append('\n');
        b.append("    queue-size: ").append(given.path("queue-size").asInt(1024)).append('\n');
        b.append("    checkpoint-flush-interval: ").append(given.path("checkpoint-flush-interval").asInt(30)).append('\n');
        b.append("    compact: ").append(given.path("compact").asBoolean(false)).append('\n');
        b.append("    multiple-rows: ").append(given.path("multiple-rows").asBoolean(false)).append('\n');
        b.append("    max-retry: 0\n");
        b.append("    auto-fix-gtid: false\n");
        b.append("    enable-gtid: false\n");
        b.append("    disable-detect: false\n");
        b.append("    safe-mode: ").append(safeMode).append('\n');
        if (v != DmVersion.V5_4 && v != DmVersion.V6_1) {
            b.append("    safe-mode-duration: ").append(scalar(given.path("safe-mode-duration").asText("60s"))).append('\n');
        }
        b.append("    enable-ansi-quotes: false\n");
        return b.toString();
    }

    /**
     * GetCfg SourceType ({@code pingcap/tiflow:dm/master/server.go:2565-2580@v8.5.4}): the stored source config with
     * {@code from.password} as {@code ******}; {@code enable-relay} is what DM-master stores now (the no-name relay
     * start/stop changes it, §7.1).
     */
    static String source(SourceState s, DmVersion v) {
        StringBuilder y = new StringBuilder();
        if (v != DmVersion.V5_4) {
            y.append("enable: true\n");
        }
        y.append("enable-gtid: ").append(s.enableGtid).append('\n');
        y.append("auto-fix-gtid: false\n");
        y.append("relay-dir: ").append(scalar(s.reportedRelayDir)).append('\n');
        y.append("meta-dir: \"\"\n");
        y.append("flavor: mysql\n");
        y.append("charset: \"\"\n");
        y.append("enable-relay: ").append(s.enableRelay).append('\n');
        y.append("relay-binlog-name: ").append(scalar(s.relayBinlogName)).append('\n');
        y.append("relay-binlog-gtid: \"\"\n");
        y.append("source-id: ").append(scalar(s.id)).append('\n');
        y.append("from:\n");
        y.append("  host: ").append(scalar(s.host)).append('\n');
        y.append("  port: ").append(s.port).append('\n');
        y.append("  user: ").append(scalar(s.user)).append('\n');
        y.append("  password: '").append(TaskConfig.PASSWORD_MASK).append("'\n");
        y.append("  max-allowed-packet: null\n");
        y.append("  session: {}\n");
        y.append("  security: null\n");
        y.append("purge:\n");
        y.append("  interval: 3600\n");
        y.append("  expires: 0\n");
        y.append("  remain-space: 15\n");
        y.append("checker:\n");
        y.append("  check-enable: true\n");
        y.append("  backoff-rollback: 5m0s\n");
        y.append("  backoff-max: 5m0s\n");
        y.append("  check-interval: 5s\n");
        y.append("  backoff-min: 1s\n");
        y.append("  backoff-jitter: true\n");
        y.append("  backoff-factor: 2\n");
        y.append("server-id: ").append(Math.abs((long) s.id.hashCode()) % 4_000_000_000L + 1).append('\n');
        y.append("tracer: {}\n");
        y.append("case-sensitive: false\n");
        y.append("filters: []\n");
        return y.toString();
    }

    /**
     * GetCfg WorkerType: the worker's own TOML ({@code Config.Toml()}, {@code pingcap/tiflow:dm/worker/config.go@v8.5.4:
     * 95-143}) with {@code keepalive-ttl}, {@code relay-keepalive-ttl} and (v5.4+) {@code relay-dir}.
     */
    static String worker(WorkerState w, String masterAddr) {
        return "name = \"" + w.name + "\"\n"
                + "log-level = \"info\"\n"
                + "log-file = \"/var/lib/dm-worker/log/dm-worker.log\"\n"
                + "log-format = \"text\"\n"
                + "log-rotate = \"\"\n"
                + "join = \"" + masterAddr + "\"\n"
                + "worker-addr = \"0.0.0.0:8262\"\n"
                + "advertise-addr = \"" + w.addr + "\"\n"
                + "config-file = \"/etc/dm-worker/dm-worker.toml\"\n"
                + "keepalive-ttl = 60\n"
                + "relay-keepalive-ttl = 1800\n"
                + "relay-dir = \"\"\n"
                + "ssl-ca = \"\"\n"
                + "ssl-cert = \"\"\n"
                + "ssl-key = \"\"\n";
    }

    /** go-yaml's scalar: plain when it reads back as the same string, else double-quoted. */
    static String scalar(String s) {
        if (s == null || s.isEmpty()) {
            return "\"\"";
        }
        if (PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(java.util.Locale.ROOT))
                && !NUMBER.matcher(s).matches()) {
            return s;
        }
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        q.append(String.format("\\x%02x", (int) ch));
                    } else {
                        q.append(ch);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
