package io.dmremediation.dm;

import static io.dmremediation.dm.FakeDmMaster.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DmMasterConnection}: detection, the status poll's requests, and which API each call uses. */
class DmMasterConnectionTest {

    private static final String PAUSED_V62 = "[code=10006:class=database:scope=not-set:level=high], Message: "
            + "execute statement failed: DELETE FROM `fk_lab`.`parent` WHERE `id` = ? LIMIT 1, RawCause: Error 1451 "
            + "(23000): Cannot delete or update a parent row.\\n";

    private FakeDmMaster dm;
    private DmMasterConnection conn;

    @BeforeEach
    void start() throws Exception {
        dm = new FakeDmMaster();
        conn = DmMasterClients.connect(dm.url());
    }

    @AfterEach
    void stop() {
        dm.close();
    }

    private void openApiV6() {
        dm.on("GET", "/api/v1/dm.json", json(DmReplies.specV6()));
    }

    private void openApiV5() {
        dm.on("GET", "/api/v1/dm.json", json(DmReplies.specV5()));
    }

    // ---- detection ----

    @Test
    void detectsV6() {
        openApiV6();
        assertThat(conn.detect()).isEqualTo(OpenApiSupport.V6);
        assertThat(conn.api()).isEqualTo(DmApi.OPENAPI);
        assertThat(dm.targets()).containsExactly("GET /api/v1/dm.json");
    }

    @Test
    void detectsV5() {
        openApiV5();
        assertThat(conn.detect()).isEqualTo(OpenApiSupport.V5);
        assertThat(conn.api()).isEqualTo(DmApi.GATEWAY);
    }

    @Test
    void notFoundMeansOpenApiIsOff() {
        // no route: the fake answers Go's "404 page not found", as DM-master does without openapi = true
        assertThat(conn.detect()).isEqualTo(OpenApiSupport.OFF);
        assertThat(conn.api()).isEqualTo(DmApi.GATEWAY);
        assertThat(conn.taskNames()).isEmpty();
    }

    @Test
    void aServerErrorDuringDetectionIsAnErrorNotOff() {
        dm.on("GET", "/api/v1/dm.json", FakeDmMaster.text(503, "upstream connect error"), json(DmReplies.specV6()));

        assertThatThrownBy(() -> conn.api()).isInstanceOfSatisfying(DmHttpStatusException.class,
                e -> assertThat(e.status()).isEqualTo(503));
        // nothing was remembered: the next call detects again
        assertThat(conn.api()).isEqualTo(DmApi.OPENAPI);
        assertThat(dm.targets()).containsExactly("GET /api/v1/dm.json", "GET /api/v1/dm.json");
    }

    /**
     * Real DM v6.5.0 without a TiUP topology (as under TiDB Operator) panics in GET /api/v1/dm.json: gin's recovery
     * answers 500 with no body. The v6 get-task route tells the generation instead (docs/real-dm-checks.md).
     */
    @Test
    void aV6MasterWhoseSpecRoutePanicsIsStillDetectedAsV6() {
        dm.on("GET", "/api/v1/dm.json", FakeDmMaster.text(500, ""));
        dm.on("GET", "/api/v1/tasks/" + OpenApiClient.V6_PROBE_TASK, json(400, "{\"error_code\": 46018, \"error_msg\": "
                + "\"[code=46018:class=scheduler:scope=internal:level=medium], Message: task with name "
                + OpenApiClient.V6_PROBE_TASK + " not exist\"}"));

        assertThat(conn.detect()).isEqualTo(OpenApiSupport.V6);
        assertThat(dm.targets()).containsExactly("GET /api/v1/dm.json", "GET /api/v1/tasks/" + OpenApiClient.V6_PROBE_TASK);
    }

    @Test
    void aPanickingSpecRouteWithoutTheV6TaskRouteStaysAnError() {
        dm.on("GET", "/api/v1/dm.json", FakeDmMaster.text(500, ""));
        dm.on("GET", "/api/v1/tasks/" + OpenApiClient.V6_PROBE_TASK, json(400, "{\"error\": \"method not allowed\"}"));

        assertThatThrownBy(() -> conn.detect()).isInstanceOfSatisfying(DmHttpStatusException.class,
                e -> assertThat(e.status()).isEqualTo(500));
    }

