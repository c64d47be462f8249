package io.dmremediation.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process this JVM starts (etcd, kube-apiserver, an operator pod's JVM) that dies with this JVM, even when this
 * JVM is killed: it runs under a small shell that holds a pipe from us and kills the process when the pipe closes.
 * Output goes to a log file.
 */
final class ChildProcess implements AutoCloseable {

    /**
     * The guard: starts "$@", writes its pid, and waits for it; a reader in the background holds the pipe from this
     * JVM and kills the process at EOF — this JVM's end, however it ended. SIGTERM to the guard is passed on (a
     * graceful stop). The guard exits with the process's status (128 + signal when a signal ended it).
     */
    private static final String GUARD = """
            exec 3<&0
            "$@" </dev/null &
            child=$!
            echo "$child" > "$DMR_CHILD_PID_FILE"
            ( while read -r _ <&3; do :; done; kill -KILL "$child" 2>/dev/null ) &
            reader=$!
            trap 'kill -TERM "$child" 2>/dev/null' TERM INT
            while :; do
              wait "$child"; status=$?
              kill -0 "$child" 2>/dev/null || break
            done
            kill "$reader" 2>/dev/null
            exit "$status"
            """;

    private final String name;
    private final Process guard;
    private final Path log;
    private final Path pidFile;

    private ChildProcess(String name, Process guard, Path log, Path pidFile) {
        this.name = name;
        this.guard = guard;
        this.log = log;
        this.pidFile = pidFile;
    }

    /** Starts a process with stdout and stderr in {@code log}, in this JVM's environment plus {@code env}. */
    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        return start(name, command, env, false, workDir, log, null);
    }

    /**
     * Starts a process. {@code cleanEnv}: only {@code env}, nothing of this JVM's environment (a container's view);
     * {@code errLog} null: stderr goes to {@code log} too.
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> env, boolean cleanEnv,
                              Path workDir, Path log, Path errLog) {
        List<String> all = new ArrayList<>(List.of("/bin/bash", "-c", GUARD, name));
        all.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(all).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        if (errLog == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.appendTo(errLog.toFile()));
        }
        if (cleanEnv) {
            pb.environment().clear();
        }
        pb.environment().putAll(env);
        try {
            Path pidFile = java.nio.file.Files.createTempFile(log.getParent(), name, ".pid");
            pb.environment().put("DMR_CHILD_PID_FILE", pidFile.toString());
            return new ChildProcess(name, pb.start(), log, pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** The process itself (the guard's child), once it runs. */
    Optional<ProcessHandle> process() {
        try {
            String pid = java.nio.file.Files.readString(pidFile).strip();
            return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean alive() {
        return guard.isAlive();
    }

    /** Waits for the process to end; its exit status (128 + signal when a signal ended it). */
    Optional<Integer> awaitExit(Duration timeout) {
        try {
            return guard.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(guard.exitValue())
                    : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** SIGKILL to the process itself, as {@code kill -9 <pid>} would: nothing of it runs after this. */
    void kill9() {
        process().ifPresent(ProcessHandle::destroyForcibly);
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Duration grace) {
        if (!guard.isAlive()) {
            return;
        }
        guard.destroy();
        if (awaitExit(grace).isEmpty()) {
            kill9();
            guard.destroyForcibly();
            awaitExit(Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
