package io.dmremediation.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** How the stand-in kubelet runs a container here: the images it knows and the containers they make. */
final class Containers {

    private Containers() {
    }

    /** Everything a container needs from its pod, with container paths already bound to directories here. */
    record Setup(Pod pod, Container spec, Path dir, Map<String, String> env, Map<String, Path> mounts,
                 Map<Integer, Integer> hostPorts, Path hostsFile, Path stdout, Path stderr) {

        /**
         * A path inside the container as a path here: the longest mount that holds it decides; a path under no
         * mount stays as it is (the container's root filesystem is the host's: see the docs).
         */
        String mapPath(String path) {
            return mounts.entrySet().stream()
                    .filter(m -> path.equals(m.getKey()) || path.startsWith(trim(m.getKey()) + "/"))
                    .max(Comparator.comparingInt(m -> m.getKey().length()))
                    .map(m -> m.getValue() + path.substring(trim(m.getKey()).length()))
                    .orElse(path);
        }

        /** An argument with a container path, whole or after {@code =} ({@code -Djava.io.tmpdir=/tmp}). */
        String mapArg(String arg) {
            if (arg.startsWith("/")) {
                return mapPath(arg);
            }
            int eq = arg.indexOf('=');
            if (eq > 0 && arg.startsWith("/", eq + 1)) {
                return arg.substring(0, eq + 1) + mapPath(arg.substring(eq + 1));
            }
            return arg;
        }

        private static String trim(String p) {
            return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }
    }

    /** A container that runs (or ran): it ends on its own or when stopped. */
    interface Running {
        /** Completes with the exit code once the container ended. */
        CompletableFuture<Integer> exited();

        /** SIGTERM, then SIGKILL after {@code grace}. */
        void stop(Duration grace);

        /** The container's main process, if it is one here. */
        default Optional<ProcessHandle> process() {
            return Optional.empty();
        }
    }

    /** An image: what starting a container of it means here. */
    interface Image {
        Running start(Setup setup);
    }

    // ------------------------------------------------------------------------------------------ the operator's image

    /**
     * The operator's image as the repository's Dockerfile builds it: its ENTRYPOINT (java … -jar
     * /app/dm-remediation-operator.jar) run with this machine's Java 17, the COPY sources in place of the image's
     * files (the production jar under target/), and the container's arguments. Because the process shares this
     * machine's filesystem and network, three things a container would get from its namespaces are passed
     * explicitly: the memory limit as {@code -XX:MaxRAM} (what the cgroup limit tells the JVM in a container), the
     * pod's hosts file ({@code -Djdk.net.hosts.file}, our cluster DNS), and the service-account mount's files to
     * fabric8's in-cluster configuration, which reads them from fixed paths otherwise. The HTTP port the image
     * listens on ({@code HTTP_PORT}) is moved to a free port here, as two pods cannot both have 8080.
     */
    static final class OperatorImage implements Image {

        static final String PORT_ENV = "HTTP_PORT";
        static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

        private final List<String> entrypoint;
        private final Map<String, Path> files;

        OperatorImage(List<String> entrypoint, Map<String, Path> files) {
            this.entrypoint = entrypoint;
            this.files = files;
        }

