package io.dmremediation.dm;

import static io.dmremediation.dm.FakeDmMaster.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every way a call can go wrong, and the typed error with the one-line message it becomes. */
class DmHttpFailuresTest {

    /** For the timeout tests only: everything else gets the defaults, so a slow first call cannot fail it. */
    private static final DmHttpSettings FAST = DmHttpSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(300));
    private static final DmHttpSettings PATIENT = DmHttpSettings.DEFAULTS;
    private static final String STATUS_ORDERS = "/apis/v1alpha1/status/orders";

    private FakeDmMaster dm;

    @BeforeEach
    void start() throws Exception {
        dm = new FakeDmMaster();
    }

    @AfterEach
    void stop() {
        dm.close();
    }

    private GatewayClient gateway(DmHttpSettings settings) {
        return new GatewayClient(dm.url(), settings);
    }

    @Test
    void serverErrorWithGrpcGatewayBody() {
        // grpc-gateway maps a gRPC error to HTTP with {"error","code","message"}; Unknown (2) -> 500
        dm.on("GET", STATUS_ORDERS, json(500, "{\"error\": \"[code=38032:class=dm-master:scope=internal:"
                + "level=high], Message: request is not forwarded to leader\", \"code\": 2, \"message\": "
                + "\"[code=38032:class=dm-master:scope=internal:level=high], Message: request is not forwarded to leader\"}"));

        assertThatThrownBy(() -> gateway(PATIENT).queryStatus("orders"))
                .isInstanceOfSatisfying(DmHttpStatusException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DmMasterException.Kind.HTTP_STATUS);
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.detail()).endsWith("request is not forwarded to leader");
                })
                .hasMessage("DM-master at " + dm.url() + " answered HTTP 500 to GET " + STATUS_ORDERS + ": [code=38032:"
                        + "class=dm-master:scope=internal:level=high], Message: request is not forwarded to leader");
    }

    @Test
    void aProxyPageIsNeverQuoted() {
        dm.on("GET", STATUS_ORDERS, FakeDmMaster.text(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"));

        assertThatThrownBy(() -> gateway(PATIENT).queryStatus("orders"))
                .isInstanceOfSatisfying(DmHttpStatusException.class, e -> assertThat(e.detail()).isEmpty())
                .hasMessage("DM-master at " + dm.url() + " answered HTTP 502 to GET " + STATUS_ORDERS);
    }

    @Test
    void aRedirectToTheLeaderIsFollowedWithItsBody() {
        // DM v5.3's OpenAPI on a non-leader master: 307 to the same path on the leader, method and body kept
        dm.on("POST", "/api/v1/sources/src-01/start-relay", ex -> {
            ex.getResponseHeaders().set("Location", dm.url() + "/leader/api/v1/sources/src-01/start-relay");
            ex.sendResponseHeaders(307, -1);
        });
        dm.on("POST", "/leader/api/v1/sources/src-01/start-relay", json(""));

        new OpenApiClient(dm.url(), PATIENT, OpenApiSupport.V5).enableRelay("src-01", List.of("dm-worker-0"));

        assertThat(dm.requests()).extracting(FakeDmMaster.Request::target, FakeDmMaster.Request::body).containsExactly(
                tuple("POST /api/v1/sources/src-01/start-relay", "{\"worker_name_list\":[\"dm-worker-0\"]}"),
                tuple("POST /leader/api/v1/sources/src-01/start-relay", "{\"worker_name_list\":[\"dm-worker-0\"]}"));
    }

    @Test
    void aRedirectLoopEndsAsAnHttpStatus() {
        dm.on("GET", STATUS_ORDERS, ex -> {
            ex.getResponseHeaders().set("Location", dm.url() + STATUS_ORDERS);
            ex.sendResponseHeaders(307, -1);
        });
        assertThatThrownBy(() -> gateway(PATIENT).queryStatus("orders"))
                .isInstanceOfSatisfying(DmHttpStatusException.class, e -> assertThat(e.status()).isEqualTo(307));
    }

    @Test
    void openApiErrorBodyIsDmsRefusalWithItsCode() {
        dm.on("GET", "/api/v1/tasks/orders/status", json(400, DmReplies.openApiError(46018,
                "[code=46018:class=scheduler:scope=internal:level=medium], Message: task with name orders not exist, "
                        + "Workaround: Please use `query-status` command to see tasks.")));
        OpenApiClient openApi = new OpenApiClient(dm.url(), PATIENT, OpenApiSupport.V6);

        assertThatThrownBy(() -> openApi.taskStatus("orders")).isInstanceOfSatisfying(DmErrorReplyException.class, e -> {
            assertThat(e.code()).isEqualTo(46018);
            assertThat(e.isTaskNotFound()).isTrue();
        }).hasMessageStartingWith("DM-master at " + dm.url() + " refused GET /api/v1/tasks/orders/status: [code=46018");
    }

    @Test
    void a400ThatIsNotDmsErrorShapeIsAnHttpStatus() {
        dm.on("GET", "/api/v1/cluster/workers", FakeDmMaster.text(400, "Bad Request"));
        OpenApiClient openApi = new OpenApiClient(dm.url(), PATIENT, OpenApiSupport.V6);

        assertThatThrownBy(openApi::workers).isInstanceOfSatisfying(DmHttpStatusException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void gatewayResultFalseIsAnErrorReply() {
        dm.on("GET", "/apis/v1alpha1/members", json("{\"result\": false, \"msg\": \"[code=38032:class=dm-master:"
                + "scope=internal:level=high], Message: request is not forwarded to leader\", \"members\": []}"));

        assertThatThrownBy(() -> gateway(PATIENT).workers()).isInstanceOfSatisfying(DmErrorReplyException.class,
                e -> assertThat(e.code()).isEqualTo(38032))
                .hasMessageStartingWith("DM-master at " + dm.url() + " refused GET /apis/v1alpha1/members?worker=true: ");
    }

    @Test
    void garbageIsABadReply() {
        dm.on("GET", STATUS_ORDERS, FakeDmMaster.text(200, "OK"));

        assertThatThrownBy(() -> gateway(PATIENT).queryStatus("orders")).isInstanceOf(DmBadReplyException.class)
                .hasMessage("DM-master at " + dm.url() + " sent an unexpected reply to GET " + STATUS_ORDERS
                        + ": DM reply is not valid JSON at line 1, column 3");
    }

    @Test
    void truncatedJsonIsABadReply() {
        String sample = Samples.read(Samples.RUNNING);
        dm.on("GET", STATUS_ORDERS, json(sample.substring(0, sample.length() - 40)));

        assertThatThrownBy(() -> gateway(PATIENT).queryStatus("orders")).isInstanceOf(DmBadReplyException.class)
                .hasMessageContaining("truncated JSON");
    }

    @Test
    void aBodyCutOffBeforeItsLengthIsABadReply() throws Exception {
        byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
                + "{\"result\": true, \"sources\": [").getBytes(StandardCharsets.UTF_8);
        try (FakeDmMaster.RawServer raw = new FakeDmMaster.RawServer(answer)) {
            assertThatThrownBy(() -> new GatewayClient(raw.url(), PATIENT).queryStatus("orders"))
                    .isInstanceOf(DmBadReplyException.class)
                    .hasMessage("DM-master at " + raw.url() + " cut its reply off before the end (GET " + STATUS_ORDERS + ")");
        }
    }

    @Test
    void somethingThatIsNotHttpIsABadReply() throws Exception {
        try (FakeDmMaster.RawServer raw = new FakeDmMaster.RawServer(
                "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.UTF_8))) {
            assertThatThrownBy(() -> new GatewayClient(raw.url(), PATIENT).queryStatus("orders"))
                    .isInstanceOf(DmBadReplyException.class).hasMessageContaining("not HTTP");
        }
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsUnreachable() throws Exception {
        try (FakeDmMaster.RawServer raw = new FakeDmMaster.RawServer(new byte[0])) {
            assertThatThrownBy(() -> new GatewayClient(raw.url(), PATIENT).queryStatus("orders"))
                    .isInstanceOfSatisfying(DmUnreachableException.class,
                            e -> assertThat(e.kind()).isEqualTo(DmMasterException.Kind.UNREACHABLE))
                    .hasMessage("DM-master at " + raw.url() + " closed the connection without answering (GET "
                            + STATUS_ORDERS + ")");
        }
    }

    @Test
    void slowPastTheTimeoutIsATimeout() {
        dm.on("GET", STATUS_ORDERS, dm.hangs());

        assertThatThrownBy(() -> gateway(FAST).queryStatus("orders"))
                .isInstanceOfSatisfying(DmTimeoutException.class,
                        e -> assertThat(e.kind()).isEqualTo(DmMasterException.Kind.TIMEOUT))
                .hasMessage("DM-master at " + dm.url() + " did not answer within 300ms (GET " + STATUS_ORDERS + ")");
    }

    @Test
    void aBodyThatStallsIsATimeoutToo() {
        dm.on("GET", STATUS_ORDERS, dm.stallsMidBody());

        assertThatThrownBy(() -> gateway(FAST).queryStatus("orders")).isInstanceOf(DmTimeoutException.class)
                .hasMessageContaining("did not answer within 300ms");
    }

    @Test
    void aPortWithNothingListeningIsUnreachable() throws Exception {
        String url = "http://127.0.0.1:" + FakeDmMaster.deadPort();

        assertThatThrownBy(() -> new GatewayClient(url, PATIENT).queryStatus("orders"))
                .isInstanceOf(DmUnreachableException.class)
                .hasMessage("cannot reach DM-master at " + url + ": connection refused (GET " + STATUS_ORDERS + ")");
    }

    @Test
    void anUnknownHostIsUnreachable() {
        // .invalid never resolves (RFC 6761)
        assertThatThrownBy(() -> new GatewayClient("http://dm-master.invalid:8261", PATIENT).queryStatus("orders"))
                .isInstanceOf(DmUnreachableException.class).hasMessageContaining("dm-master.invalid:8261");
    }

    @Test
    void aReplyOverTheBoundIsABadReplyWithOrWithoutLength() {
        DmHttpSettings small = PATIENT.withMaxReplyBytes(1024);
        dm.on("GET", STATUS_ORDERS, FakeDmMaster.chunked(64 * 1024));
        dm.on("GET", "/apis/v1alpha1/status/declared", json(Samples.read(Samples.PAUSED_10006)));

        assertThatThrownBy(() -> gateway(small).queryStatus("orders")).isInstanceOf(DmBadReplyException.class)
                .hasMessage("DM-master at " + dm.url() + " sent a reply larger than 1 KiB (GET " + STATUS_ORDERS + ")");
        assertThatThrownBy(() -> gateway(small).queryStatus("declared")).isInstanceOf(DmBadReplyException.class)
                .hasMessageContaining("larger than 1 KiB");
    }

    @Test
    void theDefaultBoundIs8MiB() {
        DmHttpSettings patient = DmHttpSettings.DEFAULTS;
        dm.on("GET", STATUS_ORDERS, FakeDmMaster.chunked(9 * 1024 * 1024));

        assertThatThrownBy(() -> gateway(patient).queryStatus("orders")).isInstanceOf(DmBadReplyException.class)
                .hasMessageContaining("larger than 8 MiB");
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> DmHttpSettings.DEFAULTS.withRequestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DmHttpSettings.DEFAULTS.withMaxReplyBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DmHttpSettings.DEFAULTS).isEqualTo(new DmHttpSettings(Duration.ofSeconds(3), Duration.ofSeconds(10),
                8 * 1024 * 1024));
    }

    @Test
    void everyMessageIsOneLine() {
        dm.on("GET", STATUS_ORDERS, json("{\"result\": false, \"msg\": \"line one\\nline two\\n\\tat stack.Frame()\"}"));

        assertThatThrownBy(() -> gateway(PATIENT).queryStatus("orders")).isInstanceOfSatisfying(DmErrorReplyException.class,
                e -> {
                    assertThat(e.getMessage()).doesNotContain("\n").endsWith("line one line two at stack.Frame()");
                    assertThat(List.of(e.getStackTrace())).isNotEmpty();
                });
    }
}
