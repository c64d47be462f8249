package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.DmVersion;
import io.dmremediation.sandbox.dmmaster.Fault;
import io.dmremediation.sandbox.dmmaster.SourceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's DM-master client against the DM-master simulator, for every call, in each DM flavour the
 * simulator speaks (5.4, 6.1, 8.5; OpenAPI on and off), and for every faulty reply.
 */
class ClientAgainstSimulatorTest {

    static final String W0 = "basic-dm-worker-0";
    static final String W1 = "basic-dm-worker-1";
    static final DmHttpSettings FAST = DmHttpSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1))
            .withRequestTimeout(Duration.ofSeconds(1));

    static Stream<Arguments> flavours() {
        return Stream.of(Arguments.of(DmVersion.V8_5, true), Arguments.of(DmVersion.V8_5, false),
                Arguments.of(DmVersion.V6_1, true), Arguments.of(DmVersion.V5_4, true),
                Arguments.of(DmVersion.V5_4, false));
    }

    static DmMasterSimulator simulator(DmVersion version, boolean openApi) {
        return DmMasterSimulator.builder().version(version).openApi(openApi)
                .tickInterval(Duration.ofMillis(10))
                .autoResumeCheckInterval(Duration.ofMillis(50))
                .autoResumeBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .checkpointFlushInterval(Duration.ofMillis(50))
                .worker(W0).worker(W1)
                .source(SourceSpec.source("mysql-01").boundTo(W0).binlogFile("mysql-bin.000001", 1 << 20)
                        .binlogFile("mysql-bin.000002", 1 << 20))
                .source(SourceSpec.source("mysql-02").boundTo(W1).enableRelay(true).relayBinlogName("mysql-bin.000001")
                        .binlogFile("mysql-bin.000001", 1 << 20).binlogFile("mysql-bin.000002", 1 << 20))
                .build();
    }

    static String taskYaml(String name, String... sources) {
        StringBuilder b = new StringBuilder("name: " + name + "\ntask-mode: incremental\nmeta-schema: dm_meta\n"
                + "target-database:\n  host: 127.0.0.1\n  port: 4000\n  user: root\n  password: \"pw-123\"\n"
                + "mysql-instances:\n");
        for (String s : sources) {
            b.append("  - source-id: ").append(s).append("\n    meta:\n      binlog-name: mysql-bin.000001\n"
                    + "      binlog-pos: 4\n    syncer-config-name: global\n");
        }
        return b.append("syncers:\n  global:\n    worker-count: 16\n    safe-mode: false\n").toString();
    }

    @ParameterizedTest(name = "{0} openapi={1}")
    @MethodSource("flavours")
    void everyCallOfTheClient(DmVersion version, boolean openApi) {
        try (DmMasterSimulator sim = simulator(version, openApi)) {
            DmMaster dm = DmMasterClients.connect(sim.url(), FAST);
            // DM 5.x's OpenAPI has no status list, so status goes through the gateway there
            assertThat(dm.api()).isEqualTo(openApi && version != DmVersion.V5_4 ? DmApi.OPENAPI : DmApi.GATEWAY);

            dm.startTask(taskYaml("orders", "mysql-01"));
            dm.startTask(taskYaml("crm", "mysql-02"));
            assertThatThrownBy(() -> dm.startTask(taskYaml("orders", "mysql-01")))
                    .isInstanceOfSatisfying(DmErrorReplyException.class, e -> assertThat(e.isTaskAlreadyExists()).isTrue());

            DmSnapshot s = dm.status(List.of("orders", "crm", "missing"));
            assertThat(s.taskNames()).containsExactlyInAnyOrder("orders", "crm");
            Subtask orders = s.subtasksOf("orders").get(0);
            assertThat(orders.source()).isEqualTo("mysql-01");
            assertThat(orders.worker()).isEqualTo(W0);
            assertThat(orders.stage()).isEqualTo(Stage.RUNNING);
            assertThat(orders.unit()).isEqualTo(Unit.SYNC);
            assertThat(orders.errors()).isEmpty();

            if (openApi) {
                assertThat(dm.taskNames()).hasValueSatisfying(n -> assertThat(n).containsExactlyInAnyOrder("orders", "crm"));
                assertThat(dm.status(List.of()).taskNames()).containsExactlyInAnyOrder("orders", "crm");
                assertThat(dm.relayStatus("mysql-02")).hasValueSatisfying(relays -> assertThat(relays)
                        .singleElement().satisfies(r -> assertThat(r.stage()).isEqualTo(Stage.RUNNING)));
            } else {
                assertThat(dm.taskNames()).isEmpty();
                // every task at once needs no task list: the gateway's query-status without a name has them all
                assertThat(dm.status(List.of()).taskNames()).containsExactlyInAnyOrder("orders", "crm");
                assertThat(dm.relayStatus("mysql-02")).isEmpty();
                assertThatThrownBy(() -> dm.disableRelay("mysql-02", List.of(W1)))
                        .isInstanceOf(DmUnsupportedException.class).hasMessageContaining("openapi");
            }

            // the config comes back with DM's mask instead of the password (GetCfg does that on purpose)
            String cfg = dm.taskConfig("orders");
            assertThat(cfg).contains("name: orders").doesNotContain("pw-123");
            assertThat(dm.sourceConfig("mysql-02")).hasValueSatisfying(y -> assertThat(y).contains("relay-dir"));
            assertThat(dm.sourceConfig("no-such-source")).isEmpty();
            assertThat(dm.workers()).extracting(w -> w.name()).containsExactlyInAnyOrder(W0, W1);
            assertThat(dm.workers()).filteredOn(w -> w.name().equals(W1))
                    .singleElement().satisfies(w -> assertThat(w.boundSource()).isEqualTo("mysql-02"));

            dm.pauseTask("orders");
            await().atMost(Duration.ofSeconds(5)).until(() -> "Paused".equals(sim.subtaskStage("orders", "mysql-01")));
            Subtask paused = dm.status(List.of("orders")).subtasksOf("orders").get(0);
            assertThat(paused.canceled()).isTrue();
            assertThat(Diagnosis.diagnose(dm.status(List.of("orders")))).isEmpty();
            dm.resumeTask("orders");
            await().atMost(Duration.ofSeconds(5)).until(() -> "Running".equals(sim.subtaskStage("orders", "mysql-01")));

            dm.stopTask("orders");
            assertThat(sim.taskExists("orders")).isFalse();
            assertThat(dm.status(List.of("orders")).subtasksOf("orders")).isEmpty();
            assertThat(sim.requests("PUT", "/apis/v1alpha1/tasks/orders").stream()
                    .anyMatch(r -> r.body().contains(version == DmVersion.V5_4 ? "Stop" : "Delete"))).isTrue();
            assertThatThrownBy(() -> dm.taskConfig("orders")).isInstanceOf(DmErrorReplyException.class);

            if (openApi) {
                // mysql-02 has enable-relay in its source config: naming its worker is refused (46031), and only
                // the no-name path, the empty list, stops and starts it (dm-facts §7.1)
                assertThatThrownBy(() -> dm.disableRelay("mysql-02", List.of(W1)))
                        .isInstanceOfSatisfying(DmErrorReplyException.class, e -> assertThat(e.code()).isEqualTo(46031));
                dm.disableRelay("mysql-02", List.of());
                await().atMost(Duration.ofSeconds(5)).until(() -> dm.relayStatus("mysql-02").orElseThrow().isEmpty());
                assertThat(dm.sourceConfig("mysql-02")).hasValueSatisfying(y -> assertThat(y).contains("enable-relay: false"));
                dm.enableRelay("mysql-02", List.of());
                await().atMost(Duration.ofSeconds(5)).until(() -> dm.relayStatus("mysql-02").orElseThrow().stream()
                        .anyMatch(r -> r.stage() == Stage.RUNNING));
            }
        }
    }

    @ParameterizedTest(name = "{0} openapi={1}")
    @MethodSource("flavours")
    void faqFaultsReachDiagnosisInEveryFlavour(DmVersion version, boolean openApi) {
        try (DmMasterSimulator sim = simulator(version, openApi)) {
            DmMaster dm = DmMasterClients.connect(sim.url(), FAST);
            dm.startTask(taskYaml("orders", "mysql-01"));
            dm.startTask(taskYaml("crm", "mysql-02"));
            sim.injectBadConnection("orders", "mysql-01", Integer.MAX_VALUE);
            sim.injectSyncerOverflow("crm", "mysql-02", "mysql-bin.000002");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Finding> f = Diagnosis.diagnose(dm.status(List.of("orders", "crm")));
                assertThat(f).anySatisfy(x -> {
                    assertThat(x.task()).isEqualTo("orders");
                    assertThat(x.errorClass()).isEqualTo(ErrorClass.BAD_CONNECTION);
                });
                assertThat(f).anySatisfy(x -> {
                    assertThat(x.task()).isEqualTo("crm");
                    assertThat(x.errorClass()).isEqualTo(ErrorClass.SYNCER_BINLOG_OVERFLOW);
                });
            });
        }
    }

    @ParameterizedTest(name = "{0} openapi={1}")
    @MethodSource("flavours")
    void aRelayOverflowIsSeenBehindARunningTask(DmVersion version, boolean openApi) {
        try (DmMasterSimulator sim = simulator(version, openApi)) {
            DmMaster dm = DmMasterClients.connect(sim.url(), FAST);
            dm.startTask(taskYaml("crm", "mysql-02"));
            sim.injectRelayOverflow("mysql-02", sim.nextBinlogFile("mysql-02"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                DmSnapshot s = dm.status(List.of("crm"));
                Optional<Relay> relay = s.relayOf("mysql-02");
                assertThat(relay).hasValueSatisfying(r -> assertThat(r.errors()).isNotEmpty());
                assertThat(Diagnosis.diagnose(s)).anySatisfy(f -> {
                    assertThat(f.task()).isNull();
                    assertThat(f.errorClass()).isEqualTo(ErrorClass.RELAY_BINLOG_OVERFLOW);
                });
            });
        }
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(Fault.http500(), DmMasterException.Kind.HTTP_STATUS),
                Arguments.of(Fault.dmError(), DmMasterException.Kind.ERROR_REPLY),
                Arguments.of(Fault.garbage(), DmMasterException.Kind.BAD_REPLY),
                Arguments.of(Fault.truncated(), DmMasterException.Kind.BAD_REPLY),
                Arguments.of(Fault.slow(Duration.ofSeconds(3)), DmMasterException.Kind.TIMEOUT),
                Arguments.of(Fault.close(), DmMasterException.Kind.UNREACHABLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void everyFaultyReplyIsATypedErrorAndRecoveryFollows(Fault fault, DmMasterException.Kind kind) {
        try (DmMasterSimulator sim = simulator(DmVersion.V8_5, true)) {
            DmMaster dm = DmMasterClients.connect(sim.url(), FAST);
            dm.startTask(taskYaml("orders", "mysql-01"));
            dm.status(List.of("orders"));
            sim.replyFault(fault);
            assertThatThrownBy(() -> dm.status(List.of("orders")))
                    .isInstanceOfSatisfying(DmMasterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(kind);
                        assertThat(e.getMessage()).contains(sim.url()).doesNotContain("\n");
                    });
            assertThatThrownBy(() -> dm.taskConfig("orders")).isInstanceOf(DmMasterException.class);
            sim.clearFaults();
            assertThat(dm.status(List.of("orders")).subtasksOf("orders")).hasSize(1);
        }
    }

    @ParameterizedTest(name = "openapi={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void nothingListeningIsUnreachable(boolean unused) {
        DmMaster dm = DmMasterClients.connect("http://127.0.0.1:9", FAST);
        assertThatThrownBy(() -> dm.status(List.of("orders")))
                .isInstanceOfSatisfying(DmMasterException.class,
                        e -> assertThat(e.kind()).isEqualTo(DmMasterException.Kind.UNREACHABLE));
    }
}
