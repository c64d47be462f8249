package io.dmremediation.sandbox.dmmaster;

import java.util.List;

/** Where subtasks' syncer checkpoints live: the downstream (§6), or memory when the simulator has none. */
interface CheckpointStore {

    /** Creates DM's schema and table when absent and returns the rows of one source (empty when none). */
    List<CheckpointRow> load(String metaSchema, String task, String sourceId) throws StoreException;

    /** {@code INSERT … ON DUPLICATE KEY UPDATE} of these rows, as DM's flush does. */
    void save(String metaSchema, String task, String sourceId, List<CheckpointRow> rows) throws StoreException;

    /** {@code remove-meta}: drops the task's checkpoint table. */
    void drop(String metaSchema, String task) throws StoreException;

    /** Releases what the store holds (a connection). */
    default void close() {
    }

    /** DM's table name for a task's syncer checkpoints ({@code cputil.SyncerCheckpoint}). */
    static String tableName(String task) {
        return task + "_syncer_checkpoint";
    }

    final class StoreException extends Exception {
        StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
