package io.dmremediation.controlplane;

import io.dmremediation.sandbox.Kubelet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One pod on the stand-in kubelet: binds it if it has no node, starts its container, probes it, restarts it under
 * {@code restartPolicy: Always}, reports its status, and stops it when it is deleted. Everything happens on the
 * pod's own thread, one step at a time, as in the kubelet's pod workers.
 */
final class PodWorker {

    /** Probes run this often here, whatever the pod asks (a test cannot wait 10 s per readiness flip). */
    private static final Duration PROBE_PERIOD = Duration.ofSeconds(1);
    /** What the kubelet keeps of a termination message. */
    private static final int MESSAGE_LIMIT = 4096;
    private static final HttpClient PROBES = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final NodeKubelet kubelet;
    private final String uid;
    private final String namespace;
    private final String name;
    private final ScheduledExecutorService loop;
    private volatile Pod latest;

    // the pod's state, touched on the loop only
    private boolean bindRequested;
    private boolean started;
    private boolean terminal;
    private boolean deleting;
    private boolean finalized;
    private String podIp;
    private Instant startTime;
    private Containers.Setup setup;
    private volatile Containers.Running container;
    private Instant containerStarted;
    private int restarts;
    private ContainerState lastState;
    private ContainerState state;
    private boolean startupPassed;
    private boolean ready;
    private ScheduledFuture<?> probes;
    private String waitingReason;
    private boolean dieAfterRun;

