package io.dmremediation.sandbox.dmmaster;

import java.util.List;

/**
 * An upstream source as DM-master and its worker know it: its binlog, relay settings and relay dir, the worker
 * it is bound to, and the upstream tables the simulator writes table checkpoints for.
 */
final class SourceState {

    record TableRef(String schema, String table) {
        String quoted() {
            return "`" + schema + "`.`" + table + "`";
        }
    }

    final String id;
    final UpstreamBinlog binlog;
    final RelayDir relayDir;
    /** The relay dir as DM-worker names it in configs and errors (its container path in the sandbox). */
    final String reportedRelayDir;
    final String serverUuid;
    final boolean enableGtid;
    final List<TableRef> tables;
    final String host;
    final int port;
    final String user;
    /** The worker this source goes back to when that worker starts. */
    final String homeWorker;

    String boundWorker;
    boolean relayEnabled;
    RelayUnit relay;

    SourceState(String id, UpstreamBinlog binlog, RelayDir relayDir, String reportedRelayDir, String serverUuid, boolean enableGtid,
                List<TableRef> tables, String host, int port, String user, String homeWorker, boolean relayEnabled) {
        this.id = id;
        this.binlog = binlog;
        this.relayDir = relayDir;
        this.reportedRelayDir = reportedRelayDir != null ? reportedRelayDir : relayDir.root().toString();
        this.serverUuid = serverUuid;
        this.enableGtid = enableGtid;
        this.tables = List.copyOf(tables);
        this.host = host;
        this.port = port;
        this.user = user;
        this.homeWorker = homeWorker;
        this.relayEnabled = relayEnabled;
    }

    /** The current relay sub-directory as DM-worker names it. */
    String reportedSubDirPath() {
        return reportedRelayDir + "/" + relayDir.subDir();
    }

    /**
     * The source YAML GetCfg {@code SourceType} returns (§1.1), password obfuscated as DM does; the relay
     * settings reflect the current state.
     */
    String yaml() {
        return "source-id: " + id + "\n"
                + "enable: true\n"
                + "enable-gtid: " + enableGtid + "\n"
                + "enable-relay: " + relayEnabled + "\n"
                + "relay-binlog-name: \"\"\n"
                + "relay-binlog-gtid: \"\"\n"
                + "relay-dir: " + reportedRelayDir + "\n"
                + "flavor: mysql\n"
                + "from:\n"
                + "  host: " + host + "\n"
                + "  port: " + port + "\n"
                + "  user: " + user + "\n"
                + "  password: '" + TaskConfig.PASSWORD_MASK + "'\n"
                + "checker:\n"
                + "  check-enable: true\n"
                + "  backoff-rollback: 5m0s\n"
                + "  backoff-max: 5m0s\n";
    }
}