    @Test
    void aSpecThatIsNotJsonIsABadReply() {
        dm.on("GET", "/api/v1/dm.json", FakeDmMaster.text(200, "<html>Swagger UI</html>"));
        assertThatThrownBy(() -> conn.detect()).isInstanceOf(DmBadReplyException.class)
                .hasMessageContaining("GET /api/v1/dm.json");
    }

    @Test
    void detectionHappensOnceUntilRedetect() {
        openApiV5();
        dm.on("POST", "/api/v1/sources/src-01/start-relay", json(""));
        dm.on("POST", "/api/v1/sources/src-01/relay/enable", json(""));

        conn.enableRelay("src-01", List.of("dm-worker-0"));
        openApiV6(); // DM-master upgraded
        conn.enableRelay("src-01", List.of("dm-worker-0"));
        conn.redetect();
        conn.enableRelay("src-01", List.of("dm-worker-0"));

        assertThat(dm.targets()).containsExactly(
                "GET /api/v1/dm.json",
                "POST /api/v1/sources/src-01/start-relay",
                "POST /api/v1/sources/src-01/start-relay",
                "GET /api/v1/dm.json",
                "POST /api/v1/sources/src-01/relay/enable");
    }

    // ---- status ----

    @Test
    void healthyTasksWithOpenApiTakeOneRequest() {
        openApiV6();
        dm.on("GET", "/api/v1/tasks", json(DmReplies.openApiList(
                DmReplies.openApiTask("orders", "Running", null), DmReplies.openApiTask("payments", "Finished", null))));
        conn.detect();
        dm.forget();

        DmSnapshot all = conn.status(List.of());
        DmSnapshot one = conn.status(List.of("orders"));

        assertThat(dm.targets()).containsExactly("GET /api/v1/tasks?with_status=true", "GET /api/v1/tasks?with_status=true");
        assertThat(all.taskNames()).containsExactly("orders", "payments");
        assertThat(all.subtasksOf("orders").get(0).stage()).isEqualTo(Stage.RUNNING);
        assertThat(all.subtasksOf("payments").get(0).stage()).isEqualTo(Stage.FINISHED);
        assertThat(one.taskNames()).containsExactly("orders");
        assertThat(conn.api()).isEqualTo(DmApi.OPENAPI);
    }

    @Test
    void onlyUnhealthyTasksAreAskedAgainThroughTheGateway() {
        openApiV6();
        dm.on("GET", "/api/v1/tasks", json(DmReplies.openApiList(
                DmReplies.openApiTask("orders", "Running", null),
                DmReplies.openApiTask("payments", "Paused", PAUSED_V62),
                DmReplies.openApiTask("stopped", "Paused", null))));
        dm.on("GET", "/apis/v1alpha1/status/payments", json(DmReplies.gatewayStatus(Samples.PAUSED_10006, "payments")));
        dm.on("GET", "/apis/v1alpha1/status/stopped", json(DmReplies.gatewayStatus(Samples.PAUSED_10006, "stopped")));
        conn.detect();
        dm.forget();

        DmSnapshot s = conn.status(List.of("orders", "payments"));

        assertThat(dm.targets()).containsExactly("GET /api/v1/tasks?with_status=true", "GET /apis/v1alpha1/status/payments");
        assertThat(s.taskNames()).containsExactly("orders", "payments");
        Subtask payments = s.subtasksOf("payments").get(0);
        // the gateway's full ProcessError, not OpenAPI's shortened line
        assertThat(payments.errors().get(0).rawCause()).contains("CONSTRAINT `fk_res` FOREIGN KEY");
        assertThat(payments.errors().get(0).message()).startsWith("startLocation:");
        assertThat(payments.sync().syncerBinlog().pos()).isEqualTo(4965);
        assertThat(s.subtasksOf("orders").get(0).errors()).isEmpty();
    }

    @Test
    void aNamedTaskDmMasterDoesNotKnowIsAbsent() {
        openApiV6();
        dm.on("GET", "/api/v1/tasks", json(DmReplies.openApiList(DmReplies.openApiTask("orders", "Running", null))));

        assertThat(conn.status(List.of("gone")).subtasks()).isEmpty();
    }

