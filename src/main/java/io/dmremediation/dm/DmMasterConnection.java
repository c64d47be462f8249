package io.dmremediation.dm;

import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One DM-master, through whichever of its HTTP APIs fits (dm-facts §1-2, §8): it detects OpenAPI on first use
 * ({@code GET /api/v1/dm.json}) and then
 * <ul>
 *   <li>reads the status of every task with one gateway request on every version ({@link ClusterStatus}), because
 *       only the gateway shows full ProcessErrors and relay errors, and it asks each worker once, not once per task;</li>
 *   <li>controls tasks through the gateway (stop = {@code Delete}, which re-creates subtasks on start);</li>
 *   <li>lists tasks and workers and controls relay through OpenAPI when it is on.</li>
 * </ul>
 * Thread-safe: one HTTP client; detection happens once until {@link #redetect()}.
 */
public final class DmMasterConnection implements DmMaster {

    private final DmHttp http;
    /** Up to this many named tasks are asked about one by one; more share one request for every task. */
    public static final int FEW = 4;

    private final GatewayClient gateway;
    private final ClusterStatus cluster;
    private final Object detectLock = new Object();
    private volatile Detected detected;

    /** What detection found; null until the first call that needs it. */
    private record Detected(OpenApiSupport support, OpenApiClient openApi) {
    }

    public DmMasterConnection(String baseUrl, DmHttpSettings settings) {
        this.http = new DmHttp(baseUrl, settings);
        this.gateway = new GatewayClient(http);
        this.cluster = new ClusterStatus(gateway);
    }

    @Override
    public String baseUrl() {
        return http.baseUrl();
    }

    /** What OpenAPI this DM-master offers, detecting it if not yet known. */
    public OpenApiSupport openApiSupport() {
        return detected().support();
    }

    /** Detects now (one {@code GET /api/v1/dm.json}) and remembers the result. */
    public OpenApiSupport detect() {
        synchronized (detectLock) {
            OpenApiSupport support = OpenApiClient.detect(http);
            detected = new Detected(support, support.on() ? new OpenApiClient(http, support) : null);
            return support;
        }
    }

    /** Forgets the detected API and the stop-task op; the next call detects again (e.g. after an upgrade). */
    @Override
    public void redetect() {
        synchronized (detectLock) {
            detected = null;
            gateway.redetect();
            cluster.reset();
        }
    }

    private Detected detected() {
        Detected d = detected;
        if (d != null) {
            return d;
        }
        synchronized (detectLock) {
            if (detected == null) {
                detect();
            }
            return detected;
        }
    }

    @Override
    public DmApi api() {
        return detected().support() == OpenApiSupport.V6 ? DmApi.OPENAPI : DmApi.GATEWAY;
    }

    /**
     * A few named tasks (a playbook looking at its own): one gateway {@code GET /apis/v1alpha1/status/{task}} each,
     * small replies. More, or every task (a poll): {@link ClusterStatus}, one request for all of them on every DM
     * version as long as the reply is not too large.
     */
    @Override
    public DmSnapshot status(Collection<String> tasks) {
        Detected d = detected();
        Set<String> named = new LinkedHashSet<>(tasks);
        if (!named.isEmpty() && named.size() <= FEW && named.stream().allMatch(DmHttp::isSegment)) {
            return gateway.status(named);
        }
        return cluster.read(named, d.openApi(), d.support() == OpenApiSupport.V6);
    }

    /** How the last poll asked DM-master for the status of every task (tests and benchmarks read it). */
    public ClusterStatus.Way statusWay() {
        return cluster.way();
    }

    @Override
    public Optional<List<String>> taskNames() {
        OpenApiClient openApi = detected().openApi();
        return openApi == null ? Optional.empty() : Optional.of(openApi.taskNames());
    }

    @Override
    public String taskConfig(String task) {
        return gateway.taskConfig(task);
    }

    @Override
    public void stopTask(String task) {
        gateway.stopTask(task);
    }

    @Override
    public void startTask(String taskYaml) {
        gateway.startTask(taskYaml);
    }

    @Override
    public void pauseTask(String task) {
        gateway.pauseTask(task);
    }

    @Override
    public void resumeTask(String task) {
        gateway.resumeTask(task);
    }

    @Override
    public List<Worker> workers() {
        OpenApiClient openApi = detected().openApi();
        return openApi == null ? gateway.workers() : openApi.workers();
    }

    @Override
    public Optional<String> sourceConfig(String source) {
        return gateway.sourceConfig(source);
    }

    @Override
    public Optional<List<Relay>> relayStatus(String source) {
        OpenApiClient openApi = detected().openApi();
        return openApi == null ? Optional.empty() : Optional.of(openApi.sourceStatus(source));
    }

    @Override
    public void disableRelay(String source, List<String> workers) {
        OpenApiClient openApi = detected().openApi();
        if (openApi == null) {
            throw gateway.noRelayControl();
        }
        openApi.disableRelay(source, workers);
    }

    @Override
    public void enableRelayFrom(String source, List<String> workers, String relayBinlogName) {
        OpenApiClient openApi = detected().openApi();
        if (openApi == null) {
            throw gateway.noRelayControl();
        }
        openApi.enableRelayFrom(source, workers, relayBinlogName);
    }

    @Override
    public void enableRelay(String source, List<String> workers) {
        OpenApiClient openApi = detected().openApi();
        if (openApi == null) {
            throw gateway.noRelayControl();
        }
        openApi.enableRelay(source, workers);
    }
}