    PodWorker(NodeKubelet kubelet, Pod pod) {
        this.kubelet = kubelet;
        this.uid = pod.getMetadata().getUid();
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubelet-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    String namespace() {
        return namespace;
    }

    String name() {
        return name;
    }

    Optional<ProcessHandle> process() {
        Containers.Running c = container;
        return c == null ? Optional.empty() : c.process();
    }

    String logs() {
        if (setup == null) {
            return "(not started)";
        }
        return read(setup.stdout()) + read(setup.stderr());
    }

    void update(Pod pod) {
        latest = pod;
        submit(this::sync);
    }

    /** Its node died: the container is killed and the pod is never synced again. */
    void lose() {
        Containers.Running c = container;
        finalized = true;
        if (c != null) {
            c.process().ifPresent(ProcessHandle::destroyForcibly);
            c.stop(Duration.ZERO);
        }
        loop.shutdownNow();
    }

    /** The pod is gone from the API (or the kubelet closes): nothing of it may run on. */
    void gone() {
        submit(() -> {
            if (container != null && !container.exited().isDone()) {
                container.stop(Duration.ofSeconds(2));
            }
            finalized = true;
            loop.shutdown();
        });
    }

    private void submit(Runnable step) {
        try {
            loop.execute(() -> {
                try {
                    step.run();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404 && !kubelet.closed()) {
                        System.err.printf("stand-in kubelet: pod %s/%s: %s%n", namespace, name, e.getMessage());
                        // try again, as the kubelet's sync loop would
                        loop.schedule(this::sync, 1, TimeUnit.SECONDS);
                    }
                } catch (RuntimeException e) {
                    if (!kubelet.closed()) {
                        System.err.printf("stand-in kubelet: pod %s/%s: %s%n", namespace, name, e);
                        e.printStackTrace();
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // gone
        }
    }

    // ------------------------------------------------------------------------------------------ the sync loop

    private void sync() {
        Pod pod = latest;
        if (finalized || pod == null) {
            return;
        }
        String node = pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            if (pod.getMetadata().getDeletionTimestamp() == null && !bindRequested) {
                bind(pod);
            }
            return;
        }
        if (!NodeKubelet.NODES.contains(node)) {
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(pod);
            return;
        }
        if (terminal) {
            return;
        }
        if (!started) {
            startPod(pod);
        } else if (container == null && waitingReason != null) {
            startContainer(pod);
        }
    }

    /** The scheduler's part: a node for the pod, through the binding subresource. */
    private void bind(Pod pod) {
        bindRequested = true;
        String node = kubelet.place(pod);
        try {
            kubelet.client().bindings().inNamespace(namespace).resource(
                    new io.fabric8.kubernetes.api.model.BindingBuilder()
                            .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                            .withNewTarget().withApiVersion("v1").withKind("Node").withName(node).endTarget()
                            .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                bindRequested = false;
                throw e;
            }
        }
    }

    private void startPod(Pod pod) {
        started = true;
        startTime = Instant.now();
        podIp = kubelet.nextPodIp(pod.getSpec().getNodeName());
        writeStatus();
        startContainer(pod);
    }

    private void startContainer(Pod pod) {
        if (pod.getSpec().getContainers().size() != 1 || (pod.getSpec().getInitContainers() != null
                && !pod.getSpec().getInitContainers().isEmpty())) {
            waitingReason = "CreateContainerError";
            failPod(1, "the stand-in kubelet runs pods of one container and no init containers");
            return;
        }
        Container c = pod.getSpec().getContainers().get(0);
        try {
            setup = prepare(pod, c);
        } catch (NotYet e) {
            // as the kubelet: the container waits (CreateContainerConfigError) and the pod is synced again
            waitingReason = e.reason;
            state = new ContainerStateBuilder().withNewWaiting().withReason(e.reason).withMessage(e.getMessage())
                    .endWaiting().build();
            writeStatus();
            loop.schedule(this::sync, 1, TimeUnit.SECONDS);
            return;
        }
        String job = jobName(pod);
        Kubelet.Behaviour behaviour = job == null ? Kubelet.Behaviour.RUN : kubelet.behaviourOf(job);
        Containers.Running running;
        if (behaviour == Kubelet.Behaviour.FAIL) {
            running = Containers.failing(terminationLog(c));
        } else if (behaviour == Kubelet.Behaviour.HANG) {
            running = Containers.hanging();
        } else {
            dieAfterRun = behaviour == Kubelet.Behaviour.RUN_THEN_DIE;
            Optional<Containers.Image> image = kubelet.imageOf(c.getImage());
            if (image.isEmpty()) {
                waitingReason = "ErrImagePull";
                state = new ContainerStateBuilder().withNewWaiting().withReason("ErrImagePull")
                        .withMessage("the stand-in kubelet does not know image " + c.getImage()).endWaiting().build();
                writeStatus();
                return;
            }
            running = image.get().start(setup);
        }
        waitingReason = null;
        container = running;
        containerStarted = Instant.now();
        state = new ContainerStateBuilder().withNewRunning().withStartedAt(containerStarted.toString()).endRunning()
                .build();
        startupPassed = c.getStartupProbe() == null;
        ready = c.getReadinessProbe() == null && c.getStartupProbe() == null;
        writeStatus();
        Containers.Running mine = running;
        running.exited().thenAccept(code -> submit(() -> onExit(mine, code)));
        if (!ready && probes == null) {
            probes = loop.scheduleWithFixedDelay(this::probe, PROBE_PERIOD.toMillis(), PROBE_PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void onExit(Containers.Running which, int code) {
        if (which != container || terminal) {
            return;
        }
        Pod pod = latest;
        Container c = pod.getSpec().getContainers().get(0);
        String message = terminationMessage(c);
        Instant finished = Instant.now();
        ContainerState ended = new ContainerStateBuilder().withNewTerminated().withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error").withMessage(message.isEmpty() ? null : message)
                .withStartedAt(containerStarted.toString()).withFinishedAt(finished.toString())
                .withContainerID(containerId()).endTerminated().build();
        String job = jobName(pod);
        if (job != null) {
            List<String> args = c.getArgs() == null ? List.of() : c.getArgs().stream().map(setup::mapArg).toList();
            kubelet.ran(new Kubelet.Run(job, args, code, read(setup.stdout()), read(setup.stderr())));
        }
        container = null;
        ready = false;
        if (dieAfterRun) {
            // the node is gone before it could report: no status, and the pod is removed as the pod garbage
            // collector removes a lost node's pods (here at once, not after the node lifecycle controller's minutes)
            finalized = true;
            stopProbes();
            kubelet.client().pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
            return;
        }
        String policy = pod.getSpec().getRestartPolicy();
        boolean restart = !deleting && ("Always".equals(policy) || ("OnFailure".equals(policy) && code != 0));
        if (restart) {
            lastState = ended;
            restarts++;
            // CrashLoopBackOff: at once the first time, then 10 s doubling (capped at the kubelet's 5 minutes)
            long delay = restarts == 1 ? 0 : Math.min(300, 10L << Math.min(5, restarts - 2));
            state = new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff")
                    .withMessage("back-off " + delay + "s restarting failed container").endWaiting().build();
            writeStatus();
            loop.schedule(() -> {
                if (!deleting && !terminal && !finalized) {
                    startContainer(latest);
                }
            }, delay, TimeUnit.SECONDS);
            return;
        }
        state = ended;
        terminal = true;
        stopProbes();
        writeStatus();
    }

    private void failPod(int code, String message) {
        state = new ContainerStateBuilder().withNewTerminated().withExitCode(code).withReason("Error")
                .withMessage(message).withFinishedAt(Instant.now().toString()).endTerminated().build();
        terminal = true;
        writeStatus();
    }

    /** The pod is being deleted: stop it within its grace period, report it, then delete it for good. */
    private void terminate(Pod pod) {
        if (finalized) {
            return;
        }
        deleting = true;
        Containers.Running c = container;
        if (c != null && !c.exited().isDone()) {
            long grace = pod.getMetadata().getDeletionGracePeriodSeconds() == null ? 30
                    : pod.getMetadata().getDeletionGracePeriodSeconds();
            c.stop(Duration.ofSeconds(Math.max(1, Math.min(grace, 30))));
            try {
                int code = c.exited().get(35, TimeUnit.SECONDS);
                onExit(c, code);
            } catch (Exception e) {
                onExit(c, 137);
            }
        }
        if (started && !terminal) {
            terminal = true;
            if (state == null || state.getTerminated() == null) {
                state = new ContainerStateBuilder().withNewTerminated().withExitCode(137).withReason("Error")
                        .withFinishedAt(Instant.now().toString()).endTerminated().build();
            }
        }
        stopProbes();
        if (started) {
            writeStatus();
        }
        finalized = true;
        try {
            kubelet.client().pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private void probe() {
        Containers.Running c = container;
        Pod pod = latest;
        if (c == null || terminal || deleting || pod == null) {
            return;
        }
        Container spec = pod.getSpec().getContainers().get(0);
        boolean was = ready;
        if (!startupPassed) {
            startupPassed = httpProbe(spec, spec.getStartupProbe());
            ready = startupPassed && spec.getReadinessProbe() == null;
        } else {
            ready = spec.getReadinessProbe() == null || httpProbe(spec, spec.getReadinessProbe());
        }
        if (ready != was) {
            writeStatus();
        }
    }

    private boolean httpProbe(Container spec, Probe probe) {
        HTTPGetAction get = probe.getHttpGet();
        if (get == null) {
            return true;
        }
        Integer containerPort = get.getPort().getIntVal();
        if (containerPort == null) {
            containerPort = spec.getPorts().stream().filter(p -> get.getPort().getStrVal().equals(p.getName()))
                    .map(ContainerPort::getContainerPort).findFirst().orElse(null);
        }
        Integer port = containerPort == null ? null : setup.hostPorts().get(containerPort);
        if (port == null) {
            return false;
        }
        try {
            HttpResponse<Void> r = PROBES.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + (get.getPath() == null ? "/" : get.getPath()))).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() >= 200 && r.statusCode() < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stopProbes() {
        if (probes != null) {
            probes.cancel(false);
            probes = null;
        }
    }

    // ------------------------------------------------------------------------------------------ status

    private void writeStatus() {
        Pod pod = latest;
        Container c = pod.getSpec().getContainers().get(0);
        String now = Instant.now().toString();
        boolean succeeded = terminal && state != null && state.getTerminated() != null
                && state.getTerminated().getExitCode() == 0;
        String phase = terminal ? (succeeded ? "Succeeded" : "Failed") : container != null || restarts > 0 ? "Running"
                : "Pending";
        ContainerStatus cs = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                .withImageID("stand-in://" + c.getImage()).withContainerID(container == null ? null : containerId())
                .withReady(ready).withStarted(container != null && startupPassed).withRestartCount(restarts)
                .withState(state == null ? new ContainerStateBuilder().withNewWaiting()
                        .withReason("ContainerCreating").endWaiting().build() : state)
                .withLastState(lastState)
                .build();
        Map<String, PodCondition> mine = new LinkedHashMap<>();
        mine.put("PodReadyToStartContainers", condition("PodReadyToStartContainers", started && !terminal, null, now));
        mine.put("Initialized", condition("Initialized", true, null, now));
        mine.put("Ready", condition("Ready", ready, terminal ? "PodCompleted" : ready ? null : "ContainersNotReady", now));
        mine.put("ContainersReady", condition("ContainersReady", ready,
                terminal ? "PodCompleted" : ready ? null : "ContainersNotReady", now));
        try {
            kubelet.client().pods().inNamespace(namespace).withName(name).editStatus(p -> {
                if (!uid.equals(p.getMetadata().getUid())) {
                    return p;
                }
                PodStatus s = p.getStatus() == null ? new PodStatus() : p.getStatus();
                List<PodCondition> conditions = new ArrayList<>();
                Map<String, PodCondition> old = new HashMap<>();
                for (PodCondition pc : s.getConditions() == null ? List.<PodCondition>of() : s.getConditions()) {
                    old.put(pc.getType(), pc);
                    if (!mine.containsKey(pc.getType())) {
                        conditions.add(pc);
                    }
                }
                for (PodCondition pc : mine.values()) {
                    PodCondition before = old.get(pc.getType());
                    if (before != null && before.getStatus().equals(pc.getStatus())) {
                        pc.setLastTransitionTime(before.getLastTransitionTime());
                    }
                    conditions.add(pc);
                }
                s.setConditions(conditions);
                s.setPhase(phase);
                s.setHostIP("127.0.0.1");
                s.setHostIPs(List.of(new io.fabric8.kubernetes.api.model.HostIP("127.0.0.1")));
                if (podIp != null) {
                    s.setPodIP(podIp);
                    s.setPodIPs(List.of(new io.fabric8.kubernetes.api.model.PodIP(podIp)));
                }
                s.setStartTime(startTime == null ? null : startTime.toString());
                s.setContainerStatuses(List.of(cs));
                s.setQosClass(s.getQosClass() == null ? "Burstable" : s.getQosClass());
                p.setStatus(s);
                return p;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private static PodCondition condition(String type, boolean status, String reason, String now) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False").withReason(reason)
                .withLastTransitionTime(now).build();
    }

    private String containerId() {
        return "stand-in://" + uid + "-" + restarts;
    }

    // ------------------------------------------------------------------------------------------ the container's setup

    /** A container cannot start yet (a Secret or ConfigMap it needs is missing): the kubelet retries. */
    private static final class NotYet extends RuntimeException {
        final String reason;

        NotYet(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private Path podDir() {
        return kubelet.dir().resolve("pods").resolve(namespace).resolve(name + "-" + uid.substring(0, 8));
    }

    private Path terminationLog(Container c) {
        return podDir().resolve(c.getName() + ".termination-log");
    }

    private Containers.Setup prepare(Pod pod, Container c) {
        Path dir = podDir();
        try {
            Files.createDirectories(dir.resolve("volumes"));
            Files.deleteIfExists(terminationLog(c));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Path> volumes = new HashMap<>();
        for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
            volumes.put(v.getName(), volume(pod, v, dir.resolve("volumes").resolve(v.getName())));
        }
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Path v = volumes.get(m.getName());
            if (v == null) {
                throw new NotYet("CreateContainerConfigError", "no volume " + m.getName());
            }
            mounts.put(m.getMountPath(), m.getSubPath() == null || m.getSubPath().isEmpty() ? v : v.resolve(m.getSubPath()));
        }
        String messagePath = c.getTerminationMessagePath() == null ? "/dev/termination-log" : c.getTerminationMessagePath();
        mounts.put(messagePath, terminationLog(c));
        Map<String, String> env = new LinkedHashMap<>();
        // the kubelet's service environment for the API's Service (here: where the API server listens)
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", String.valueOf(kubelet.controlPlane().apiPort()));
        env.put("KUBERNETES_SERVICE_PORT_HTTPS", String.valueOf(kubelet.controlPlane().apiPort()));
        env.put("HOSTNAME", name);
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            String value = e.getValueFrom() == null ? e.getValue() : valueFrom(pod, e.getName(), e.getValueFrom());
            if (value != null) {
                env.put(e.getName(), value);
            }
        }
        Map<Integer, Integer> hostPorts = new HashMap<>();
        for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
            hostPorts.put(p.getContainerPort(), freePort());
        }
        Path hostsFile = dir.resolve("hosts");
        StringBuilder hosts = new StringBuilder();
        kubelet.hosts().forEach((host, ip) -> hosts.append(ip).append(' ').append(host).append('\n'));
        hosts.append(podIp).append(' ').append(name).append('\n');
        write(hostsFile, hosts.toString());
        int n = restarts;
        return new Containers.Setup(pod, c, dir, env, mounts, hostPorts, hostsFile,
                dir.resolve(c.getName() + "-" + n + ".stdout"), dir.resolve(c.getName() + "-" + n + ".stderr"));
    }

    private Path volume(Pod pod, Volume v, Path local) {
        if (v.getPersistentVolumeClaim() != null) {
            return kubelet.claimDir(v.getPersistentVolumeClaim().getClaimName());
        }
        try {
            Files.createDirectories(local);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (v.getEmptyDir() != null) {
            return local;
        }
        if (v.getProjected() != null) {
            for (VolumeProjection p : v.getProjected().getSources()) {
                if (p.getServiceAccountToken() != null) {
                    write(local.resolve(p.getServiceAccountToken().getPath()), token(pod,
                            p.getServiceAccountToken().getAudience(), p.getServiceAccountToken().getExpirationSeconds()));
                }
                if (p.getConfigMap() != null) {
                    ConfigMap cm = kubelet.client().configMaps().inNamespace(namespace)
                            .withName(p.getConfigMap().getName()).get();
                    if (cm == null) {
                        throw new NotYet("CreateContainerConfigError", "configmap " + p.getConfigMap().getName()
                                + " not found");
                    }
                    p.getConfigMap().getItems().forEach(i -> write(local.resolve(i.getPath()), cm.getData().get(i.getKey())));
                }
                if (p.getDownwardAPI() != null) {
                    p.getDownwardAPI().getItems().forEach(i -> write(local.resolve(i.getPath()),
                            field(pod, i.getFieldRef().getFieldPath())));
                }
            }
            return local;
        }
        if (v.getSecret() != null) {
            var src = v.getSecret();
            Secret secret = kubelet.client().secrets().inNamespace(namespace).withName(src.getSecretName()).get();
            Map<String, String> data = new HashMap<>();
            if (secret != null && secret.getData() != null) {
                secret.getData().forEach((k, b64) -> data.put(k, new String(Base64.getDecoder().decode(b64),
                        StandardCharsets.UTF_8)));
            }
            project(v.getName(), secret != null, data, src.getItems(), Boolean.TRUE.equals(src.getOptional()), local);
            return local;
        }
        if (v.getConfigMap() != null) {
            var src = v.getConfigMap();
            ConfigMap cm = kubelet.client().configMaps().inNamespace(namespace).withName(src.getName()).get();
            project(v.getName(), cm != null, cm == null || cm.getData() == null ? Map.of() : cm.getData(),
                    src.getItems(), Boolean.TRUE.equals(src.getOptional()), local);
            return local;
        }
        throw new NotYet("CreateContainerConfigError", "the stand-in kubelet cannot mount volume " + v.getName());
    }

    /**
     * A Secret's or ConfigMap's keys as files, as the kubelet lays them out: every key, or only the listed items
     * under their paths. Missing (the object, or a listed key) is an error the pod waits on, unless the volume is
     * optional: then what is there is laid out and the rest left away.
     */
    private static void project(String volume, boolean exists, Map<String, String> data,
                                List<io.fabric8.kubernetes.api.model.KeyToPath> items, boolean optional, Path dir) {
        if (!exists && !optional) {
            throw new NotYet("CreateContainerConfigError", "volume " + volume + ": its source does not exist");
        }
        if (items == null || items.isEmpty()) {
            data.forEach((k, value) -> write(dir.resolve(k), value));
            return;
        }
        for (var item : items) {
            String value = data.get(item.getKey());
            if (value == null) {
                if (!optional) {
                    throw new NotYet("CreateContainerConfigError", "volume " + volume + ": no key " + item.getKey());
                }
                continue;
            }
            write(dir.resolve(item.getPath()), value);
        }
    }

    /** A token for the pod's service account, bound to the pod, as the kubelet requests it for the projected volume. */
    private String token(Pod pod, String audience, Long expiration) {
        TokenRequestBuilder b = new TokenRequestBuilder().withNewSpec()
                .withExpirationSeconds(expiration == null ? 3607L : expiration)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(name).withUid(uid)
                .endBoundObjectRef().endSpec();
        if (audience != null && !audience.isEmpty()) {
            b.editSpec().withAudiences(audience).endSpec();
        }
        String sa = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
        TokenRequest r = kubelet.client().serviceAccounts().inNamespace(namespace).withName(sa).tokenRequest(b.build());
        return r.getStatus().getToken();
    }

    private String valueFrom(Pod pod, String var, EnvVarSource from) {
        if (from.getFieldRef() != null) {
            return field(pod, from.getFieldRef().getFieldPath());
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            Secret s = kubelet.client().secrets().inNamespace(namespace).withName(ref.getName()).get();
            String encoded = s == null || s.getData() == null ? null : s.getData().get(ref.getKey());
            if (encoded == null) {
                if (Boolean.TRUE.equals(ref.getOptional())) {
                    return null;
                }
                throw new NotYet("CreateContainerConfigError", s == null ? "secret \"" + ref.getName() + "\" not found"
                        : "couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
            }
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            ConfigMap cm = kubelet.client().configMaps().inNamespace(namespace).withName(ref.getName()).get();
            String value = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
            if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
                throw new NotYet("CreateContainerConfigError", "configmap key " + ref.getName() + "/" + ref.getKey()
                        + " not found");
            }
            return value;
        }
        throw new NotYet("CreateContainerConfigError", "the stand-in kubelet cannot resolve env " + var);
    }

    private String field(Pod pod, String path) {
        return switch (path) {
            case "metadata.name" -> name;
            case "metadata.namespace" -> namespace;
            case "metadata.uid" -> uid;
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.podIP" -> podIp;
            case "status.hostIP" -> "127.0.0.1";
            default -> throw new NotYet("CreateContainerConfigError", "the stand-in kubelet cannot resolve " + path);
        };
    }

    private String terminationMessage(Container c) {
        Path log = terminationLog(c);
        if (!Files.isRegularFile(log)) {
            return "";
        }
        String m = read(log);
        return m.length() > MESSAGE_LIMIT ? m.substring(0, MESSAGE_LIMIT) : m;
    }

    private static String jobName(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null) {
            return null;
        }
        return labels.getOrDefault("batch.kubernetes.io/job-name", labels.get("job-name"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content == null ? "" : content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
