package io.dmremediation.sandbox;

import io.dmremediation.cli.Command;
import io.dmremediation.cli.FixCheckpointCommand;
import io.dmremediation.cli.FixRelayMetaCommand;
import io.dmremediation.fixer.Environment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the Jobs the operator creates, in this process, the way a kubelet and the Job controller would: the
 * container's arguments go to the production fixer command, its environment is resolved from the pod spec (Secret
 * references read through the Kubernetes API), volumes of persistent claims are local directories mounted at the
 * container's paths (paths under a mount in the arguments are mapped), and the Job's pod and status are written
 * back: termination message, exit code, Complete or Failed. The deadline is enforced like the Job controller
 * does. Faults for tests: a Job can be made to fail or to hang.
 */
public final class StandInKubelet implements Kubelet, AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final Function<String, Path> claimDirs;
    private final Path scratch;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "stand-in-kubelet");
        t.setDaemon(true);
        return t;
    });
    private Watch watch;

    /**
     * @param claimDirs the local directory behind a PersistentVolumeClaim, by claim name
     */
    public StandInKubelet(KubernetesClient client, String namespace, Function<String, Path> claimDirs, Path scratch) {
        this.client = client;
        this.namespace = namespace;
        this.claimDirs = claimDirs;
        this.scratch = scratch;
    }

    public StandInKubelet start() {
        watch = client.batch().v1().jobs().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Job job) {
                if (action == Action.ADDED && seen.add(job.getMetadata().getUid())) {
                    executor.submit(() -> admit(job));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // the world is closing
            }
        });
        return this;
    }

    /** Jobs whose name starts with {@code prefix} fail (exit 1 without running) or hang until their deadline. */
    @Override
    public void behave(String prefix, Behaviour behaviour) {
        behaviours.put(prefix, behaviour);
    }

    @Override
    public List<Run> runs() {
        return List.copyOf(runs);
    }

    private Behaviour behaviourOf(String job) {
        return behaviours.entrySet().stream().filter(e -> job.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(Behaviour.RUN);
    }

    /** A Job held by {@link Behaviour#HANG}, until its deadline or {@link #release}. */
    private record Hanging(Job job, Container container, Pod pod) {
    }

    private final Map<String, Hanging> hanging = new ConcurrentHashMap<>();

    /** Lets the hanging Jobs whose name starts with {@code prefix} run now, as a slow node finally would. */
    public void release(String prefix) {
        behaviours.remove(prefix);
        for (String name : List.copyOf(hanging.keySet())) {
            Hanging h = name.startsWith(prefix) ? hanging.remove(name) : null;
            if (h != null) {
                executor.execute(() -> execute(h.job(), h.container(), h.pod(), false));
            }
        }
    }

    private void admit(Job job) {
        try {
            String name = job.getMetadata().getName();
            // decided before the Job shows active, so a test that sees it active knows how it will behave
            Behaviour behaviour = behaviourOf(name);
            Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            String podName = name + "-" + Long.toHexString(System.nanoTime() & 0xfffff);
            Pod pod = client.resource(new PodBuilder()
                    .withNewMetadata().withName(podName).withNamespace(namespace)
                        .addToLabels("job-name", name).addToLabels("batch.kubernetes.io/job-name", name)
                        .addToLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                    .endMetadata()
                    .withSpec(job.getSpec().getTemplate().getSpec())
                    .withNewStatus().withPhase("Running").endStatus()
                    .build()).create();
            setJobStatus(name, new JobStatusBuilder().withActive(1).withStartTime(Instant.now().toString()).build());
            Long deadline = job.getSpec().getActiveDeadlineSeconds();
            if (behaviour == Behaviour.HANG) {
                hanging.put(name, new Hanging(job, c, pod));
                if (deadline != null) {
                    executor.schedule(() -> {
                        if (hanging.remove(name) != null) {
                            finish(name, pod, 1, "", "DeadlineExceeded", "Job was active longer than specified deadline");
                        }
                    }, deadline, TimeUnit.SECONDS);
                }
                return;
            }
            if (behaviour == Behaviour.FAIL) {
                finish(name, pod, 1, "{\"result\":\"refused\",\"message\":\"made to fail by the sandbox\"}",
                        "BackoffLimitExceeded", "Job has reached the specified backoff limit");
                return;
            }
            execute(job, c, pod, behaviour == Behaviour.RUN_THEN_DIE);
        } catch (RuntimeException e) {
            // the Job was deleted while admitted, or the world is closing
        }
    }

    private void execute(Job job, Container c, Pod pod, boolean dieAfter) {
        String name = job.getMetadata().getName();
        Map<String, Path> mounts = mounts(job, c);
        List<String> args = new ArrayList<>();
        for (String a : c.getArgs()) {
            args.add(mapPath(a, mounts));
        }
        Map<String, String> env = new HashMap<>();
        Path report;
        try {
            Files.createDirectories(scratch);
            report = Files.createTempFile(scratch, name, ".termination-log");
        } catch (IOException e) {
            finish(name, pod, 1, "", "BackoffLimitExceeded", "stand-in kubelet: " + e.getMessage());
            return;
        }
        for (EnvVar v : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            String value = resolve(v);
            if (value != null) {
                // a path under a mounted volume (DOWNSTREAM_TLS_DIR) is the local directory behind it, as for args
                env.put(v.getName(), "DMR_REPORT_FILE".equals(v.getName()) ? report.toString() : mapPath(value, mounts));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        String command = args.isEmpty() ? "" : args.get(0);
        Map<String, Function<Environment, Command>> commands = Map.of(
                "fix-checkpoint", FixCheckpointCommand::new,
                "fix-relay-meta", FixRelayMetaCommand::new,
                "check-downstream", io.dmremediation.cli.CheckDownstreamCommand::new);
        Function<Environment, Command> factory = commands.get(command);
        if (factory == null) {
            code = 127;
            err.writeBytes(("no such command " + command).getBytes(StandardCharsets.UTF_8));
        } else {
            code = factory.apply(Environment.of(env)).run(args.subList(1, args.size()),
                    new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        }
        String message;
        try {
            message = Files.readString(report);
            Files.deleteIfExists(report);
        } catch (IOException e) {
            message = "";
        }
        runs.add(new Run(name, List.copyOf(args), code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)));
        if (dieAfter) {
            finish(name, pod, 137, "", "PodFailurePolicy", "the pod was lost after its container ran");
        } else if (code == 0) {
            finish(name, pod, 0, message, null, null);
        } else {
            finish(name, pod, code, message, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        }
    }

    private void finish(String job, Pod pod, int exitCode, String message, String failReason, String failMessage) {
        try {
            String now = Instant.now().toString();
            client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).editStatus(p -> {
                p.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
                p.getStatus().setContainerStatuses(List.of(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                        .withName(pod.getSpec().getContainers().get(0).getName())
                        .withNewState().withNewTerminated().withExitCode(exitCode).withMessage(message)
                            .withReason(exitCode == 0 ? "Completed" : "Error").withFinishedAt(now)
                        .endTerminated().endState().build()));
                return p;
            });
            JobStatusBuilder status = new JobStatusBuilder().withActive(0).withCompletionTime(exitCode == 0 ? now : null);
            if (exitCode == 0) {
                status.withSucceeded(1).withConditions(new JobConditionBuilder().withType("Complete").withStatus("True")
                        .withLastTransitionTime(now).build());
            } else {
                status.withFailed(1).withConditions(new JobConditionBuilder().withType("Failed").withStatus("True")
                        .withReason(failReason).withMessage(failMessage).withLastTransitionTime(now).build());
            }
            setJobStatus(job, status.build());
        } catch (RuntimeException e) {
            // deleted meanwhile
        }
    }

    private void setJobStatus(String job, io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) {
        client.batch().v1().jobs().inNamespace(namespace).withName(job).editStatus(j -> {
            j.setStatus(status);
            return j;
        });
    }

    private Map<String, Path> mounts(Job job, Container c) {
        Map<String, Path> mounts = new HashMap<>();
        List<Volume> volumes = job.getSpec().getTemplate().getSpec().getVolumes();
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            for (Volume v : volumes == null ? List.<Volume>of() : volumes) {
                if (v.getName().equals(m.getName()) && v.getPersistentVolumeClaim() != null) {
                    mounts.put(m.getMountPath(), claimDirs.apply(v.getPersistentVolumeClaim().getClaimName()));
                } else if (v.getName().equals(m.getName()) && v.getSecret() != null) {
                    mounts.put(m.getMountPath(), secretVolume(job, v.getSecret()));
                }
            }
        }
        return mounts;
    }

    /**
     * A Secret volume as the kubelet lays it out: each listed key that the Secret has becomes a file; with
     * {@code optional}, missing keys (or a missing Secret) are left out instead of failing the pod.
     */
    private Path secretVolume(Job job, io.fabric8.kubernetes.api.model.SecretVolumeSource source) {
        try {
            Files.createDirectories(scratch);
            Path dir = Files.createTempDirectory(scratch, job.getMetadata().getName() + "-secret-");
            Secret s = client.secrets().inNamespace(namespace).withName(source.getSecretName()).get();
            Map<String, String> data = s == null || s.getData() == null ? Map.of() : s.getData();
            List<io.fabric8.kubernetes.api.model.KeyToPath> items = source.getItems() == null ? List.of()
                    : source.getItems();
            for (io.fabric8.kubernetes.api.model.KeyToPath item : items) {
                String encoded = data.get(item.getKey());
                if (encoded == null && s != null && s.getStringData() != null && s.getStringData().get(item.getKey()) != null) {
                    encoded = Base64.getEncoder().encodeToString(
                            s.getStringData().get(item.getKey()).getBytes(StandardCharsets.UTF_8));
                }
                if (encoded == null) {
                    if (!Boolean.TRUE.equals(source.getOptional())) {
                        throw new IllegalStateException("Secret " + source.getSecretName() + " has no key " + item.getKey());
                    }
                    continue;
                }
                Files.write(dir.resolve(item.getPath()), Base64.getDecoder().decode(encoded));
            }
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A container path under a mounted volume becomes the local directory behind it. */
    static String mapPath(String arg, Map<String, Path> mounts) {
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            String mount = m.getKey().endsWith("/") ? m.getKey().substring(0, m.getKey().length() - 1) : m.getKey();
            if (arg.equals(mount) || arg.startsWith(mount + "/")) {
                return m.getValue() + arg.substring(mount.length());
            }
        }
        return arg;
    }

    private String resolve(EnvVar v) {
        if (v.getValue() != null) {
            return v.getValue();
        }
        if (v.getValueFrom() == null || v.getValueFrom().getSecretKeyRef() == null) {
            return null;
        }
        SecretKeySelector ref = v.getValueFrom().getSecretKeyRef();
        Secret s = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        String encoded = s == null || s.getData() == null ? null : s.getData().get(ref.getKey());
        if (encoded == null && s != null && s.getStringData() != null) {
            return s.getStringData().get(ref.getKey());
        }
        return encoded == null ? null : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        executor.shutdownNow();
    }
}
