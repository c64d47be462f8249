package io.dmremediation.dm;

import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Worker;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One DM-master, through whichever of its HTTP APIs fits (dm-facts §1-2, §8): it detects OpenAPI on first use
 * ({@code GET /api/v1/dm.json}) and then
 * <ul>
 *   <li>reads status with OpenAPI's one-request task list (v6+), asking the gateway only about tasks that are not
 *       healthy, because only the gateway shows full ProcessErrors and relay errors;</li>
 *   <li>controls tasks through the gateway (stop = {@code Delete}, which re-creates subtasks on start);</li>
 *   <li>lists tasks and workers and controls relay through OpenAPI when it is on.</li>
 * </ul>
 * Thread-safe: one HTTP client; detection happens once until {@link #redetect()}.
 */
public final class DmMasterConnection implements DmMaster {

    private static final Set<Stage> HEALTHY = EnumSet.of(Stage.RUNNING, Stage.FINISHED);

    private final DmHttp http;
    private final GatewayClient gateway;
    private final Object detectLock = new Object();
    private volatile Detected detected;

    /** What detection found; null until the first call that needs it. */
    private record Detected(OpenApiSupport support, OpenApiClient openApi) {
    }

    public DmMasterConnection(String baseUrl, DmHttpSettings settings) {
        this.http = new DmHttp(baseUrl, settings);
        this.gateway = new GatewayClient(http);
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
     * v6+ OpenAPI: one {@code GET /api/v1/tasks?with_status=true}, then one gateway status per task that shows an
     * error, a failed worker query, or a stage other than Running/Finished. v5.3/5.4 OpenAPI (its list has no status)
     * and no OpenAPI: one gateway status per task; with no tasks named, v5.3/5.4 lists them first.
     */
    @Override
    public DmSnapshot status(Collection<String> tasks) {
        Detected d = detected();
        if (d.support() == OpenApiSupport.V6) {
            return statusViaOpenApi(d.openApi(), tasks);
        }
        if (!tasks.isEmpty() || d.openApi() == null) {
            return gateway.status(tasks);
        }
        // names come from DM-master here: one no URL can carry ("", ".", "..") cannot be asked about, and must not
        // make the status of every other task fail
        List<String> all = d.openApi().taskNames().stream().filter(DmHttp::isSegment).toList();
        return all.isEmpty() ? DmSnapshot.EMPTY : gateway.status(all);
    }

    private DmSnapshot statusViaOpenApi(OpenApiClient openApi, Collection<String> tasks) {
        Map<String, DmSnapshot> all = openApi.tasksWithStatus();
        Collection<String> wanted = tasks.isEmpty() ? all.keySet() : new LinkedHashSet<>(tasks);
        Set<String> relayTrouble = relayTrouble(openApi, all, wanted);
        SnapshotBuilder out = new SnapshotBuilder();
        for (String task : wanted) {
            DmSnapshot brief = all.get(task);
            if (brief == null) {
                continue;
            }
            boolean readsTroubledRelay = brief.subtasks().stream().anyMatch(s -> relayTrouble.contains(s.source()));
            if (healthy(brief) && !readsTroubledRelay || !DmHttp.isSegment(task)) {
                // a name DM-master listed but no URL can carry ("", ".", ".."): what OpenAPI said is all there is
                out.addAll(brief);
            } else {
                gateway.queryStatus(task).ifPresent(out::addAll);
            }
        }
        return out.build();
    }

    /**
     * Sources whose relay is not running cleanly. OpenAPI task status never shows relay errors (dm-facts §2.3), and
     * a subtask reading a stuck relay can stay Running; so for sources read through relay ({@code binlog_type}
     * {@code local}) one source-status request per source tells the relay stage, and only a troubled relay costs the
     * gateway's detailed status.
     */
    private static Set<String> relayTrouble(OpenApiClient openApi, Map<String, DmSnapshot> all,
                                            Collection<String> wanted) {
        Set<String> relaySources = new TreeSet<>();
        // may hold null: a subtask whose source DM left empty (TreeSet.contains(null) threw NullPointerException)
        Set<String> trouble = new HashSet<>();
        for (String task : wanted) {
            DmSnapshot brief = all.get(task);
            if (brief != null) {
                brief.subtasks().stream()
                        .filter(s -> s.sync() != null && "local".equalsIgnoreCase(s.sync().binlogType()))
                        // a source no URL can name has a relay state nobody can ask for: look closer at its tasks
                        .forEach(s -> (DmHttp.isSegment(s.source()) ? relaySources : trouble).add(s.source()));
            }
        }
        for (String source : relaySources) {
            boolean running = openApi.sourceStatus(source).stream()
                    .allMatch(r -> r.stage() == Stage.RUNNING && r.errors().isEmpty());
            if (!running) {
                trouble.add(source);
            }
        }
        return trouble;
    }

    private static boolean healthy(DmSnapshot task) {
        return !task.subtasks().isEmpty()
                && task.sources().stream().allMatch(s -> s.queryError() == null && s.errors().isEmpty())
                && task.subtasks().stream().allMatch(DmMasterConnection::healthy);
    }

    private static boolean healthy(Subtask s) {
        return s.errors().isEmpty() && HEALTHY.contains(s.stage());
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
