package io.dmremediation.sandbox;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.HistoryEntry;
import io.dmremediation.cli.Args;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar target/dm-remediation-sandbox.jar}: the operator's main job on embedded defaults. Starts the
 * in-process world (Kubernetes API, DM-master, MariaDB, DM-worker pods, a kubelet for Jobs) and the real operator,
 * injects each FAQ fault, and shows how the operator detects, fixes and verifies it, the way a person watching
 * {@code kubectl get dmr -w} and the Events would see it.
 */
public final class SandboxMain {

    static final String RESOURCE = "sandbox";

    private SandboxMain() {
    }

    public static void main(String[] argv) {
        // the operator logs every step; the sandbox shows them as status lines and Events instead
        if (System.getProperty("LOG_LEVEL") == null) {
            System.setProperty("LOG_LEVEL", "WARN");
            System.setProperty("LIB_LOG_LEVEL", "WARN");
        }
        System.exit(run(Arrays.asList(argv), System.out, System.err));
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv, Set.of("scenario", "kube-port"), Set.of("keep-running", "help", "verbose"));
        } catch (Args.UsageException e) {
            err.println("sandbox: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (args.flag("help")) {
            out.print(help());
            return 0;
        }
        if (args.flag("verbose")) {
            System.setProperty("LOG_LEVEL", "INFO");
        }
        List<Scenario> scenarios;
        try {
            scenarios = Scenario.select(args.value("scenario").orElse("all"));
        } catch (IllegalArgumentException e) {
            err.println("sandbox: " + e.getMessage());
            return 2;
        }
        int kubePort;
        try {
            kubePort = Integer.parseInt(args.value("kube-port").orElse("0"));
        } catch (NumberFormatException e) {
            err.println("sandbox: --kube-port must be a number");
            return 2;
        }
        out.println("Starting the sandbox: Kubernetes API (mock, CRUD), DM-master simulator, embedded MariaDB,");
        out.println("DM-worker pods of DMCluster '" + SandboxWorld.CLUSTER + "' in namespace '" + SandboxWorld.NAMESPACE
                + "', a stand-in kubelet for repair Jobs, and the operator...");
        try (SandboxWorld world = SandboxWorld.builder().kubectl(true).kubePort(kubePort)
                .metaSchema("dm_meta").build()) {
            world.startOperator();
            List<Scenario.Result> results = play(world, scenarios, out);
            out.println();
            out.println("--- final status of dmr/" + RESOURCE + " (kubectl get dmr " + RESOURCE + " -o yaml) ---");
            out.print(Serialization.asYaml(world.get(RESOURCE)));
            out.println();
            out.println("--- summary ---");
            boolean ok = true;
            for (Scenario.Result r : results) {
                out.println(r.line());
                ok &= r.passed();
            }
            if (args.flag("keep-running")) {
                keepRunning(world, out);
            }
            if (!ok) {
                err.println("sandbox: " + results.stream().filter(r -> !r.passed()).map(r -> r.scenario().id())
                        .toList() + " failed; see the summary above");
            }
            return ok ? 0 : 1;
        } catch (RuntimeException e) {
            err.println("sandbox: could not run: " + e.getMessage());
            return 1;
        }
    }

    static List<Scenario.Result> play(SandboxWorld world, List<Scenario> scenarios, PrintStream out) {
        for (Scenario s : scenarios) {
            world.startTask(s.task(), s.source());
        }
        world.apply(Scenario.resource(world, RESOURCE, scenarios));
        Watcher watcher = new Watcher(world, RESOURCE, out);
        watcher.header();
        watcher.until(Duration.ofSeconds(60), st -> "Healthy".equals(st.phase) && st.taskCount != null
                && st.taskCount == scenarios.size());
        List<Scenario.Result> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            out.println();
            out.println("=== " + s.id() + ": " + s.description());
            int before = world.get(RESOURCE).getStatus().history.size();
            Instant injected = Instant.now();
            s.inject(world);
            Instant detected = watcher.untilDetected(s);
            watcher.until(s.timeout(), st -> st.history.size() > before && st.active == null
                    && st.history.stream().limit(st.history.size() - before)
                            .anyMatch(h -> s.playbook().equals(h.action) && isFinal(h.outcome)));
            results.add(s.verify(world, RESOURCE, before, injected, detected));
            // let the resource settle before the next fault, so each scenario starts from Healthy
            watcher.until(Duration.ofSeconds(60), st -> st.active == null && !"Remediating".equals(st.phase));
        }
        return results;
    }

    private static boolean isFinal(String outcome) {
        return "Succeeded".equals(outcome) || "Failed".equals(outcome) || "Aborted".equals(outcome);
    }

    private static void keepRunning(SandboxWorld world, PrintStream out) {
        Path kubeconfig;
        try {
            kubeconfig = Files.createTempFile("dmr-sandbox-", ".kubeconfig");
            Files.writeString(kubeconfig, kubeconfig(world.kube().url(), SandboxWorld.NAMESPACE));
        } catch (IOException e) {
            throw new IllegalStateException("could not write a kubeconfig: " + e.getMessage(), e);
        }
        out.println();
        out.println("The world keeps running. Its Kubernetes API: " + world.kube().url());
        out.println("kubeconfig: " + kubeconfig);
        out.println("  kubectl --kubeconfig " + kubeconfig + " get dmr");
        out.println("  kubectl --kubeconfig " + kubeconfig + " get dmr " + RESOURCE + " -o yaml");
        out.println("  kubectl --kubeconfig " + kubeconfig + " describe dmr " + RESOURCE);
        out.println("  kubectl --kubeconfig " + kubeconfig + " get events");
        out.println("(watches, 'kubectl wait' and 'kubectl explain' are not served by the mock API)");
        out.println("Press Ctrl-C to stop.");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
        try {
            forever.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String kubeconfig(String server, String namespace) {
        return "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: sandbox\n  cluster:\n    server: " + server + "\n"
                + "contexts:\n- name: sandbox\n  context:\n    cluster: sandbox\n    user: sandbox\n    namespace: "
                + namespace + "\n"
                + "current-context: sandbox\n"
                + "users:\n- name: sandbox\n  user:\n    token: sandbox\n";
    }

    static String help() {
        return """
                Usage: java -jar target/dm-remediation-sandbox.jar [--scenario NAME] [--keep-running] [--verbose]

                Runs the operator against an in-process world — no cluster, no DM, no database to install — injects
                the DM FAQ's errors and shows the operator fixing them.

                  --scenario NAME   invalid-connection, bad-connection, relay-binlog-overflow,
                                    syncer-binlog-overflow or all (default all)
                  --keep-running    leave the world up afterwards and print a kubeconfig for a real kubectl
                  --kube-port P     the mock Kubernetes API's port (default: a free one)
                  --verbose         show the operator's own log lines too

                Exit code 0 when every scenario was detected, fixed and verified; 1 otherwise.
                """;
    }

    /** Prints a line per change of the resource's state (like kubectl get dmr -w) and each new Event. */
    static final class Watcher {
        private final SandboxWorld world;
        private final String name;
        private final PrintStream out;
        private final Instant start = Instant.now();
        private String last = "";
        private final java.util.Set<String> seenEvents = new java.util.HashSet<>();

        Watcher(SandboxWorld world, String name, PrintStream out) {
            this.world = world;
            this.name = name;
            this.out = out;
        }

        void header() {
            out.printf("%-8s %-10s %-8s %-6s %-8s %-12s %s%n", "T+", "NAME", "CLUSTER", "TASKS", "HEALTHY", "PHASE",
                    "LAST-ACTION");
        }

        void until(Duration timeout, java.util.function.Predicate<DMRemediationStatus> done) {
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                DMRemediationStatus s = poll();
                if (s != null && done.test(s)) {
                    return;
                }
                sleep();
            }
        }

        Instant untilDetected(Scenario s) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (Instant.now().isBefore(deadline)) {
                DMRemediationStatus st = poll();
                if (st != null && st.tasks.stream().anyMatch(t -> s.task().equals(t.name)
                        && s.id().equals(t.errorClass))) {
                    return Instant.now();
                }
                sleep();
            }
            return null;
        }

        DMRemediationStatus poll() {
            DMRemediation r = world.get(name);
            events();
            if (r == null || r.getStatus() == null || r.getStatus().phase == null) {
                return null;
            }
            DMRemediationStatus s = r.getStatus();
            String line = String.format("%-10s %-8s %-6s %-8s %-12s %s", name, s.cluster, s.taskCount, s.healthyTasks,
                    s.phase, s.lastAction == null ? "<none>" : s.lastAction);
            String step = s.active == null ? "" : "    [" + s.active.playbook + " " + s.active.step + "]";
            if (!(line + step).equals(last)) {
                out.printf("%-8s %s%s%n", elapsed(), line, step);
                last = line + step;
            }
            return s;
        }

        private void events() {
            for (var e : world.events(name)) {
                String key = e.getMetadata().getName() + "/" + e.getCount();
                if (seenEvents.add(key)) {
                    out.printf("%-8s   Event %-7s %-22s %s%n", elapsed(), e.getType(), e.getReason(), e.getMessage());
                }
            }
        }

        private String elapsed() {
            Duration d = Duration.between(start, Instant.now());
            return String.format("%d.%ds", d.toSeconds(), d.toMillisPart() / 100);
        }

        private static void sleep() {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    static HistoryEntry latest(DMRemediationStatus s, String playbook) {
        return s.history.stream().filter(h -> playbook.equals(h.action)).findFirst().orElse(null);
    }
}
