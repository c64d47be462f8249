package io.dmremediation.dm;

import static io.dmremediation.dm.FakeDmMaster.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Task control and config reads through the gateway: what each call sends and how DM's answers are read. */
class GatewayClientTest {

    private static final String TASK_YAML = "name: orders\ntask-mode: incremental\nmeta-schema: \"dm_meta\"\n"
            + "target-database:\n  host: \"tidb\"\n  port: 4000\n  user: \"root\"\n  password: \"s3cr3t-Pw!\"\n"
            + "mysql-instances:\n  - source-id: \"src-01\"\n";

    private FakeDmMaster dm;
    private GatewayClient gateway;

    @BeforeEach
    void start() throws Exception {
        dm = new FakeDmMaster();
        gateway = new GatewayClient(dm.url() + "/");
    }

    @AfterEach
    void stop() {
        dm.close();
    }

    private List<String> bodies() {
        return dm.requests().stream().map(FakeDmMaster.Request::body).toList();
    }

    // ---- stop-task ----

    @Test
    void stopTaskSendsDelete() {
        dm.on("PUT", "/apis/v1alpha1/tasks/orders", json(DmReplies.operateOk("Delete")));

        gateway.stopTask("orders");

        assertThat(dm.targets()).containsExactly("PUT /apis/v1alpha1/tasks/orders");
        assertThat(bodies()).containsExactly("{\"op\":\"Delete\"}");
    }

    @Test
    void dm5RejectsDeleteAtTheGatewaySoStopIsUsedAndRemembered() {
        dm.on("PUT", "/apis/v1alpha1/tasks/orders",
                json(400, DmReplies.gatewayUnknownEnum("Delete")), json(DmReplies.operateOk("Stop")));

        gateway.stopTask("orders");
        gateway.stopTask("orders");

        assertThat(bodies()).containsExactly("{\"op\":\"Delete\"}", "{\"op\":\"Stop\"}", "{\"op\":\"Stop\"}");
        assertThat(gateway.stopOp()).isEqualTo("Stop");
    }

    @Test
    void aMasterThatKnowsTheEnumButNotTheOpAlsoFallsBack() {
        dm.on("PUT", "/apis/v1alpha1/tasks/orders",
                json(DmReplies.operateInvalidOp("Delete")), json(DmReplies.operateOk("Stop")));

        gateway.stopTask("orders");

        assertThat(bodies()).containsExactly("{\"op\":\"Delete\"}", "{\"op\":\"Stop\"}");
    }

    @Test
    void afterAnUpgradeTheRememberedStopIsRejectedAndDeleteComesBack() {
        dm.on("PUT", "/apis/v1alpha1/tasks/orders", json(400, DmReplies.gatewayUnknownEnum("Delete")),
                json(DmReplies.operateOk("Stop")), json(DmReplies.operateInvalidOp("Stop")),
                json(DmReplies.operateOk("Delete")));

        gateway.stopTask("orders");
        gateway.stopTask("orders");

        assertThat(bodies()).containsExactly("{\"op\":\"Delete\"}", "{\"op\":\"Stop\"}", "{\"op\":\"Stop\"}",
                "{\"op\":\"Delete\"}");
        assertThat(gateway.stopOp()).isEqualTo("Delete");
    }

    @Test
    void otherStopFailuresAreNotRetried() {
        dm.on("PUT", "/apis/v1alpha1/tasks/orders", json(DmReplies.gatewayTaskNotFound("orders")));
        dm.on("PUT", "/apis/v1alpha1/tasks/pay", FakeDmMaster.text(500, "boom"));

        assertThatThrownBy(() -> gateway.stopTask("orders")).isInstanceOfSatisfying(DmErrorReplyException.class,
                e -> assertThat(e.isTaskNotFound()).isTrue());
        assertThatThrownBy(() -> gateway.stopTask("pay")).isInstanceOf(DmHttpStatusException.class);
        assertThat(dm.targets()).hasSize(2);
        assertThat(gateway.stopOp()).isEqualTo("Delete");
    }

    @Test
    void aSourceThatFailedTheOperationFailsTheCall() {
        // OperateTaskResponse.result true with a CommonWorkerResponse result false (getSourceRespsAfterOperation)
        dm.on("PUT", "/apis/v1alpha1/tasks/orders", json("{\"op\": \"Delete\", \"result\": true, \"msg\": \"\", "
                + "\"sources\": [{\"result\": false, \"msg\": \"[code=38033:class=dm-master:scope=internal:level=high], "
                + "Message: request timeout\", \"source\": \"src-01\", \"worker\": \"dm-worker-0\"}]}"));

        assertThatThrownBy(() -> gateway.stopTask("orders")).isInstanceOfSatisfying(DmErrorReplyException.class, e -> {
            assertThat(e.code()).isEqualTo(38033);
            assertThat(e.dmMessage()).startsWith("src-01: ");
        });
    }

