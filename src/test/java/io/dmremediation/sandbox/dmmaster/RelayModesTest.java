package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.WORKER;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.postJson;
import static io.dmremediation.sandbox.dmmaster.SimSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two relay modes and what can start and stop each (§7.1; {@code Scheduler.StartRelay/StopRelay},
 * {@code pingcap/tiflow:dm/master/scheduler/scheduler.go:1373-1584@v8.5.4}, v5.4.0 and v6.1.0 alike), through the
 * OpenAPI of each flavour: v6+ {@code relay/enable|disable} (bound worker filled in only for an absent or null
 * list), v5.4 {@code start-relay|stop-relay} (list required, passed on as is).
 */
class RelayModesTest {

    private static final String OTHER_SOURCE = "mysql-replica-02";
    private static final String W1 = "basic-dm-worker-1";
    private static final String SPARE = "basic-dm-worker-2";

    private static DmMasterSimulator enableRelaySource(DmVersion v) {
        return SimSupport.oneSource(v, true).worker(W1)
                .source(SourceSpec.source(OTHER_SOURCE).boundTo(W1).binlogFile("mysql-bin.000001", 4096))
                .worker(SPARE).build();
    }

    private static DmMasterSimulator namedRelaySource(DmVersion v) {
        return SimSupport.fast().version(v).worker(WORKER).worker(W1).worker(SPARE)
                .source(SourceSpec.source(SOURCE).boundTo(WORKER).relayWorkers(WORKER).relayBinlogName("mysql-bin.000001")
                        .binlogFile("mysql-bin.000001", 4096).binlogFile("mysql-bin.000002", 1 << 20))
                .source(SourceSpec.source(OTHER_SOURCE).boundTo(W1).relayWorkers(W1).binlogFile("mysql-bin.000001", 4096))
                .build();
    }

    private static String path(DmVersion v, boolean enable) {
        if (v == DmVersion.V5_4) {
            return "/api/v1/sources/" + SOURCE + (enable ? "/start-relay" : "/stop-relay");
        }
        return "/api/v1/sources/" + SOURCE + (enable ? "/relay/enable" : "/relay/disable");
    }

    private static JsonNode refused(SimSupport.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json();
    }

