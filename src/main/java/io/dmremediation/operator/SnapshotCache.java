package io.dmremediation.operator;

import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.domain.DmSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Polls of DM-master, shared per cluster: while one poll runs every other caller for that cluster waits for it
 * instead of sending its own (no request storm when DM-master is slow), and a result younger than
 * {@code maxAge} that covers the asked tasks is reused by resources on the same cluster.
 */
public final class SnapshotCache {

    private final Clock clock;
    private final Duration maxAge;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public SnapshotCache(Clock clock, Duration maxAge) {
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /**
     * Status of {@code tasks} (empty = all) on the cluster; DM errors propagate to every waiting caller. With
     * DM-master's OpenAPI one request lists every task anyway, so the poll asks for all of them and every resource on
     * the cluster shares it.
     */
    public DmSnapshot poll(String clusterKey, DmMaster dm, Collection<String> tasks) {
        Set<String> wanted = dm.api() == DmApi.OPENAPI ? Set.of() : new TreeSet<>(tasks);
        CompletableFuture<DmSnapshot> mine;
        Entry entry;
        synchronized (this) {
            Entry current = entries.get(clusterKey);
            Instant now = clock.instant();
            if (current != null && current.covers(wanted)
                    && (!current.future.isDone() || current.at.plus(maxAge).isAfter(now))) {
                entry = current;
                mine = null;
            } else {
                mine = new CompletableFuture<>();
                entry = new Entry(wanted, now, mine);
                entries.put(clusterKey, entry);
            }
        }
        if (mine != null) {
            try {
                mine.complete(dm.status(wanted));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                entries.remove(clusterKey, entry);
            }
        }
        try {
            return entry.future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for DM-master", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Forget the cluster's last result: the next poll asks DM-master (after an action changed DM's state). */
    public void invalidate(String clusterKey) {
        entries.computeIfPresent(clusterKey, (k, e) -> e.future.isDone() ? null : e);
    }

    private record Entry(Set<String> tasks, Instant at, CompletableFuture<DmSnapshot> future) {
        boolean covers(Set<String> wanted) {
            // an "all tasks" poll covers any list; a list covers its subsets
            return tasks.isEmpty() || (!wanted.isEmpty() && tasks.containsAll(wanted));
        }
    }
}
