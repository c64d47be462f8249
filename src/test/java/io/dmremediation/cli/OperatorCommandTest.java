package io.dmremediation.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.sandbox.SandboxWorld;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The production entry point: clean failures, and a real run against an API with health, readiness and metrics. */
class OperatorCommandTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @AfterEach
    void clearProperties() {
        for (String p : List.of("kubernetes.master", "kubernetes.auth.tryKubeConfig", "kubernetes.auth.tryServiceAccount",
                "kubernetes.namespace")) {
            System.clearProperty(p);
        }
        TestLogging.restore();
    }

    static void pointAt(String server) {
        System.setProperty("kubernetes.master", server);
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        System.setProperty("kubernetes.namespace", "dm");
    }

    record Run(int code, String out, String err) {
    }

    static Run run(OperatorCommand c, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            code = c.run(List.of(args), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } catch (Args.UsageException e) {
            code = Command.USAGE;
            err.writeBytes(e.getMessage().getBytes(StandardCharsets.UTF_8));
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnreachableApiIsAOneLineErrorAndExit1NotAHang() {
        pointAt("http://127.0.0.1:9");
        Run r = run(new OperatorCommand(Map.<String, String>of()::get), "--job-image", "img:1");
        assertThat(r.code()).isEqualTo(Command.FAILED);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("operator: cannot reach the Kubernetes API at http://127.0.0.1:9");
    }

    @Test
    void withoutAJobImageItRefusesToStart() {
        Run r = run(new OperatorCommand(Map.<String, String>of()::get));
        assertThat(r.code()).isEqualTo(Command.USAGE);
        assertThat(r.err()).contains("--job-image");
        Run bad = run(new OperatorCommand(Map.<String, String>of()::get), "--job-image", "x", "--log-format", "xml");
        assertThat(bad.err()).contains("--log-format must be text or json");
    }

    @Test
    void runsAgainstAnApiWithLeaderElectionHealthAndMetrics() throws Exception {
        try (SandboxWorld world = SandboxWorld.builder().build(); ServerSocket free = new ServerSocket(0)) {
            int port = free.getLocalPort();
            free.close();
            pointAt(world.kube().url());
            OperatorCommand command = new OperatorCommand(Map.of("POD_NAMESPACE", SandboxWorld.NAMESPACE,
                    "POD_NAME", "operator-0", "WATCH_NAMESPACES", SandboxWorld.NAMESPACE,
                    "JOB_IMAGE", "registry.example/dm-remediation-operator:0.1.0", "HTTP_PORT", String.valueOf(port),
                    // the mock API has no server-side apply
                    "SERVER_SIDE_APPLY", "false")::get);
            CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> run(command));
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(base + "/readyz").statusCode() == 200);
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> world.client().leases().inNamespace(SandboxWorld.NAMESPACE)
                    .withName("dm-remediation-operator").get() != null);

            // the operator works through the command: a fault is detected and counted
            world.startTask("orders", SandboxWorld.SOURCE_1);
            // the command's DM client goes to the in-cluster DM-master name: aim the resource at the simulator
            var r = world.remediation("guard", "orders");
            r.getSpec().cluster.dmClusterRef = null;
            r.getSpec().cluster.masterAddress = world.dm().url();
            world.apply(r);
            world.dm().injectBadConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    get(base + "/metrics").body().contains("dmr_detections_total{error_class=\"bad-connection\"}"));
            String metrics = get(base + "/metrics").body();
            assertThat(metrics).contains("dmr_dm_master_request_seconds", "jvm_memory_used_bytes", "operator_sdk");

            command.stop();
            Run done = running.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(done.code()).isZero();
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
