package io.dmremediation.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.operator.OperatorHttp;
import io.dmremediation.operator.OperatorRunner;
import io.dmremediation.playbook.JobPodSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/** The controller itself, as the Deployment runs it. */
public final class OperatorCommand implements Command {

    private final Function<String, String> env;
    private final CountDownLatch stop = new CountDownLatch(1);

    public OperatorCommand() {
        this(System::getenv);
    }

    OperatorCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "operator";
    }

    @Override
    public String summary() {
        return "Run the controller against the cluster of the kubeconfig or the pod's service account";
    }

    @Override
    public String help() {
        return """
                Usage: operator [options]

                Runs the DMRemediation controller. The Kubernetes API comes from KUBECONFIG / ~/.kube/config, or the
                pod's service account in a cluster.

                Options (environment variable in brackets):
                  --namespaces a,b        namespaces to watch; empty = all [WATCH_NAMESPACES]
                  --no-leader-election    act without a Lease (one replica only!) [LEADER_ELECTION=false]
                  --lease-name N          Lease for leader election (default dm-remediation-operator) [LEASE_NAME]
                  --lease-namespace NS    where the Lease lives (default: the pod's namespace) [POD_NAMESPACE]
                  --identity ID           this replica's name in the Lease (default: pod name / host name) [POD_NAME]
                  --http-port P           /metrics, /healthz, /readyz (default 8080) [HTTP_PORT]
                  --job-image IMAGE       image of the repair Jobs: this operator's own image [JOB_IMAGE]
                  --job-pod-settings JSON pull secrets, resources, tolerations, nodeSelector, security contexts of
                                          the repair Jobs (the chart's jobs.* values) [JOB_POD_SETTINGS]
                  --worker-pod-selector S label selector of the DM-worker pods to watch
                                          (default app.kubernetes.io/component=dm-worker) [WORKER_POD_SELECTOR]
                  --log-level L           TRACE, DEBUG, INFO, WARN, ERROR (default INFO) [LOG_LEVEL]
                  --log-format F          text or json (default text) [LOG_FORMAT]
                  (SERVER_SIDE_APPLY=false only for API servers without server-side apply)

                Exits 1 with one line on stderr when the Kubernetes API cannot be reached or the operator cannot start.
                """;
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("namespaces", "lease-name", "lease-namespace", "identity", "http-port",
                "job-image", "job-pod-settings", "worker-pod-selector", "log-level", "log-format"),
                Set.of("no-leader-election"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        String format = option(args, "log-format", "LOG_FORMAT", "text").toUpperCase(java.util.Locale.ROOT);
        if (!format.equals("TEXT") && !format.equals("JSON")) {
            throw new Args.UsageException("--log-format must be text or json");
        }
        configureLogging(option(args, "log-level", "LOG_LEVEL", "INFO").toUpperCase(java.util.Locale.ROOT), format);
        int port;
        try {
            port = Integer.parseInt(option(args, "http-port", "HTTP_PORT", "8080"));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--http-port must be a number");
        }
        String image = option(args, "job-image", "JOB_IMAGE", "");
        if (image.isBlank()) {
            throw new Args.UsageException("--job-image (or JOB_IMAGE) is required: the repair Jobs run this image");
        }
        JobPodSettings jobPod;
        try {
            jobPod = JobPodSettings.parse(option(args, "job-pod-settings", "JOB_POD_SETTINGS", ""));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        String workerPods = option(args, "worker-pod-selector", "WORKER_POD_SELECTOR",
                OperatorRunner.Options.DM_WORKER_PODS);
        if (!workerPods.matches("[A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?(,[A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?)*")) {
            throw new Args.UsageException("--worker-pod-selector must be key=value[,key=value] (got '" + workerPods + "')");
        }
        Set<String> namespaces = new LinkedHashSet<>();
        Arrays.stream(option(args, "namespaces", "WATCH_NAMESPACES", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).forEach(namespaces::add);
        boolean leaderElection = !args.flag("no-leader-election")
                && !"false".equalsIgnoreCase(env.apply("LEADER_ELECTION"));

        Config config = new ConfigBuilder(Config.autoConfigure(null)).withConnectionTimeout(10_000)
                .withRequestTimeout(30_000).withRequestRetryBackoffLimit(2).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            client.getKubernetesVersion();
        } catch (RuntimeException e) {
            err.println("operator: cannot reach the Kubernetes API at " + config.getMasterUrl() + ": " + rootCause(e));
            client.close();
            return FAILED;
        }
        String leaseNamespace = option(args, "lease-namespace", "POD_NAMESPACE",
                config.getNamespace() == null ? "default" : config.getNamespace());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        OperatorRunner.Options options = OperatorRunner.Options.defaults(client, DmMasterClients::connect)
                // JOSDK adds its finalizer with server-side apply; only an API server without it needs this off
                .withServerSideApply(!"false".equalsIgnoreCase(env.apply("SERVER_SIDE_APPLY")))
                .withNamespaces(namespaces)
                .withJobImage(image)
                .withJobPod(jobPod)
                .withWorkerPodSelector(workerPods)
                .withRegistry(registry);
        if (leaderElection) {
            options = options.withLeaderElection(OperatorRunner.LeaderElection.of(
                    option(args, "lease-name", "LEASE_NAME", "dm-remediation-operator"), leaseNamespace,
                    option(args, "identity", "POD_NAME", hostName()), OperatorCommand::lostTheLease));
        }
        OperatorRunner runner;
        try {
            runner = OperatorRunner.start(options);
        } catch (RuntimeException e) {
            err.println("operator: could not start: " + firstLine(e.getMessage()) + " (" + rootCause(e) + ")");
            client.close();
            return FAILED;
        }
        Thread hook = new Thread(stop::countDown, "operator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (OperatorHttp http = OperatorHttp.start(port, registry, runner::refreshStatusMetrics, runner::alive,
                runner::ready)) {
            LoggerFactory.getLogger(OperatorCommand.class).info(
                    "operator running: namespaces={} leaderElection={} http=:{} jobImage={}",
                    namespaces.isEmpty() ? "all" : namespaces, leaderElection, http.port(), image);
            stop.await();
        } catch (java.io.IOException e) {
            err.println("operator: cannot listen on port " + port + ": " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runner.close();
            client.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        return OK;
    }

    /** Another replica leads now: exit so the pod restarts and competes for the lease again. */
    private static void lostTheLease() {
        LoggerFactory.getLogger(OperatorCommand.class).error("lost the leader lease; exiting so the pod restarts");
        // not from the elector's thread, and never from a shutdown hook
        new Thread(() -> System.exit(1), "lease-lost-exit").start();
    }

    /** Ends a running {@link #run} as SIGTERM would. */
    void stop() {
        stop.countDown();
    }

    private String option(Args args, String name, String variable, String fallback) {
        return args.value(name).orElseGet(() -> {
            String v = env.apply(variable);
            return v == null || v.isBlank() ? fallback : v;
        });
    }

    /**
     * The logback config reads LOG_LEVEL and LOG_FORMAT; flags win over the environment. The operator's own
     * {@code logback.xml} is loaded by name, unless {@code -Dlogback.configurationFile} points elsewhere.
     */
    static void configureLogging(String level, String format) {
        System.setProperty("LOG_LEVEL", level);
        System.setProperty("LOG_FORMAT", format);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        try {
            java.net.URL config = OperatorCommand.class.getResource("/logback.xml");
            if (System.getProperty("logback.configurationFile") != null || config == null) {
                new ContextInitializer(ctx).autoConfig();
            } else {
                ch.qos.logback.classic.joran.JoranConfigurator joran = new ch.qos.logback.classic.joran.JoranConfigurator();
                joran.setContext(ctx);
                joran.doConfigure(config);
            }
        } catch (ch.qos.logback.core.joran.spi.JoranException e) {
            throw new IllegalStateException("logging config: " + e.getMessage(), e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "dm-remediation-operator-" + ProcessHandle.current().pid();
        }
    }

    /** The innermost cause says what went wrong ("UnknownHostException: kubernetes.default.svc"). */
    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + firstLine(m));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
