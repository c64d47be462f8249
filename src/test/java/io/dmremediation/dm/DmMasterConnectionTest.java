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
    void start() throws java.io.IOException {
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
    void everyTaskIsOneGatewayRequestOnEveryVersion() throws Exception {
        for (Runnable version : List.<Runnable>of(this::openApiV6, this::openApiV5, () -> { })) {
            dm.close();
            dm = new FakeDmMaster();
            conn = DmMasterClients.connect(dm.url());
            version.run();
            dm.on("GET", "/apis/v1alpha1/status/", json(DmReplies.gatewayStatusAll("src-01", "orders", Samples.RUNNING,
                    "payments", Samples.PAUSED_10006)));
            conn.detect();
            dm.forget();

            DmSnapshot all = conn.status(List.of());

            assertThat(dm.targets()).containsExactly("GET /apis/v1alpha1/status/");
            assertThat(all.taskNames()).containsExactly("orders", "payments");
            assertThat(all.subtasksOf("orders").get(0).stage()).isEqualTo(Stage.RUNNING);
            // the full ProcessError, RawCause and all, for every paused task in the one reply
            Subtask payments = all.subtasksOf("payments").get(0);
            assertThat(payments.errors().get(0).rawCause()).contains("CONSTRAINT `fk_res` FOREIGN KEY");
            assertThat(payments.errors().get(0).message()).startsWith("startLocation:");
            assertThat(conn.statusWay()).isEqualTo(ClusterStatus.Way.ALL);
        }
    }

    @Test
    void aFewNamedTasksAreAskedOneByOneManyShareTheRequestForAll() {
        openApiV6();
        dm.on("GET", "/apis/v1alpha1/status/orders", json(DmReplies.gatewayStatus(Samples.RUNNING, "orders")));
        dm.on("GET", "/apis/v1alpha1/status/payments", json(DmReplies.gatewayStatus(Samples.PAUSED_10006, "payments")));
        dm.on("GET", "/apis/v1alpha1/status/", json(DmReplies.gatewayStatusAll("src-01", "a", Samples.RUNNING,
                "b", Samples.RUNNING, "c", Samples.RUNNING, "d", Samples.RUNNING, "e", Samples.PAUSED_10006,
                "f", Samples.RUNNING)));
        conn.detect();
        dm.forget();

        DmSnapshot few = conn.status(List.of("orders", "payments", "orders"));
        DmSnapshot many = conn.status(List.of("a", "b", "c", "d", "e", "gone"));

        assertThat(dm.targets()).containsExactly("GET /apis/v1alpha1/status/orders",
                "GET /apis/v1alpha1/status/payments", "GET /apis/v1alpha1/status/");
        assertThat(few.taskNames()).containsExactly("orders", "payments");
        assertThat(few.subtasksOf("payments").get(0).errors().get(0).code()).isEqualTo(10006);
        // cut down to the named tasks; a named task DM-master does not know is absent
        assertThat(many.taskNames()).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void aNamedTaskDmMasterDoesNotKnowIsAbsent() {
        dm.on("GET", "/apis/v1alpha1/status/gone", json(DmReplies.gatewayTaskNotFound("gone")));

        assertThat(conn.status(List.of("gone")).subtasks()).isEmpty();
    }

    @Test
    void anAnswerOverDmsGrpcBoundIsAskedForSourceBySourceFromThenOn() {
        openApiV6();
        dm.on("GET", "/apis/v1alpha1/status/", FakeDmMaster.json(429, DmReplies.gatewayTooLarge()));
        dm.on("GET", "/api/v1/cluster/workers", json("{\"total\": 3, \"data\": ["
                + "{\"name\": \"w0\", \"addr\": \"w0:8262\", \"bound_stage\": \"bound\", \"bound_source_name\": \"src-01\"},"
                + "{\"name\": \"w1\", \"addr\": \"w1:8262\", \"bound_stage\": \"bound\", \"bound_source_name\": \"src-02\"},"
                + "{\"name\": \"w2\", \"addr\": \"w2:8262\", \"bound_stage\": \"free\", \"bound_source_name\": \"\"}]}"));
        dm.onQuery("GET", "/apis/v1alpha1/status/", "sources=src-01",
                json(DmReplies.gatewayStatusAll("src-01", "orders", Samples.RUNNING)));
        dm.onQuery("GET", "/apis/v1alpha1/status/", "sources=src-02",
                json(DmReplies.gatewayStatusAll("src-02", "payments", Samples.PAUSED_10006)));
        conn.detect();
        dm.forget();

        DmSnapshot first = conn.status(List.of());
        DmSnapshot second = conn.status(List.of());

        assertThat(dm.targets()).containsExactly("GET /apis/v1alpha1/status/", "GET /api/v1/cluster/workers",
                "GET /apis/v1alpha1/status/?sources=src-01", "GET /apis/v1alpha1/status/?sources=src-02",
                "GET /api/v1/cluster/workers", "GET /apis/v1alpha1/status/?sources=src-01",
                "GET /apis/v1alpha1/status/?sources=src-02");
        assertThat(first.taskNames()).containsExactly("orders", "payments");
        assertThat(second.subtasksOf("payments").get(0).errors().get(0).code()).isEqualTo(10006);
        assertThat(conn.statusWay()).isEqualTo(ClusterStatus.Way.BY_SOURCE);
        conn.redetect();
        assertThat(conn.statusWay()).isEqualTo(ClusterStatus.Way.ALL);
    }

    @Test
    void anAnswerOverThisClientsOwnBoundIsAskedForSourceBySource() {
        String oneSource = DmReplies.gatewayStatusAll("src-01", "orders", Samples.RUNNING);
        conn = DmMasterClients.connect(dm.url(), DmHttpSettings.DEFAULTS.withMaxReplyBytes(oneSource.length() + 100));
        dm.on("GET", "/apis/v1alpha1/status/", json(DmReplies.gatewayStatusAll("src-01", "orders", Samples.RUNNING,
                "payments", Samples.PAUSED_10006, "refunds", Samples.PAUSED_10006)));
        dm.on("GET", "/apis/v1alpha1/members", json("{\"result\": true, \"msg\": \"\", \"members\": [{\"worker\": "
                + "{\"msg\": \"\", \"workers\": [{\"name\": \"w0\", \"addr\": \"w0:8262\", \"stage\": \"bound\", "
                + "\"source\": \"src-01\"}]}}]}"));
        dm.onQuery("GET", "/apis/v1alpha1/status/", "sources=src-01", json(oneSource));
        conn.detect();
        dm.forget();

        assertThat(conn.status(List.of()).taskNames()).containsExactly("orders");
        assertThat(dm.targets()).containsExactly("GET /apis/v1alpha1/status/", "GET /apis/v1alpha1/members?worker=true",
                "GET /apis/v1alpha1/status/?sources=src-01");
    }

    @Test
    void aSourceWhoseWorkerAnswerIsOverTheBoundIsAskedTaskByTaskAndAPauseEpisodeOnlyOnce() {
        openApiV6();
        String overBound = "{\"result\": true, \"msg\": \"\", \"sources\": [{\"result\": false, \"msg\": "
                + "\"[code=38008:class=dm-master:scope=internal:level=high], Message: grpc request error, RawCause: rpc "
                + "error: code = ResourceExhausted desc = grpc: received message larger than max (4500000 vs. 4194304)\", "
                + "\"sourceStatus\": {\"source\": \"src-01\", \"worker\": \"\", \"result\": null, \"relayStatus\": null}, "
                + "\"subTaskStatus\": []}]}";
        dm.on("GET", "/apis/v1alpha1/status/", json(overBound));
        dm.on("GET", "/api/v1/tasks", json(DmReplies.openApiList(
                DmReplies.openApiTask("orders", "Running", null),
                DmReplies.openApiTask("payments", "Paused", PAUSED_V62))),
                json(DmReplies.openApiList(
                DmReplies.openApiTask("orders", "Running", null),
                DmReplies.openApiTask("payments", "Paused", PAUSED_V62))),
                json(DmReplies.openApiList(
                DmReplies.openApiTask("orders", "Running", null),
                DmReplies.openApiTask("payments", "Paused", PAUSED_V62.replace("parent", "child")))));
        dm.on("GET", "/apis/v1alpha1/status/payments", json(DmReplies.gatewayStatus(Samples.PAUSED_10006, "payments")));
        conn.detect();
        dm.forget();

        DmSnapshot first = conn.status(List.of());
        DmSnapshot second = conn.status(List.of());
        conn.status(List.of());

        assertThat(conn.statusWay()).isEqualTo(ClusterStatus.Way.BY_TASK);
        // the paused task's detail is asked once per pause episode: again only when its error text changed
        assertThat(dm.targets()).containsExactly("GET /apis/v1alpha1/status/",
                "GET /api/v1/tasks?with_status=true", "GET /apis/v1alpha1/status/payments",
                "GET /api/v1/tasks?with_status=true",
                "GET /api/v1/tasks?with_status=true", "GET /apis/v1alpha1/status/payments");
        assertThat(first.subtasksOf("payments").get(0).errors().get(0).rawCause())
                .contains("CONSTRAINT `fk_res` FOREIGN KEY");
        assertThat(second.subtasksOf("payments")).isEqualTo(first.subtasksOf("payments"));
        assertThat(second.subtasksOf("orders").get(0).stage()).isEqualTo(Stage.RUNNING);
    }

    @Test
    void withoutOpenApiTooManyTasksForOneSourceMustBeNamed() {
        String overBound = "{\"result\": true, \"msg\": \"\", \"sources\": [{\"result\": false, \"msg\": "
                + "\"grpc request error: received message larger than max\", \"sourceStatus\": {\"source\": \"src-01\"}, "
                + "\"subTaskStatus\": []}]}";
        dm.on("GET", "/apis/v1alpha1/status/", json(overBound));
        dm.on("GET", "/apis/v1alpha1/status/orders", json(DmReplies.gatewayStatus(Samples.RUNNING, "orders")));
        for (String gone : List.of("o2", "o3", "o4", "o5")) {
            dm.on("GET", "/apis/v1alpha1/status/" + gone, json(DmReplies.gatewayTaskNotFound(gone)));
        }
        conn.detect();

        assertThatThrownBy(() -> conn.status(List.of()))
                .isInstanceOfSatisfying(DmUnsupportedException.class,
                        e -> assertThat(e.kind()).isEqualTo(DmMasterException.Kind.UNSUPPORTED))
                .hasMessageContaining("openapi = true").hasMessageContaining("name the tasks");
        // named, they are asked one by one
        assertThat(conn.status(List.of("orders", "o2", "o3", "o4", "o5")).taskNames()).containsExactly("orders");
    }

    @Test
    void manyThreadsShareOneConnection() throws Exception {
        openApiV6();
        dm.on("GET", "/apis/v1alpha1/status/orders", json(DmReplies.gatewayStatus(Samples.RUNNING, "orders")));
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
        assertThat(dm.targets()).filteredOn(t -> t.startsWith("GET /apis/v1alpha1/status/orders")).hasSize(40);
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
