package io.dmremediation.realdm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real DM on loopback: one dm-master (embedded etcd, OpenAPI on) and DM-workers that join it, each in its own
 * temporary directory (its working directory, so a relative relay-dir lands there too). User actions go through
 * the real dmctl, as a person would run them; the operator speaks HTTP to {@link #masterUrl()}.
 */
final class DmCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DmPeers peers;
    private final Path dir;
    private final int masterPort = Ports.free();
    private final PeerProcess master;
    private final Map<String, PeerProcess> workers = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    DmCluster(DmPeers peers, Path dir, List<String> workerNames) {
        this.peers = peers;
        this.dir = dir;
        int peerPort = Ports.free();
        String peerUrl = "http://127.0.0.1:" + peerPort;
        this.master = PeerProcess.start("dm-master", List.of(peers.binary("dm-master").toString(),
                "--name=master-0", "--master-addr=127.0.0.1:" + masterPort,
                "--advertise-addr=127.0.0.1:" + masterPort, "--peer-urls=" + peerUrl,
                "--advertise-peer-urls=" + peerUrl, "--initial-cluster=master-0=" + peerUrl,
                "--data-dir=" + dir.resolve("master/data"), "--log-file=" + dir.resolve("master/dm-master.log"),
                "--openapi"), dir.resolve("master"));
        master.awaitPort(masterPort, Duration.ofSeconds(60));
        awaitLeader();
        for (String name : workerNames) {
            int port = Ports.free();
            Path wdir = dir.resolve("workers").resolve(name);
            workers.put(name, PeerProcess.start(name, List.of(peers.binary("dm-worker").toString(),
                    "--name=" + name, "--worker-addr=127.0.0.1:" + port, "--advertise-addr=127.0.0.1:" + port,
                    "--join=127.0.0.1:" + masterPort, "--log-file=" + wdir.resolve("dm-worker.log")), wdir));
            workers.get(name).awaitPort(port, Duration.ofSeconds(60));
        }
        for (String name : workerNames) {
            awaitWorkerOnline(name);
        }
    }

    String masterUrl() {
        return "http://127.0.0.1:" + masterPort;
    }

    Path dir() {
        return dir;
    }

    List<String> workerNames() {
        return List.copyOf(workers.keySet());
    }

    /** The DM-worker's working directory: its log, and its relay directory when the source names a relative one. */
    Path workerDir(String name) {
        return dir.resolve("workers").resolve(name);
    }

    /** SIGTERM, as deleting its pod does: DM-master removes the worker at once and rebinds its source (§7.4). */
    void stopWorker(String name) {
        workers.get(name).stop();
    }

    void startWorker(String name) {
        workers.get(name).start();
        awaitWorkerOnline(name);
    }

    /** {@code GET} on DM-master, the JSON reply. */
    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(masterUrl() + path)).GET());
    }

    /** The raw reply of a request to DM-master: status and body. */
    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }

    Reply request(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(masterUrl() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitLeader() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode r = get("/apis/v1alpha1/members?leader=true");
                if (!r.path("members").path(0).path("leader").path("name").asText().isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not serving yet
            }
            PeerProcess.sleep(300);
        }
        throw new IllegalStateException("dm-master elected no leader: " + master.outputTail(30));
    }

    /** Until DM-master lists the worker as anything but offline. */
    private void awaitWorkerOnline(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                for (JsonNode m : get("/apis/v1alpha1/members?worker=true").path("members")) {
                    for (JsonNode w : m.path("worker").path("workers")) {
                        if (name.equals(w.path("name").asText()) && !"offline".equals(w.path("stage").asText())) {
                            return;
                        }
                    }
                }
            } catch (RuntimeException e) {
                // not serving yet
            }
            PeerProcess.sleep(300);
        }
        throw new IllegalStateException("dm-worker " + name + " did not join: " + workers.get(name).outputTail(30));
    }

    /**
     * Runs the real dmctl against this master with a file argument written from {@code fileContent} (null: none),
     * and returns its JSON output.
     */
    JsonNode dmctl(String fileContent, String... args) {
        List<String> cmd = new ArrayList<>(List.of(peers.binary("dmctl").toString(),
                "--master-addr=127.0.0.1:" + masterPort));
        cmd.addAll(List.of(args));
        Path file = null;
        try {
            if (fileContent != null) {
                file = Files.createTempFile(dir, "dmctl-", ".yaml");
                Files.writeString(file, fileContent);
                cmd.add(file.toString());
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("dmctl " + String.join(" ", args) + " hung");
            }
            int brace = out.indexOf('{');
            if (brace < 0) {
                throw new IllegalStateException("dmctl " + String.join(" ", args) + ": " + out);
            }
            String json = out.substring(brace);
            // start-task prints the precheck's checkResult last, unescaped (quotes and all): not JSON, so re-quote it
            int check = json.lastIndexOf(",\n    \"checkResult\":");
            if (check > 0) {
                String raw = json.substring(check + ",\n    \"checkResult\":".length()).strip();
                json = json.substring(0, check) + ",\n\"checkResult\": " + JSON.writeValueAsString(raw) + "\n}";
            }
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temp file
                }
            }
        }
    }

    /** dmctl, failing unless DM answered {@code result: true}. */
    JsonNode dmctlOk(String fileContent, String... args) {
        JsonNode r = dmctl(fileContent, args);
        if (!r.path("result").asBoolean(false)) {
            throw new IllegalStateException("dmctl " + String.join(" ", args) + " failed: " + r.toPrettyString());
        }
        return r;
    }

    /** The processes' last output lines, for a failing test's message. */
    String diagnostics() {
        StringBuilder b = new StringBuilder("dm-master:\n").append(master.outputTail(10));
        workers.forEach((n, p) -> b.append("\n").append(n).append(":\n").append(p.outputTail(10)));
        return b.toString();
    }

    @Override
    public void close() {
        workers.values().forEach(PeerProcess::stop);
        master.stop();
    }
}