    @Test
    void withoutOpenApiOneGatewayRequestPerTask() {
        dm.on("GET", "/apis/v1alpha1/status/orders", json(DmReplies.gatewayStatus(Samples.RUNNING, "orders")));
        dm.on("GET", "/apis/v1alpha1/status/payments", json(DmReplies.gatewayStatus(Samples.PAUSED_10006, "payments")));
        dm.on("GET", "/apis/v1alpha1/status/gone", json(DmReplies.gatewayTaskNotFound("gone")));
        conn.detect();
        dm.forget();

        DmSnapshot s = conn.status(List.of("orders", "payments", "orders", "gone"));

        assertThat(dm.targets()).containsExactly("GET /apis/v1alpha1/status/orders",
                "GET /apis/v1alpha1/status/payments", "GET /apis/v1alpha1/status/gone");
        assertThat(s.taskNames()).containsExactly("orders", "payments");
        assertThat(s.subtasksOf("payments").get(0).errors().get(0).code()).isEqualTo(10006);
        assertThat(conn.api()).isEqualTo(DmApi.GATEWAY);
    }

    @Test
    void withoutOpenApiEveryTaskCannotBeListed() {
        assertThatThrownBy(() -> conn.status(List.of()))
                .isInstanceOfSatisfying(DmUnsupportedException.class,
                        e -> assertThat(e.kind()).isEqualTo(DmMasterException.Kind.UNSUPPORTED))
                .hasMessageContaining("openapi = true").hasMessageContaining("name the tasks");
        assertThat(dm.targets()).containsExactly("GET /api/v1/dm.json");
    }

    @Test
    void v5ListsTheTasksThenAsksTheGateway() {
        openApiV5();
        dm.on("GET", "/api/v1/tasks", json("{\"total\": 1, \"data\": [{\"name\": \"orders\", \"task_mode\": \"all\"}]}"));
        dm.on("GET", "/apis/v1alpha1/status/orders", json(DmReplies.gatewayStatus(Samples.RUNNING, "orders")));
        conn.detect();
        dm.forget();

        DmSnapshot s = conn.status(List.of());

        assertThat(dm.targets()).containsExactly("GET /api/v1/tasks", "GET /apis/v1alpha1/status/orders");
        assertThat(s.taskNames()).containsExactly("orders");
        assertThat(conn.taskNames()).contains(List.of("orders"));
    }

    @Test
    void manyThreadsShareOneConnection() throws Exception {
        openApiV6();
        dm.on("GET", "/api/v1/tasks", json(DmReplies.openApiList(DmReplies.openApiTask("orders", "Running", null))));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<DmSnapshot>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(() -> conn.status(List.of("orders")));
            }
            for (Future<DmSnapshot> f : pool.invokeAll(calls)) {
                assertThat(f.get().taskNames()).containsExactly("orders");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(dm.targets()).filteredOn(t -> t.equals("GET /api/v1/dm.json")).hasSize(1);
        assertThat(dm.targets()).filteredOn(t -> t.startsWith("GET /api/v1/tasks")).hasSize(40);
    }

    // ---- the other reads ----

    @Test
    void taskNamesWithOpenApi() {
        openApiV6();
        dm.on("GET", "/api/v1/tasks", json(DmReplies.openApiList(
                DmReplies.openApiTask("orders", "Running", null), "{\"name\": \"payments\"}")));
        assertThat(conn.taskNames()).contains(List.of("orders", "payments"));
        assertThat(dm.targets()).containsExactly("GET /api/v1/dm.json", "GET /api/v1/tasks");
    }

    @Test
    void workersFromOpenApiWhenOn() {
        openApiV6();
        dm.on("GET", "/api/v1/cluster/workers", json("{\"total\": 1, \"data\": [{\"name\": \"dm-worker-0\", "
                + "\"addr\": \"10.0.0.5:8262\", \"bound_stage\": \"bound\", \"bound_source_name\": \"src-01\"}]}"));

        assertThat(conn.workers()).containsExactly(new Worker("dm-worker-0", "10.0.0.5:8262", "bound", "src-01"));
        assertThat(dm.targets()).endsWith("GET /api/v1/cluster/workers");
    }

    @Test
    void workersFromGatewayMembersWhenOff() {
        dm.on("GET", "/apis/v1alpha1/members", json("{\"result\": true, \"msg\": \"\", \"members\": [{\"worker\": "
                + "{\"msg\": \"\", \"workers\": [{\"name\": \"dm-worker-0\", \"addr\": \"10.0.0.5:8262\", "
                + "\"stage\": \"bound\", \"source\": \"src-01\"}]}}]}"));

        assertThat(conn.workers()).containsExactly(new Worker("dm-worker-0", "10.0.0.5:8262", "bound", "src-01"));
        assertThat(dm.requests().get(1).path()).isEqualTo("/apis/v1alpha1/members");
        assertThat(dm.requests().get(1).query()).isEqualTo("worker=true");
    }

