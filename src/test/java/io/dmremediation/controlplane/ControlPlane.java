package io.dmremediation.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A real Kubernetes control plane on loopback, built from Go modules by {@code test-peers/kubernetes/build.sh}: etcd,
 * kube-apiserver (TLS with a CA made by this run, client-certificate and service-account-token authentication, RBAC
 * authorization, an audit log of every request) and kube-controller-manager running the controllers the operator's
 * world needs (Jobs, garbage collection, TTL after finished, service accounts and their tokens, StatefulSets,
 * Deployments and ReplicaSets, namespaces). There is no scheduler and no kubelet: {@link NodeKubelet} plays both.
 *
 * <p>One per test JVM ({@link #shared()}), on random ports; its files and logs are under
 * {@code target/control-plane/}. The binaries' directory comes from the system property {@value #BINARIES_PROPERTY}
 * (the Maven profile {@code real-control-plane} builds them and sets it).
 */
public final class ControlPlane implements AutoCloseable {

    public static final String BINARIES_PROPERTY = "dmr.kubernetes.bin";
    static final String SA_ISSUER = "https://kubernetes.default.svc.cluster.local";
    /** The controllers this world needs; kube-controller-manager runs no others. */
    static final List<String> CONTROLLERS = List.of("serviceaccount-controller", "serviceaccount-token-controller",
            "root-ca-certificate-publisher-controller", "namespace-controller", "garbage-collector-controller",
            "job-controller", "ttl-after-finished-controller", "statefulset-controller", "deployment-controller",
            "replicaset-controller", "persistentvolumeclaim-protection-controller");
    /** Requests of the control plane's own components are left out of the audit log; everyone else's are in. */
    private static final String AUDIT_POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: None
                users: ["system:kube-controller-manager", "system:apiserver"]
              - level: None
                userGroups: ["system:serviceaccounts:kube-system"]
              - level: Metadata
            """;

    private static ControlPlane shared;

    private final Path dir;
    private final Path binaries;
    private final List<ChildProcess> processes = new ArrayList<>();
    private final int apiPort;
    private final Path adminKubeconfig;
    private final String caPem;
    private final KubernetesClient admin;
    private final Duration startup;

    private ControlPlane(Path binaries, Path dir) throws IOException {
        long t0 = System.nanoTime();
        this.binaries = binaries;
        this.dir = dir;
        Files.createDirectories(dir);
        Pki pki = Pki.create();
        this.caPem = pki.caPem();
        Pki.write(dir.resolve("ca.crt"), caPem);
        Pki.Identity server = pki.server();
        Pki.write(dir.resolve("apiserver.crt"), server.certPem());
        Pki.write(dir.resolve("apiserver.key"), server.keyPem());
        Pki.Identity sa = Pki.serviceAccountKeys();
        Pki.write(dir.resolve("sa.pub"), sa.certPem());
        Pki.write(dir.resolve("sa.key"), sa.keyPem());
        Files.writeString(dir.resolve("audit-policy.yaml"), AUDIT_POLICY);

        int etcdPort = freePort();
        int peerPort = freePort();
        this.apiPort = freePort();
        String url = "https://127.0.0.1:" + apiPort;
        this.adminKubeconfig = dir.resolve("admin.kubeconfig");
        Files.writeString(adminKubeconfig, kubeconfig(url, "admin", pki.client("dmr-test-admin", "system:masters")));
        Files.writeString(dir.resolve("kcm.kubeconfig"),
                kubeconfig(url, "kube-controller-manager", pki.client("system:kube-controller-manager", null)));

        start("etcd", List.of(bin("etcd"), "--name", "cp", "--data-dir", dir.resolve("etcd-data").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "cp=http://127.0.0.1:" + peerPort,
                // a test cluster: losing it on a power cut costs nothing, syncing every write costs seconds
                "--unsafe-no-fsync", "--log-level", "warn"));
        HttpClient http = HttpClient.newHttpClient();
        waitFor("etcd", Duration.ofSeconds(60), () -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + etcdPort + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"health\":\"true\"");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });

        start("kube-apiserver", List.of(bin("kube-apiserver"),
                "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
                "--secure-port", String.valueOf(apiPort),
                "--tls-cert-file", dir.resolve("apiserver.crt").toString(),
                "--tls-private-key-file", dir.resolve("apiserver.key").toString(),
                "--client-ca-file", dir.resolve("ca.crt").toString(),
                "--service-account-issuer", SA_ISSUER,
                "--service-account-key-file", dir.resolve("sa.pub").toString(),
                "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
                "--authorization-mode", "RBAC",
                "--service-cluster-ip-range", "10.96.0.0/16",
                // the API's own Service would point at 127.0.0.1, which Endpoints refuse
                "--endpoint-reconciler-type", "none",
                "--audit-policy-file", dir.resolve("audit-policy.yaml").toString(),
                "--audit-log-path", auditLog().toString(),
                "--audit-log-format", "json",
                "--audit-log-mode", "blocking",
                "--cert-dir", dir.resolve("apiserver-certs").toString(),
                "--profiling=false"));
        this.admin = new KubernetesClientBuilder().withConfig(new ConfigBuilder(
                Config.fromKubeconfig(Files.readString(adminKubeconfig))).withRequestTimeout(30_000).build()).build();
        waitFor("kube-apiserver", Duration.ofSeconds(120), () -> {
            try {
                return "ok".equals(admin.raw("/readyz"));
            } catch (RuntimeException e) {
                return false;
            }
        });

        List<String> kcm = new ArrayList<>(List.of(bin("kube-controller-manager"),
                "--kubeconfig", dir.resolve("kcm.kubeconfig").toString(),
                "--controllers", String.join(",", CONTROLLERS),
                "--use-service-account-credentials=true",
                "--service-account-private-key-file", dir.resolve("sa.key").toString(),
                "--root-ca-file", dir.resolve("ca.crt").toString(),
                "--leader-elect=false", "--secure-port=0", "--cluster-name=dmr-test"));
        start("kube-controller-manager", kcm);
        waitFor("kube-controller-manager", Duration.ofSeconds(120), () -> {
            try {
                return admin.serviceAccounts().inNamespace("default").withName("default").get() != null
                        && admin.configMaps().inNamespace("default").withName("kube-root-ca.crt").get() != null;
            } catch (RuntimeException e) {
                return false;
            }
        });
        this.startup = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("control plane up in %d ms at %s (files in %s)%n", startup.toMillis(), url, dir);
    }

    /** The JVM's control plane, started on first use and stopped when the JVM ends. */
    public static synchronized ControlPlane shared() {
        if (shared == null) {
            String bin = System.getProperty(BINARIES_PROPERTY, System.getenv("DMR_KUBERNETES_BIN"));
            if (bin == null || bin.isBlank()) {
                throw new IllegalStateException("no Kubernetes binaries: set -D" + BINARIES_PROPERTY
                        + " to the directory test-peers/kubernetes/build.sh printed (mvn -Preal-control-plane verify "
                        + "builds them and sets it)");
            }
            Path binaries = Path.of(bin).toAbsolutePath();
            Path dir = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath().resolve("target")
                    .resolve("control-plane").resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern(
                            "yyyyMMdd-HHmmss")) + "-" + ProcessHandle.current().pid());
            try {
                shared = new ControlPlane(binaries, dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ControlPlane cp = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(cp::close, "control-plane-stop"));
        }
        return shared;
    }

    /** A client with every right (group system:masters). */
    public KubernetesClient admin() {
        return admin;
    }

    /** A kubeconfig for kubectl and helm with every right. */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    public int apiPort() {
        return apiPort;
    }

    public String caPem() {
        return caPem;
    }

    /** Every request of a user that is not the control plane itself, one JSON object per line. */
    public Path auditLog() {
        return dir.resolve("audit.log");
    }

    public Path dir() {
        return dir;
    }

    /** Where the server side of a component logs (for a test's failure message). */
    public Path log(String component) {
        return dir.resolve(component + ".log");
    }

    private String bin(String name) {
        Path p = binaries.resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing: run test-peers/kubernetes/build.sh");
        }
        return p.toString();
    }

    private void start(String name, List<String> command) {
        processes.add(ChildProcess.start(name, command, Map.of(), dir, log(name)));
    }

    private void waitFor(String what, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            for (ChildProcess p : processes) {
                if (!p.alive()) {
                    throw new IllegalStateException(p.name() + " exited while waiting for " + what + "; its log:\n"
                            + tail(p.log()));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not ready after " + timeout + "; its log:\n"
                        + tail(log(what)));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private String kubeconfig(String url, String user, Pki.Identity id) {
        Base64.Encoder b64 = Base64.getEncoder();
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: dmr-test
                    cluster:
                      server: %s
                      certificate-authority-data: %s
                users:
                  - name: %s
                    user:
                      client-certificate-data: %s
                      client-key-data: %s
                contexts:
                  - name: %s
                    context: {cluster: dmr-test, user: %s, namespace: default}
                current-context: %s
                """.formatted(url, b64.encodeToString(caPem.getBytes(StandardCharsets.UTF_8)), user,
                b64.encodeToString(id.certPem().getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(id.keyPem().getBytes(StandardCharsets.UTF_8)), user, user, user);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
        // the controller manager first, etcd last
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(Duration.ofSeconds(10));
        }
        processes.clear();
    }
}
