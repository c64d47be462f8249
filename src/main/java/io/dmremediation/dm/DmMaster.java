package io.dmremediation.dm;

import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the operator needs from one DM-master. Every method may throw a {@link DmMasterException} (unchecked):
 * {@link DmUnreachableException}, {@link DmTimeoutException}, {@link DmHttpStatusException},
 * {@link DmErrorReplyException}, {@link DmBadReplyException}, {@link DmUnsupportedException}. Implementations are
 * thread-safe.
 */
public interface DmMaster {

    /** The base URL, {@code http(s)://host:port}. */
    String baseUrl();

    /** Which API answers {@link #status}: OpenAPI (with a gateway look at unhealthy tasks) or the gateway alone. */
    DmApi api();

    /**
     * The status of these tasks; empty means every task DM-master knows (needs OpenAPI to list them, else
     * {@link DmUnsupportedException}). A named task DM-master does not know is absent from the snapshot.
     * {@code workers} of the snapshot is empty: see {@link #workers()}.
     */
    DmSnapshot status(Collection<String> tasks);

    /** The names of all tasks, or empty when this DM-master has no OpenAPI to list them: then name your tasks. */
    Optional<List<String>> taskNames();

    /** The task's config YAML as DM-master holds it. Holds the downstream password: never log it. */
    String taskConfig(String task);

    /**
     * dmctl's {@code stop-task}: DM-master drops the subtasks, so the next {@link #startTask} re-creates them and
     * re-reads the checkpoints (dm-facts §6). Not OpenAPI's stop, which only pauses.
     */
    void stopTask(String task);

    /** dmctl's {@code start-task} with this YAML; {@link DmErrorReplyException#isTaskAlreadyExists()} tells 46014. */
    void startTask(String taskYaml);

    /**
     * Whether DM-master holds the task, from GetCfg: its config means present, DM's own "task not found"
     * ({@code pingcap/tiflow:dm/master/server.go:2511-2514@v8.5.4}, same text since v5.3) means absent. A task
     * missing from a status list proves nothing (an empty {@code sources} list passes), so a stop is confirmed only
     * by this answer. Anything else is thrown, never read as absent.
     */
    default TaskPresence taskPresence(String task) {
        try {
            taskConfig(task);
            return TaskPresence.PRESENT;
        } catch (DmErrorReplyException e) {
            if (e.isTaskNotFound()) {
                return TaskPresence.ABSENT;
            }
            throw e;
        }
    }

    void pauseTask(String task);

    void resumeTask(String task);

    /** Every DM-worker with its stage ({@code free}, {@code bound}, {@code offline}, {@code relay}) and source. */
    List<Worker> workers();

    /** The source's config YAML (for {@code relay-dir}, {@code enable-gtid}), or empty if DM-master has no such source. */
    Optional<String> sourceConfig(String source);

    /**
     * The relay of this source on each worker, from OpenAPI's source status: stage, relay sub-dir, master position,
     * no error text (only the gateway status has it). An empty list: relay is off on every worker. Empty Optional:
     * this DM-master has no OpenAPI, so relay state is known only from {@link #status} through the gateway.
     */
    Optional<List<Relay>> relayStatus(String source);

    /** Stops relay of the source on these workers; needs OpenAPI, else {@link DmUnsupportedException}. */
    void disableRelay(String source, List<String> workers);

    /** Starts relay of the source on these workers; needs OpenAPI, else {@link DmUnsupportedException}. */
    void enableRelay(String source, List<String> workers);

    /** Forgets what was learnt about this DM-master (API version, stop-task op), so an upgrade is noticed. */
    void redetect();
}