        /** Reads ENTRYPOINT (exec form) and the COPY lines of the project's Dockerfile. */
        static OperatorImage fromDockerfile(Path projectDir) {
            List<String> entry = null;
            Map<String, Path> copies = new java.util.LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(projectDir.resolve("Dockerfile"))) {
                    String l = line.strip();
                    if (l.startsWith("ENTRYPOINT ")) {
                        entry = new ArrayList<>();
                        for (var e : new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(l.substring("ENTRYPOINT ".length()))) {
                            entry.add(e.asText());
                        }
                    } else if (l.startsWith("COPY ")) {
                        String[] parts = l.split("\\s+");
                        copies.put(parts[parts.length - 1], projectDir.resolve(parts[1]));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (entry == null || entry.isEmpty() || !entry.get(0).equals("java")) {
                throw new IllegalStateException("the Dockerfile's ENTRYPOINT is not an exec-form java command");
            }
            return new OperatorImage(entry, copies);
        }

        @Override
        public Running start(Setup s) {
            List<String> cmd = new ArrayList<>();
            Container c = s.spec();
            List<String> entry = c.getCommand() == null || c.getCommand().isEmpty() ? entrypoint : c.getCommand();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Quantity memory = c.getResources() == null || c.getResources().getLimits() == null ? null
                    : c.getResources().getLimits().get("memory");
            if (memory != null) {
                cmd.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(memory).longValue());
            }
            cmd.add("-Djdk.net.hosts.file=" + s.hostsFile());
            if (s.mounts().containsKey(SERVICE_ACCOUNT_DIR)) {
                Path sa = s.mounts().get(SERVICE_ACCOUNT_DIR);
                cmd.add("-Dkubernetes.auth.serviceAccount.token=" + sa.resolve("token"));
                cmd.add("-Dkubernetes.certs.ca.file=" + sa.resolve("ca.crt"));
                cmd.add("-Dkubenamespace=" + sa.resolve("namespace"));
            }
            for (String a : entry.subList(1, entry.size())) {
                cmd.add(files.containsKey(a) ? files.get(a).toString() : s.mapArg(a));
            }
            for (String a : c.getArgs() == null ? List.<String>of() : c.getArgs()) {
                cmd.add(s.mapArg(a));
            }
            Map<String, String> env = new java.util.LinkedHashMap<>();
            env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            env.put("LANG", "C.UTF-8");
            env.put("HOME", s.dir().resolve("home").toString());
            s.env().forEach((k, v) -> env.put(k, s.mapArg(v)));
            if (env.containsKey(PORT_ENV)) {
                Integer port = s.hostPorts().get(Integer.parseInt(env.get(PORT_ENV)));
                if (port != null) {
                    env.put(PORT_ENV, String.valueOf(port));
                }
            }
            try {
                Files.createDirectories(s.dir().resolve("home"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ChildProcess p = ChildProcess.start(s.pod().getMetadata().getName() + "-" + c.getName(), cmd, env, true,
                    s.dir(), s.stdout(), s.stderr());
            return new ProcessContainer(p);
        }
    }

    /** A container that is a process here. */
    static final class ProcessContainer implements Running {
        private final ChildProcess process;
        private final CompletableFuture<Integer> exited = new CompletableFuture<>();

        ProcessContainer(ChildProcess process) {
            this.process = process;
            Thread t = new Thread(() -> {
                Optional<Integer> code;
                do {
                    code = process.awaitExit(Duration.ofMinutes(10));
                } while (code.isEmpty() && process.alive());
                exited.complete(code.orElse(137));
            }, "container-" + process.name());
            t.setDaemon(true);
            t.start();
        }

        @Override
        public CompletableFuture<Integer> exited() {
            return exited;
        }

        @Override
        public void stop(Duration grace) {
            process.stop(grace);
        }

        @Override
        public Optional<ProcessHandle> process() {
            return process.process();
        }
    }

    // ------------------------------------------------------------------------------------------ the DM-worker image

    /**
     * The DM-worker image: the container is the DM-master simulator's worker of the pod's name, up while the
     * container runs and down once it is stopped (the simulator has no processes of its own).
     */
    static final class DmWorkerImage implements Image {
        private final Consumer<String> up;
        private final Consumer<String> down;

        DmWorkerImage(Consumer<String> up, Consumer<String> down) {
            this.up = up;
            this.down = down;
        }

        @Override
        public Running start(Setup s) {
            String name = s.pod().getMetadata().getName();
            up.accept(name);
            CompletableFuture<Integer> exited = new CompletableFuture<>();
            return new Running() {
                @Override
                public CompletableFuture<Integer> exited() {
                    return exited;
                }

                @Override
                public void stop(Duration grace) {
                    if (!exited.isDone()) {
                        down.accept(name);
                        // DM-worker ends cleanly on SIGTERM
                        exited.complete(0);
                    }
                }
            };
        }
    }

    // ------------------------------------------------------------------------------------------ faults

    /** A container that fails at once (exit 1) with a report, without running anything. */
    static Running failing(Path terminationLog) {
        try {
            Files.writeString(terminationLog, "{\"result\":\"refused\",\"message\":\"made to fail by the stand-in kubelet\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Integer> exited = CompletableFuture.completedFuture(1);
        return new Running() {
            @Override
            public CompletableFuture<Integer> exited() {
                return exited;
            }

            @Override
            public void stop(Duration grace) {
            }
        };
    }

    /** A container that runs until it is stopped, then ends as a process killed by SIGTERM does (143). */
    static Running hanging() {
        CompletableFuture<Integer> exited = new CompletableFuture<>();
        return new Running() {
            @Override
            public CompletableFuture<Integer> exited() {
                return exited;
            }

            @Override
            public void stop(Duration grace) {
                exited.complete(143);
            }
        };
    }
}