    // ---- pause / resume ----

    @Test
    void pauseAndResume() {
        dm.on("PUT", "/apis/v1alpha1/tasks/orders", json(DmReplies.operateOk("Pause")));

        gateway.pauseTask("orders");
        gateway.resumeTask("orders");

        assertThat(dm.targets()).containsExactly("PUT /apis/v1alpha1/tasks/orders", "PUT /apis/v1alpha1/tasks/orders");
        assertThat(bodies()).containsExactly("{\"op\":\"Pause\"}", "{\"op\":\"Resume\"}");
    }

    // ---- start-task ----

    @Test
    void startTaskPostsTheYamlAsIs() throws Exception {
        dm.on("POST", "/apis/v1alpha1/tasks", json(DmReplies.startOk()));

        gateway.startTask(TASK_YAML);

        assertThat(dm.targets()).containsExactly("POST /apis/v1alpha1/tasks");
        JsonNode body = Samples.JSON.readTree(dm.requests().get(0).body());
        assertThat(body.get("task").textValue()).isEqualTo(TASK_YAML);
        assertThat(body.get("sources").isArray()).isTrue();
        assertThat(body.get("sources")).isEmpty();
        assertThat(body.size()).isEqualTo(2); // no removeMeta, no startTime
    }

    @Test
    void startingATaskThatExistsIsToldApart() {
        dm.on("POST", "/apis/v1alpha1/tasks", json(DmReplies.startExists("orders")));

        assertThatThrownBy(() -> gateway.startTask(TASK_YAML)).isInstanceOfSatisfying(DmErrorReplyException.class, e -> {
            assertThat(e.code()).isEqualTo(46014);
            assertThat(e.isTaskAlreadyExists()).isTrue();
            assertThat(e.isTaskNotFound()).isFalse();
        });
    }

    @Test
    void otherStartFailuresAreNotAlreadyExists() {
        dm.on("POST", "/apis/v1alpha1/tasks", json("{\"result\": false, \"msg\": \"[code=26005:class=task-check:"
                + "scope=internal:level=medium], Message: fail to check synchronization configuration with type: "
                + "check was failed, please see detail\", \"sources\": [], \"checkResult\": \"\"}"));

        assertThatThrownBy(() -> gateway.startTask(TASK_YAML)).isInstanceOfSatisfying(DmErrorReplyException.class, e -> {
            assertThat(e.code()).isEqualTo(26005);
            assertThat(e.isTaskAlreadyExists()).isFalse();
        });
    }

    @Test
    void aPasswordDmQuotesBackNeverReachesTheMessage() {
        // a config error can quote a value; the YAML's password and anything named like one are masked
        dm.on("POST", "/apis/v1alpha1/tasks", json("{\"result\": false, \"msg\": \"[code=20005:class=config:"
                + "scope=internal:level=medium], Message: fail to connect downstream root:s3cr3t-Pw!@tidb:4000, "
                + "RawCause: password=s3cr3t-Pw! rejected\", \"sources\": [], \"checkResult\": \"\"}"));

        assertThatThrownBy(() -> gateway.startTask(TASK_YAML)).isInstanceOfSatisfying(DmErrorReplyException.class, e -> {
            assertThat(e.getMessage()).doesNotContain("s3cr3t").contains("root:***@tidb:4000");
            assertThat(e.dmMessage()).doesNotContain("s3cr3t");
        });
    }

