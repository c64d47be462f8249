package io.dmremediation.api;

import io.dmremediation.domain.Durations;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the CRD schema cannot say (one of two fields, ordering between fields, unique lists, parseable
 * durations with minimums), plus the schema's own rules again: the schema is not applied by every API server
 * path (and not at all by the test mock server), and a message that names the field beats a generic 422.
 * Each message starts with the field's path.
 */
public final class SpecValidator {

    private static final Pattern TASK = Pattern.compile(Durations.TASK_NAME);
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$");
    private static final Pattern SECRET = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    private static final Pattern ABS_PATH = Pattern.compile("^/[A-Za-z0-9._/-]*$");
    private static final Pattern VOLUME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$");

    // the CRD's defaults of the fields a cross-field check compares (DMRemediationSpec, Backoff)
    private static final Duration DEFAULT_POLL = Duration.ofSeconds(10);
    private static final Duration DEFAULT_VERIFY = Duration.ofMinutes(5);
    private static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(30);
    private static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(30);

    private SpecValidator() {
    }

    /** Every problem of the spec, each a sentence that names its field; empty when valid. */
    public static List<String> validate(DMRemediationSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec: is required");
            return problems;
        }
        problems.addAll(UnknownFields.of(spec));
        cluster(spec.cluster, problems);
        tasks(spec.tasks, problems);
        // a field left out compares as its CRD default, as the API server defaults it before its CEL rules run
        Duration poll = spec.pollInterval == null ? DEFAULT_POLL
                : duration("spec.pollInterval", spec.pollInterval, Duration.ofSeconds(1), problems);
        duration("spec.healthyResetAfter", spec.healthyResetAfter, Duration.ofSeconds(1), problems);
        Duration verify = spec.verifyTimeout == null ? DEFAULT_VERIFY
                : duration("spec.verifyTimeout", spec.verifyTimeout, Duration.ofSeconds(5), problems);
        if (poll != null && verify != null && verify.compareTo(poll) < 0) {
            problems.add("spec.verifyTimeout: " + Durations.format(verify) + " is shorter than spec.pollInterval "
                    + Durations.format(poll) + "; a remediation could never be verified");
        }
        range("spec.maxConcurrentRemediations", spec.maxConcurrentRemediations, 1, 100, problems);
        if (spec.downstream != null) {
            if (spec.downstream.secretRef == null) {
                problems.add("spec.downstream.secretRef: is required when spec.downstream is set");
            } else {
                name("spec.downstream.secretRef.name", spec.downstream.secretRef.name, SECRET, problems);
            }
        }
        relay(spec.relay, problems);
        policies(spec.policies, problems);
        backoff(spec.backoff, problems);
        if (spec.jobs != null) {
            duration("spec.jobs.deadline", spec.jobs.deadline, Duration.ofSeconds(10), problems);
            duration("spec.jobs.ttlAfterFinished", spec.jobs.ttlAfterFinished, Duration.ofSeconds(0), problems);
        }
        storm(spec.storm, problems);
        return problems;
    }

    private static void cluster(ClusterRef cluster, List<String> problems) {
        if (cluster == null) {
            problems.add("spec.cluster: is required (dmClusterRef, or masterAddress with workerSelector)");
            return;
        }
        boolean ref = cluster.dmClusterRef != null;
        boolean address = cluster.masterAddress != null;
        if (ref == address) {
            problems.add("spec.cluster: set exactly one of dmClusterRef and masterAddress");
        }
        if (ref) {
            name("spec.cluster.dmClusterRef.name", cluster.dmClusterRef.name, DNS_LABEL, problems);
            if (cluster.workerSelector != null) {
                problems.add("spec.cluster.workerSelector: only with masterAddress; dmClusterRef selects the "
                        + "DMCluster's dm-worker pods itself");
            }
        }
        if (address) {
            masterAddress(cluster.masterAddress, problems);
        }
        if (cluster.tls != null) {
            boolean https = address && cluster.masterAddress.startsWith("https://");
            if (address && cluster.tls.enabled != null && cluster.tls.enabled != https) {
                problems.add("spec.cluster.tls.enabled: " + cluster.tls.enabled + " disagrees with masterAddress '"
                        + cluster.masterAddress + "' (https:// is TLS)");
            }
            if (cluster.tls.secretRef != null) {
                if (address && !https) {
                    problems.add("spec.cluster.tls.secretRef: needs an https:// masterAddress");
                }
                name("spec.cluster.tls.secretRef.name", cluster.tls.secretRef.name, SECRET, problems);
            }
        }
        if (cluster.workerSelector != null) {
            selector("spec.cluster.workerSelector", cluster.workerSelector, problems);
        }
    }

    private static void masterAddress(String text, List<String> problems) {
        String field = "spec.cluster.masterAddress";
        try {
            URI uri = URI.create(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problems.add(field + ": '" + text + "' must be an http(s) URL with a host, e.g. http://basic-dm-master.dm:8261");
            } else if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
                problems.add(field + ": '" + text + "' must not have a path; give scheme, host and port only");
            } else if (uri.getQuery() != null || uri.getUserInfo() != null) {
                problems.add(field + ": '" + text + "' must not carry a query or credentials");
            } else if (uri.getPort() > 65535) {
                problems.add(field + ": port " + uri.getPort() + " is out of range");
            }
        } catch (IllegalArgumentException e) {
            problems.add(field + ": '" + text + "' is not a URL");
        }
    }

    private static void selector(String field, LabelSelector selector, List<String> problems) {
        Map<String, String> labels = selector.getMatchLabels();
        boolean empty = (labels == null || labels.isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
        if (empty) {
            problems.add(field + ": must not be empty; an empty selector would match every pod in the namespace");
        }
        if (labels != null) {
            labels.forEach((k, v) -> {
                if (k == null || !LABEL_KEY.matcher(k).matches()) {
                    problems.add(field + ".matchLabels: '" + k + "' is not a valid label key");
                }
                if (v == null || !LABEL_VALUE.matcher(v).matches()) {
                    problems.add(field + ".matchLabels." + k + ": '" + v + "' is not a valid label value");
                }
            });
        }
        if (selector.getMatchExpressions() != null) {
            int i = 0;
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String f = field + ".matchExpressions[" + i++ + "]";
                if (r.getKey() == null || !LABEL_KEY.matcher(r.getKey()).matches()) {
                    problems.add(f + ".key: '" + r.getKey() + "' is not a valid label key");
                }
                String op = r.getOperator();
                if (!Set.of("In", "NotIn", "Exists", "DoesNotExist").contains(String.valueOf(op))) {
                    problems.add(f + ".operator: '" + op + "' must be In, NotIn, Exists or DoesNotExist");
                } else if ((op.equals("In") || op.equals("NotIn")) && (r.getValues() == null || r.getValues().isEmpty())) {
                    problems.add(f + ".values: " + op + " needs at least one value");
                } else if ((op.equals("Exists") || op.equals("DoesNotExist")) && r.getValues() != null && !r.getValues().isEmpty()) {
                    problems.add(f + ".values: " + op + " takes no values");
                }
            }
        }
    }

    private static void tasks(List<String> tasks, List<String> problems) {
        if (tasks == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            String t = tasks.get(i);
            if (t == null || !TASK.matcher(t).matches()) {
                problems.add("spec.tasks[" + i + "]: '" + t + "' is not a DM task name (letters, digits, _ . -, "
                        + "at most 64, starting with a letter or digit)");
            } else if (!seen.add(t)) {
                problems.add("spec.tasks[" + i + "]: '" + t + "' is listed twice");
            }
        }
    }

    private static void relay(RelaySettings relay, List<String> problems) {
        if (relay == null) {
            return;
        }
        path("spec.relay.relayDir", relay.relayDir, problems);
        path("spec.relay.volumeMountPath", relay.volumeMountPath, problems);
        if (relay.volumeName != null) {
            name("spec.relay.volumeName", relay.volumeName, VOLUME, problems);
        }
    }

    private static void path(String field, String value, List<String> problems) {
        if (value == null) {
            return;
        }
        if (!ABS_PATH.matcher(value).matches() || value.contains("/../") || value.endsWith("/..")) {
            problems.add(field + ": '" + value + "' must be an absolute path without '..'");
        }
    }

    private static void policies(Policies policies, List<String> problems) {
        if (policies == null) {
            return;
        }
        connection("spec.policies.invalidConnection", policies.invalidConnection, problems);
        connection("spec.policies.badConnection", policies.badConnection, problems);
        if (policies.relayBinlogOverflow != null) {
            range("spec.policies.relayBinlogOverflow.maxAttempts", policies.relayBinlogOverflow.maxAttempts, 1, 100, problems);
        }
        if (policies.syncerBinlogOverflow != null) {
            range("spec.policies.syncerBinlogOverflow.maxAttempts", policies.syncerBinlogOverflow.maxAttempts, 1, 100, problems);
        }
    }

    private static void connection(String field, ConnectionPolicy p, List<String> problems) {
        if (p == null) {
            return;
        }
        duration(field + ".waitForAutoResume", p.waitForAutoResume, Duration.ZERO, problems);
        range(field + ".maxAttempts", p.maxAttempts, 1, 100, problems);
        range(field + ".pauseThreshold", p.pauseThreshold, 2, 1000, problems);
        duration(field + ".pauseWindow", p.pauseWindow, Duration.ofSeconds(1), problems);
    }

    private static void storm(StormSettings st, List<String> problems) {
        if (st == null) {
            return;
        }
        range("spec.storm.threshold", st.threshold, 1, 100, problems);
        range("spec.storm.minTasks", st.minTasks, 2, 100000, problems);
        duration("spec.storm.window", st.window, Duration.ofSeconds(1), problems);
        duration("spec.storm.waitForAutoResume", st.waitForAutoResume, Duration.ZERO, problems);
        range("spec.storm.batchSize", st.batchSize, 1, 1000, problems);
        duration("spec.storm.batchInterval", st.batchInterval, Duration.ofSeconds(1), problems);
    }

    private static void backoff(Backoff b, List<String> problems) {
        if (b == null) {
            return;
        }
        Duration initial = b.initial == null ? DEFAULT_BACKOFF_INITIAL
                : duration("spec.backoff.initial", b.initial, Duration.ZERO, problems);
        Duration max = b.max == null ? DEFAULT_BACKOFF_MAX : duration("spec.backoff.max", b.max, Duration.ZERO, problems);
        if (b.factor != null && (b.factor.isNaN() || b.factor < 1 || b.factor > 10)) {
            problems.add("spec.backoff.factor: " + b.factor + " must be between 1 and 10");
        }
        if (initial != null && max != null && initial.compareTo(max) > 0) {
            problems.add("spec.backoff.initial: " + Durations.format(initial) + " is longer than spec.backoff.max "
                    + Durations.format(max));
        }
    }

    private static Duration duration(String field, String value, Duration minimum, List<String> problems) {
        if (value == null) {
            return null;
        }
        try {
            Duration d = Durations.parse(value);
            if (d.compareTo(minimum) < 0) {
                problems.add(field + ": " + value + " is shorter than the minimum " + Durations.format(minimum));
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
            return null;
        }
    }

    private static void range(String field, Integer value, int min, int max, List<String> problems) {
        if (value != null && (value < min || value > max)) {
            problems.add(field + ": " + value + " must be between " + min + " and " + max);
        }
    }

    private static void name(String field, String value, Pattern pattern, List<String> problems) {
        if (value == null || value.isEmpty()) {
            problems.add(field + ": is required");
        } else if (!pattern.matcher(value).matches()) {
            problems.add(field + ": '" + value + "' is not a valid Kubernetes name");
        }
    }
}