    @ParameterizedTest
    @EnumSource(DmVersion.class)
    void anEnableRelaySourceRefusesWorkerNamesAndTakesTheEmptyList(DmVersion v) {
        try (DmMasterSimulator sim = enableRelaySource(v)) {
            sim.startTask(SimSupport.taskYaml("rm-cfg", false));
            assertThat(sim.subtaskReadsRelay("rm-cfg", SOURCE)).isTrue();
            // naming a worker (v6+: also {} and null, which name the bound worker) → 46031 / 46030
            for (String body : v == DmVersion.V5_4 ? new String[] {"{\"worker_name_list\": [\"" + WORKER + "\"]}"}
                    : new String[] {"{}", "{\"worker_name_list\": null}", "{\"worker_name_list\": [\"" + WORKER + "\"]}"}) {
                JsonNode stop = refused(postJson(sim, path(v, false), body));
                assertThat(stop.path("error_code").asInt()).as(body).isEqualTo(46031);
                assertThat(stop.path("error_msg").asText()).startsWith("[code=46031:class=scheduler:scope=internal:level=low]")
                        .contains("so it can't `stop-relay` with worker name now")
                        .endsWith("Workaround: Please use `stop-relay` without worker name.");
                JsonNode start = refused(postJson(sim, path(v, true), body));
                assertThat(start.path("error_code").asInt()).as(body).isEqualTo(46030);
            }
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");

            // the explicit empty list is the no-name path: enable-relay off, the bound worker disables relay
            assertThat(postJson(sim, path(v, false), "{\"worker_name_list\": []}").status()).isEqualTo(200);
            assertThat(sim.sourceEnableRelay(SOURCE)).isFalse();
            assertThat(sim.relayStage(SOURCE)).isNull();
            assertThat(sim.subtaskReadsRelay("rm-cfg", SOURCE)).isFalse();
            assertThat(status(sim, "rm-cfg").path("sources").path(0).path("sourceStatus").get("relayStatus").isNull())
                    .isTrue();
            assertThat(get(sim, "/apis/v1alpha1/tasks/" + SOURCE + "?type=4").json().path("cfg").asText())
                    .contains("enable-relay: false");

            assertThat(postJson(sim, path(v, true), "{\"worker_name_list\": []}").status()).isEqualTo(200);
            assertThat(sim.sourceEnableRelay(SOURCE)).isTrue();
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            assertThat(sim.subtaskReadsRelay("rm-cfg", SOURCE)).isTrue();
            assertThat(sim.relayWorkers(SOURCE)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(DmVersion.class)
    void aNamedRelaySourceRefusesTheEmptyListAndCheckesTheNames(DmVersion v) {
        try (DmMasterSimulator sim = namedRelaySource(v)) {
            JsonNode stop = refused(postJson(sim, path(v, false), "{\"worker_name_list\": []}"));
            assertThat(stop.path("error_code").asInt()).isEqualTo(46029);
            assertThat(stop.path("error_msg").asText()).contains("for workers [" + WORKER + "]");
            assertThat(refused(postJson(sim, path(v, true), "{\"worker_name_list\": []}")).path("error_code").asInt())
                    .isEqualTo(46028);
            assertThat(refused(postJson(sim, path(v, true), "{\"worker_name_list\": [\"nope\"]}"))
                    .path("error_code").asInt()).isEqualTo(46004);
            assertThat(refused(postJson(sim, path(v, true), "{\"worker_name_list\": [\"" + W1 + "\"]}"))
                    .path("error_code").asInt()).as("bound to another source").isEqualTo(46021);
            assertThat(refused(postJson(sim, path(v, false), "{\"worker_name_list\": [\"" + W1 + "\"]}"))
                    .path("error_code").asInt()).as("relaying another source").isEqualTo(46022);
            // a spare worker that relays the other source cannot relay this one too
            assertThat(postJson(sim, "/api/v1/sources/" + OTHER_SOURCE + (v == DmVersion.V5_4 ? "/start-relay"
                    : "/relay/enable"), "{\"worker_name_list\": [\"" + SPARE + "\"]}").status()).isEqualTo(200);
            assertThat(sim.workerStage(SPARE)).isEqualTo("relay");
            assertThat(refused(postJson(sim, path(v, true), "{\"worker_name_list\": [\"" + SPARE + "\"]}"))
                    .path("error_code").asInt()).isEqualTo(46020);

            assertThat(postJson(sim, path(v, false), "{\"worker_name_list\": [\"" + WORKER + "\"]}").status())
                    .isEqualTo(200);
            assertThat(sim.relayStage(SOURCE)).isNull();
            assertThat(sim.relayWorkers(SOURCE)).isEmpty();
            // already stopped: a no-op
            assertThat(postJson(sim, path(v, false), "{\"worker_name_list\": [\"" + WORKER + "\"]}").status())
                    .isEqualTo(200);
            assertThat(postJson(sim, path(v, true), "{\"worker_name_list\": [\"" + WORKER + "\"]}").status())
                    .isEqualTo(200);
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
            assertThat(sim.sourceEnableRelay(SOURCE)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = DmVersion.class, names = {"V6_1", "V8_5", "V26_3"})
    void withoutAListTheV6HandlersNameTheBoundWorkerAndNeedOne(DmVersion v) {
        try (DmMasterSimulator sim = namedRelaySource(v)) {
            assertThat(postJson(sim, path(v, false), "{}").status()).isEqualTo(200);
            assertThat(sim.relayStage(SOURCE)).isNull();
            assertThat(postJson(sim, path(v, true), "{\"worker_name_list\": null}").status()).isEqualTo(200);
            assertThat(sim.relayWorkers(SOURCE)).containsExactly(WORKER);
            sim.stopWorker(WORKER);
            // the source went to the spare (a free worker), which is not a relay worker of it
            assertThat(sim.boundWorker(SOURCE)).isEqualTo(SPARE);
            sim.stopWorker(SPARE);
            assertThat(sim.boundWorker(SOURCE)).isNull();
            JsonNode none = refused(postJson(sim, path(v, true), "{}"));
            assertThat(none.path("error_code").asInt()).isEqualTo(40070);
            assertThat(none.path("error_msg").asText()).contains("no mysql source is being handled in the worker");
        }
    }

    @ParameterizedTest
    @EnumSource(DmVersion.class)
    void aRelayStartFromAFileRewritesTheSourceConfigOnlyWhileNoTaskRunsThere(DmVersion v) {
        try (DmMasterSimulator sim = enableRelaySource(v)) {
            sim.startTask(SimSupport.taskYaml("rm-from", false));
            postJson(sim, path(v, false), "{\"worker_name_list\": []}");
            // UpdateSourceCfg first: 46025 while a subtask of the source is expected to run (scheduler.go:408-438@v8.5.4)
            JsonNode refused = refused(postJson(sim, path(v, true),
                    "{\"worker_name_list\": [], \"relay_binlog_name\": \"mysql-bin.000002\"}"));
            assertThat(refused.path("error_code").asInt()).isEqualTo(46025);
            assertThat(sim.relayStage(SOURCE)).isNull();
            SimSupport.operate(sim, "rm-from", v == DmVersion.V5_4 ? "Stop" : "Delete");
            assertThat(postJson(sim, path(v, true),
                    "{\"worker_name_list\": [], \"relay_binlog_name\": \"mysql-bin.000002\"}").status()).isEqualTo(200);
            assertThat(get(sim, "/apis/v1alpha1/tasks/" + SOURCE + "?type=4").json().path("cfg").asText())
                    .contains("relay-binlog-name: mysql-bin.000002");
            assertThat(sim.relayStage(SOURCE)).isEqualTo("Running");
        }
    }

    @ParameterizedTest
    @EnumSource(DmVersion.class)
    void listingSourcesByEnableRelayCountsNamedRelayWorkersOnly(DmVersion v) {
        try (DmMasterSimulator sim = enableRelaySource(v)) {
            JsonNode src = get(sim, "/api/v1/sources/" + SOURCE).json();
            if (v == DmVersion.V5_4) {
                assertThat(get(sim, "/api/v1/sources/" + SOURCE).status()).isEqualTo(404);
                return;
            }
            assertThat(src.path("relay_config").path("enable_relay").asBoolean()).isTrue();
            // openapi_controller.go:213-223@v8.5.4: an enable-relay source is "relay off" for this filter
            JsonNode on = get(sim, "/api/v1/sources?enable_relay=true").json();
            assertThat(on.path("total").asInt()).isZero();
        }
    }
}