    @Test
    void relayStatusFromOpenApiSourceStatus() {
        openApiV6();
        dm.on("GET", "/api/v1/sources/src-01/status", json("{\"total\": 1, \"data\": [{\"source_name\": \"src-01\", "
                + "\"worker_name\": \"dm-worker-0\", \"relay_status\": {\"master_binlog\": \"(mysql-bin.000004, 194)\", "
                + "\"master_binlog_gtid\": \"\", \"relay_dir\": \"53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001\", "
                + "\"relay_binlog_gtid\": \"\", \"relay_catch_up_master\": true, \"stage\": \"Running\"}}]}"));

        Optional<List<Relay>> relays = conn.relayStatus("src-01");

        assertThat(relays).get().asList().singleElement().satisfies(r -> {
            assertThat(((Relay) r).stage()).isEqualTo(Stage.RUNNING);
            assertThat(((Relay) r).relaySubDir()).isEqualTo("53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001");
        });
    }

    @Test
    void relayStatusWithoutOpenApiIsUnknownAndAsksNothing() {
        conn.detect();
        dm.forget();
        assertThat(conn.relayStatus("src-01")).isEmpty();
        assertThat(dm.targets()).isEmpty();
    }

    // ---- relay control ----

    @Test
    void relayControlOnV6() {
        openApiV6();
        dm.on("POST", "/api/v1/sources/src-01/relay/disable", json(""));
        dm.on("POST", "/api/v1/sources/src-01/relay/enable", json(""));

        conn.disableRelay("src-01", List.of("dm-worker-0"));
        conn.enableRelay("src-01", List.of("dm-worker-0", "dm-worker-1"));

        assertThat(dm.requests().subList(1, 3)).extracting(FakeDmMaster.Request::target, FakeDmMaster.Request::body)
                .containsExactly(
                        tuple("POST /api/v1/sources/src-01/relay/disable",
                                "{\"worker_name_list\":[\"dm-worker-0\"]}"),
                        tuple("POST /api/v1/sources/src-01/relay/enable",
                                "{\"worker_name_list\":[\"dm-worker-0\",\"dm-worker-1\"]}"));
    }

    @Test
    void relayControlOnV5() {
        openApiV5();
        dm.on("POST", "/api/v1/sources/src-01/stop-relay", json(""));
        dm.on("POST", "/api/v1/sources/src-01/start-relay", json(""));

        conn.disableRelay("src-01", List.of("dm-worker-0"));
        conn.enableRelay("src-01", List.of("dm-worker-0"));

        assertThat(dm.requests().subList(1, 3)).extracting(FakeDmMaster.Request::target, FakeDmMaster.Request::body)
                .containsExactly(
                        tuple("POST /api/v1/sources/src-01/stop-relay",
                                "{\"worker_name_list\":[\"dm-worker-0\"]}"),
                        tuple("POST /api/v1/sources/src-01/start-relay",
                                "{\"worker_name_list\":[\"dm-worker-0\"]}"));
    }

    @Test
    void relayControlWithoutOpenApiSaysWhatIsMissing() {
        conn.detect();
        dm.forget();
        assertThatThrownBy(() -> conn.disableRelay("src-01", List.of("dm-worker-0")))
                .isInstanceOf(DmUnsupportedException.class)
                .hasMessageContaining("relay control needs DM-master's openapi = true");
        assertThatThrownBy(() -> conn.enableRelay("src-01", List.of("dm-worker-0")))
                .isInstanceOf(DmUnsupportedException.class);
        assertThat(dm.targets()).isEmpty();
    }

    @Test
    void relayRefusedByDmIsAnErrorReplyWithItsCode() {
        openApiV6();
        dm.on("POST", "/api/v1/sources/src-01/relay/enable", json(400, DmReplies.openApiError(46021,
                "[code=46021:class=scheduler:scope=internal:level=high], Message: these workers [dm-worker-9] have "
                        + "bound for another sources [src-02] respectively")));

        assertThatThrownBy(() -> conn.enableRelay("src-01", List.of("dm-worker-9")))
                .isInstanceOfSatisfying(DmErrorReplyException.class, e -> assertThat(e.code()).isEqualTo(46021))
                .hasMessageStartingWith("DM-master at " + dm.url() + " refused POST /api/v1/sources/src-01/relay/enable: ");
    }
}
