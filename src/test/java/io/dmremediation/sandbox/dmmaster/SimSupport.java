package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/** Shared test setup: a fast simulator, raw HTTP calls, task files. */
final class SimSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String WORKER = "basic-dm-worker-0";
    static final String SOURCE = "mysql-replica-01";

    private SimSupport() {
    }

    /** A simulator whose clock runs in milliseconds. */
    static DmMasterSimulator.Builder fast() {
        return DmMasterSimulator.builder()
                .openApi(true)
                .tickInterval(Duration.ofMillis(5))
                .autoResumeCheckInterval(Duration.ofMillis(10))
                .autoResumeBackoff(Duration.ofMillis(10), Duration.ofMillis(80))
                .backoffRollback(Duration.ofSeconds(30))
                .checkpointFlushInterval(Duration.ofMillis(20));
    }

    /** One worker, one source with three small binlog files. */
    static DmMasterSimulator.Builder oneSource(DmVersion v, boolean relay) {
        return fast().version(v).worker(WORKER)
                .source(SourceSpec.source(SOURCE).boundTo(WORKER).enableRelay(relay).relayBinlogName("mysql-bin.000001")
                        .binlogFile("mysql-bin.000001", 4096)
                        .binlogFile("mysql-bin.000002", 1 << 20)
                        .binlogFile("mysql-bin.000003", 8192)
                        .tables("shop.orders", "shop.items"));
    }

    static String taskYaml(String name, boolean safeMode) {
        return taskYaml(name, safeMode, "dm_meta", SOURCE);
    }

    static String taskYaml(String name, boolean safeMode, String metaSchema, String source) {
        return "name: " + name + "\n"
                + "task-mode: incremental\n"
                + "meta-schema: " + metaSchema + "\n"
                + "target-database:\n"
                + "  host: 127.0.0.1\n"
                + "  port: 4000\n"
                + "  user: root\n"
                + "  password: \"s3cret-pw\"\n"
                + "mysql-instances:\n"
                + "  - source-id: " + source + "\n"
                + "    meta:\n"
                + "      binlog-name: mysql-bin.000001\n"
                + "      binlog-pos: 4\n"
                + "    syncer-config-name: global\n"
                + "syncers:\n"
                + "  global:\n"
                + "    worker-count: 16\n"
                + "    safe-mode: " + safeMode + "\n";
    }

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Reply get(DmMasterSimulator sim, String path) {
        return send(sim, "GET", path, null, null);
    }

    static Reply postJson(DmMasterSimulator sim, String path, String json) {
        return send(sim, "POST", path, json, "application/json");
    }

    static Reply putJson(DmMasterSimulator sim, String path, String json) {
        return send(sim, "PUT", path, json, "application/json");
    }

    static Reply send(DmMasterSimulator sim, String method, String path, String body, String contentType) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(sim.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POST /apis/v1alpha1/tasks with the task YAML, as dmctl's HTTP twin. */
    static Reply startTask(DmMasterSimulator sim, String yaml) {
        ObjectMapper m = MAPPER;
        String body = m.createObjectNode().put("task", yaml).toString();
        return postJson(sim, "/apis/v1alpha1/tasks", body);
    }

    static Reply operate(DmMasterSimulator sim, String task, String op) {
        return putJson(sim, "/apis/v1alpha1/tasks/" + task, "{\"op\": \"" + op + "\"}");
    }

    static JsonNode status(DmMasterSimulator sim, String task) {
        return get(sim, "/apis/v1alpha1/status/" + task).json();
    }

    /** The first subtask status of the first source in a gateway status reply. */
    static JsonNode subtask(JsonNode status) {
        return status.path("sources").path(0).path("subTaskStatus").path(0);
    }
}
