package io.dmremediation.dm;

import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Worker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status of many tasks at once, as a poll needs it: the cheapest of DM-master's calls that carries what the FAQ
 * rules need (unit, code, Message, RawCause, {@code isCanceled}, relay errors), the same on every DM version. Three
 * ways, each used only once the one before it cannot answer:
 * <ol>
 *   <li>{@link Way#ALL}: one {@code GET /apis/v1alpha1/status/} for every task ({@link GatewayClient#queryStatusAll}).
 *       DM-master asks each source's worker once; OpenAPI's {@code GET /api/v1/tasks?with_status=true} instead asks
 *       the workers once per task, one task after another (pingcap/tiflow:dm/master/openapi_controller.go:624-640
 *       @v8.5.4 {@code listTask} calls {@code getTaskStatus}, l.514-520, per task), shows no {@code isCanceled} and
 *       no relay error, carries RawCause only from v6.2 (dm-facts §2.3) and has no status at all in v5.3/5.4.</li>
 *   <li>{@link Way#BY_SOURCE}: that reply was over DM's gRPC bound or this client's: the workers' list (their bound
 *       sources), then one request per source: 1 + sources requests.</li>
 *   <li>{@link Way#BY_TASK}: one source's own worker reply is over DM's bound. DM-master's worker clients dial with
 *       gRPC's defaults (pingcap/tiflow:dm/master/workerrpc/rawgrpc.go:60-70@v8.5.4), whose receive bound is 4 MiB,
 *       and the failure comes back as that source's entry, 38008 "grpc request error" with ResourceExhausted
 *       (rawgrpc.go:140-142). Nothing but a smaller question helps: one query per task, as a poll did before. On v6+
 *       OpenAPI's list tells which tasks are healthy (they cost no query), and a paused task's detail is kept while
 *       its pause episode lasts (its stage and error text in the list unchanged): it does not change meanwhile.</li>
 * </ol>
 * A way once needed is kept for this DM-master until {@link #reset()} (a redetect).
 */
final class ClusterStatus {

    /** How the last read asked. */
    public enum Way { ALL, BY_SOURCE, BY_TASK }

    private static final Set<Stage> HEALTHY = EnumSet.of(Stage.RUNNING, Stage.FINISHED);
    /** DM's wording when a gRPC message is over the receiver's bound (grpc-go rpc_util.go recvAndDecompress). */
    static final String OVER_GRPC_BOUND = "larger than max";

    private final GatewayClient gateway;
    private volatile Way way = Way.ALL;
    /** Per task: the pause episode (stage and error text OpenAPI lists) and the gateway's detail of it. */
    private final Map<String, Episode> episodes = new ConcurrentHashMap<>();

    private record Episode(String key, DmSnapshot detail) {
    }

    ClusterStatus(GatewayClient gateway) {
        this.gateway = gateway;
    }

    Way way() {
        return way;
    }

    void reset() {
        way = Way.ALL;
        episodes.clear();
    }

    /**
     * Every task ({@code tasks} empty), or these tasks, cut from the status of all. {@code openApi} is null without
     * OpenAPI; {@code v6} says its list has status.
     */
    DmSnapshot read(Collection<String> tasks, OpenApiClient openApi, boolean v6) {
        if (way == Way.ALL) {
            try {
                DmSnapshot all = gateway.queryStatusAll(List.of());
                if (!overBound(all)) {
                    return only(all, tasks);
                }
                way = Way.BY_TASK;
            } catch (DmReplyTooLargeException e) {
                way = Way.BY_SOURCE;
            }
        }
        if (way == Way.BY_SOURCE) {
            try {
                DmSnapshot bySource = bySource(openApi);
                if (!overBound(bySource)) {
                    return only(bySource, tasks);
                }
            } catch (DmReplyTooLargeException e) {
                // one source alone is over the bound
            }
            way = Way.BY_TASK;
        }
        return byTask(tasks, openApi, v6);
    }

    private DmSnapshot bySource(OpenApiClient openApi) {
        List<Worker> workers = openApi != null ? openApi.workers() : gateway.workers();
        Set<String> sources = new TreeSet<>();
        for (Worker w : workers) {
            if (w.boundSource() != null && !w.boundSource().isEmpty()) {
                sources.add(w.boundSource());
            }
        }
        if (sources.isEmpty()) {
            return gateway.queryStatusAll(List.of());
        }
        SnapshotBuilder out = new SnapshotBuilder();
        for (String source : sources) {
            out.addAll(gateway.queryStatusAll(List.of(source)));
        }
        return out.build();
    }

    /** A source whose worker's answer did not reach DM-master because of its size. */
    private static boolean overBound(DmSnapshot s) {
        return s.sources().stream().anyMatch(x -> x.queryError() != null && x.queryError().contains(OVER_GRPC_BOUND));
    }

    private DmSnapshot byTask(Collection<String> tasks, OpenApiClient openApi, boolean v6) {
        if (openApi != null && v6) {
            return viaOpenApiList(openApi, tasks);
        }
        Collection<String> names = tasks;
        if (names.isEmpty()) {
            if (openApi == null) {
                throw new DmUnsupportedException(gateway.baseUrl() + " has too many tasks on one source for one "
                        + "status request and no OpenAPI (openapi = true) to list them: name the tasks to guard");
            }
            // names come from DM-master here: one no URL can carry ("", ".", "..") cannot be asked about
            names = openApi.taskNames().stream().filter(DmHttp::isSegment).toList();
        }
        return names.isEmpty() ? DmSnapshot.EMPTY : gateway.status(names);
    }

    /**
     * v6+ OpenAPI: one {@code GET /api/v1/tasks?with_status=true}, then the gateway's status of each task that shows
     * an error, a failed worker query, or a stage other than Running/Finished, unless its pause episode was asked
     * about already.
     */
    private DmSnapshot viaOpenApiList(OpenApiClient openApi, Collection<String> tasks) {
        Map<String, DmSnapshot> all = openApi.tasksWithStatus();
        Collection<String> wanted = tasks.isEmpty() ? all.keySet() : new LinkedHashSet<>(tasks);
        Set<String> relayTrouble = relayTrouble(openApi, all, wanted);
        SnapshotBuilder out = new SnapshotBuilder();
        Set<String> paused = new HashSet<>();
        for (String task : wanted) {
            DmSnapshot brief = all.get(task);
            if (brief == null) {
                continue;
            }
            boolean readsTroubledRelay = brief.subtasks().stream().anyMatch(s -> relayTrouble.contains(s.source()));
            if (healthy(brief) && !readsTroubledRelay || !DmHttp.isSegment(task)) {
                // a name DM-master listed but no URL can carry ("", ".", ".."): what OpenAPI said is all there is
                out.addAll(brief);
                continue;
            }
            String key = readsTroubledRelay ? null : episodeKey(brief);
            Episode known = key == null ? null : episodes.get(task);
            if (known != null && known.key().equals(key)) {
                out.addAll(known.detail());
                paused.add(task);
                continue;
            }
            Optional<DmSnapshot> detail = gateway.queryStatus(task);
            detail.ifPresent(out::addAll);
            if (key != null && detail.isPresent()) {
                episodes.put(task, new Episode(key, detail.get()));
                paused.add(task);
            }
        }
        if (tasks.isEmpty()) {
            episodes.keySet().retainAll(paused);
        } else {
            episodes.keySet().removeIf(t -> wanted.contains(t) && !paused.contains(t));
        }
        return out.build();
    }

    /**
     * What identifies a pause episode in OpenAPI's list: every subtask Paused, with its source, worker and error
     * text. Null when a subtask is not paused: then nothing is kept.
     */
    static String episodeKey(DmSnapshot brief) {
        if (brief.subtasks().isEmpty() || brief.sources().stream().anyMatch(s -> s.queryError() != null)) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (Subtask s : brief.subtasks()) {
            if (s.stage() != Stage.PAUSED) {
                return null;
            }
            parts.add(s.source() + "\u0000" + s.worker() + "\u0000" + s.errors());
        }
        parts.sort(null);
        return String.join("\u0001", parts);
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
                && task.subtasks().stream().allMatch(s -> s.errors().isEmpty() && HEALTHY.contains(s.stage()));
    }

    /** The named tasks' subtasks (all when none are named); sources and relays stay whole. */
    static DmSnapshot only(DmSnapshot all, Collection<String> tasks) {
        return all.forTasks(tasks);
    }
}