    @Test
    void anEmptyTaskConfigIsRefusedBeforeSending() {
        assertThatThrownBy(() -> gateway.startTask(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(dm.targets()).isEmpty();
    }

    // ---- configs ----

    @Test
    void taskConfig() {
        dm.on("GET", "/apis/v1alpha1/tasks/orders", json(DmReplies.config(TASK_YAML)));

        assertThat(gateway.taskConfig("orders")).isEqualTo(TASK_YAML);
        assertThat(dm.requests().get(0).query()).isEqualTo("type=1");
    }

    @Test
    void taskConfigNotFoundOrEmptyIsAnErrorReply() {
        dm.on("GET", "/apis/v1alpha1/tasks/gone", json(DmReplies.configNotFound("task")));
        dm.on("GET", "/apis/v1alpha1/tasks/odd", json(DmReplies.config("")));

        assertThatThrownBy(() -> gateway.taskConfig("gone")).isInstanceOfSatisfying(DmErrorReplyException.class,
                e -> assertThat(e.isTaskNotFound()).isTrue());
        assertThatThrownBy(() -> gateway.taskConfig("odd")).isInstanceOf(DmErrorReplyException.class)
                .hasMessageContaining("empty config");
    }

    @Test
    void aConfigNeverLeaksIntoABadReplyMessage() {
        String broken = DmReplies.config(TASK_YAML).replace("\"result\":true", "\"result\":\"yes\"");
        dm.on("GET", "/apis/v1alpha1/tasks/orders", json(broken));

        assertThatThrownBy(() -> gateway.taskConfig("orders")).isInstanceOf(DmBadReplyException.class)
                .hasMessageNotContaining("s3cr3t").hasMessageNotContaining("target-database");
    }

    @Test
    void sourceConfig() {
        String yaml = "source-id: src-01\nenable-gtid: false\nrelay-dir: /var/lib/dm-worker/relay\nfrom:\n  password: \"******\"\n";
        dm.on("GET", "/apis/v1alpha1/tasks/src-01", json(DmReplies.config(yaml)));
        dm.on("GET", "/apis/v1alpha1/tasks/src-09", json(DmReplies.configNotFound("source")));

        assertThat(gateway.sourceConfig("src-01")).contains(yaml);
        assertThat(gateway.sourceConfig("src-09")).isEmpty();
        assertThat(dm.requests()).extracting(FakeDmMaster.Request::query).containsOnly("type=4");
    }

    // ---- names and addresses ----

    @Test
    void aHostileTaskNameStaysOneEncodedSegment() {
        dm.on("GET", "/apis/v1alpha1/status/..%2Fmembers%3Fworker%3Dtrue%23x", json(DmReplies.gatewayTaskNotFound("x")));
        dm.on("GET", "/apis/v1alpha1/status/%E8%AE%A2%E5%8D%95%20v2", json(DmReplies.gatewayTaskNotFound("y")));

        assertThat(gateway.queryStatus("../members?worker=true#x")).isEmpty();
        assertThat(gateway.queryStatus("订单 v2")).isEmpty();
        assertThat(dm.requests()).extracting(FakeDmMaster.Request::path).containsExactly(
                "/apis/v1alpha1/status/..%2Fmembers%3Fworker%3Dtrue%23x", "/apis/v1alpha1/status/%E8%AE%A2%E5%8D%95%20v2");
        assertThat(dm.requests()).extracting(FakeDmMaster.Request::query).containsOnlyNulls();
    }

    @Test
    void dotNamesCannotBeSent() {
        assertThatThrownBy(() -> gateway.stopTask("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gateway.taskConfig(".")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gateway.sourceConfig("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(dm.targets()).isEmpty();
    }

    @Test
    void baseUrlsThatAreNotHostAndPortAreRefused() {
        assertThat(new GatewayClient("http://dm-master:8261/").baseUrl()).isEqualTo("http://dm-master:8261");
        assertThat(new GatewayClient("https://dm-master:8261").baseUrl()).isEqualTo("https://dm-master:8261");
        for (String bad : List.of("dm-master:8261", "ftp://dm-master:8261", "http://dm-master:8261/apis",
                "http://dm-master:8261?x=1", "", "http://")) {
            assertThatThrownBy(() -> new GatewayClient(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new GatewayClient("http://admin:hunter2@dm-master:8261"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void onItsOwnTheGatewayCannotListTaskNamesNorControlRelay() {
        assertThat(gateway.api()).isEqualTo(DmApi.GATEWAY);
        assertThat(gateway.taskNames()).isEmpty();
        assertThat(gateway.relayStatus("src-01")).isEmpty();
        assertThatThrownBy(() -> gateway.enableRelay("src-01", List.of())).isInstanceOf(DmUnsupportedException.class);
        assertThat(dm.targets()).isEmpty();
    }

    @Test
    void everyTaskAtOnceIsQueryStatusWithoutAName() {
        dm.on("GET", "/apis/v1alpha1/status/", json(DmReplies.gatewayStatusAll("src-01", "orders", Samples.RUNNING,
                "payments", Samples.PAUSED_10006)));
        dm.onQuery("GET", "/apis/v1alpha1/status/", "sources=src%2001&sources=src-02",
                json(DmReplies.gatewayStatusAll("src-02", "crm", Samples.RUNNING)));
        dm.on("GET", "/apis/v1alpha1/status/x", json(429, DmReplies.gatewayTooLarge()));

        assertThat(gateway.status(List.of()).taskNames()).containsExactly("orders", "payments");
        assertThat(gateway.queryStatusAll(List.of("src 01", "src-02")).taskNames()).containsExactly("crm");
        assertThat(dm.targets()).containsExactly("GET /apis/v1alpha1/status/",
                "GET /apis/v1alpha1/status/?sources=src%2001&sources=src-02");
        dm.on("GET", "/apis/v1alpha1/status/", json(429, DmReplies.gatewayTooLarge()));
        assertThatThrownBy(() -> gateway.queryStatusAll(List.of())).isInstanceOf(DmReplyTooLargeException.class)
                .hasMessageContaining("larger than max");
    }
}
