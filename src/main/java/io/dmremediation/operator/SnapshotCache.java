package io.dmremediation.operator;

import io.dmremediation.dm.DmUnsupportedException;
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
 * instead of sending its own (no request storm when DM-master is slow), and a result that covers the asked tasks
 * is reused by resources on the same cluster when it is fresh enough for them.
 *
 * <p>Fresh enough: a resource whose poll was due at time T (its reschedule) takes any poll sent at or after T, so
 * every resource due at the same instant shares one poll however long the reconcile queue makes the later ones
 * wait; {@link #nextPollAt} puts resources with the same interval on the same instants (the cluster's poll slots).
 * A reconcile that was not due (a pod event, a spec change) takes a poll sent after the event, or younger than
 * {@code maxAge}. Nothing older than one poll interval is ever reused.
 *
 * <p>A change is kept apart from the due time, and only a poll sent after it clears it: a reconcile already running
 * when the pod event arrives ends by scheduling its next look, and must not thereby hide the change from the
 * reconcile the event queued behind it.
 */
public final class SnapshotCache {

    /** Timers and the wall clock disagree by a little; a poll this close to a resource's due time serves it. */
    static final Duration SLACK = Duration.ofMillis(50);

    private final Clock clock;
    private final Duration maxAge;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Per resource uid: the instant from which on a poll is new enough for its next reconcile. */
    private final Map<String, Instant> wanted = new ConcurrentHashMap<>();
    /** Per resource uid: the latest change it has not yet seen a poll from after. */
    private final Map<String, Instant> changes = new ConcurrentHashMap<>();
    /** Clusters whose DM-master cannot tell every task's status at once: each poll names its tasks. */
    private final Set<String> namedOnly = ConcurrentHashMap.newKeySet();

    public SnapshotCache(Clock clock, Duration maxAge) {
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /**
     * Status of {@code tasks} (empty = all) on the cluster, fresh enough for this resource's reconcile (see the class
     * comment); DM errors propagate to every waiting caller. One request tells the status of every task on every DM
     * version ({@code DmMasterConnection#status} with none named), so the poll asks for all of them and every resource
     * on the cluster shares it, whatever tasks it guards.
     */
    public DmSnapshot poll(String clusterKey, String resource, DmMaster dm, Collection<String> tasks,
                           Duration interval) {
        Instant now = clock.instant();
        Instant want = wanted.get(resource);
        Instant notBefore = want != null && !want.isAfter(now.plus(SLACK)) ? want.minus(SLACK) : now.minus(maxAge);
        Instant change = changes.get(resource);
        if (change != null && change.isAfter(notBefore)) {
            notBefore = change;
        }
        Instant oldest = now.minus(interval);
        Entry entry = poll(clusterKey, dm, tasks, notBefore.isBefore(oldest) ? oldest : notBefore);
        DmSnapshot snapshot = await(entry);
        // seen: unless another change came in meanwhile
        changes.computeIfPresent(resource, (uid, at) -> entry.at.isBefore(at) ? at : null);
        return snapshot;
    }

    /**
     * The status of every task on the cluster from a poll sent at or after {@code notBefore}: the one in the cache,
     * or a new one (a playbook looking at many tasks shares the poll with every resource on the cluster).
     */
    public DmSnapshot fresh(String clusterKey, DmMaster dm, Instant notBefore) {
        return await(poll(clusterKey, dm, java.util.List.of(), notBefore));
    }

    private Entry poll(String clusterKey, DmMaster dm, Collection<String> tasks, Instant notBefore) {
        // "all" unless this DM-master said it cannot (too many tasks on one source for one request, no OpenAPI)
        Set<String> asked = namedOnly.contains(clusterKey) ? new TreeSet<>(tasks) : Set.of();
        CompletableFuture<DmSnapshot> mine;
        Entry entry;
        while (true) {
            Entry running = null;
            synchronized (this) {
                Entry current = entries.get(clusterKey);
                if (current != null && current.covers(asked) && !current.at.isBefore(notBefore)) {
                    entry = current;
                    mine = null;
                    break;
                }
                if (current != null && !current.future.isDone()) {
                    // one poll per cluster at a time: a slow DM-master (or a poll that asks the gateway about many
                    // failing tasks) must not get a second poll on top of the one it is still answering
                    running = current;
                } else {
                    mine = new CompletableFuture<>();
                    entry = new Entry(asked, clock.instant(), mine);
                    entries.put(clusterKey, entry);
                    break;
                }
            }
            awaitEnd(running);
        }
        if (mine != null) {
            try {
                mine.complete(dm.status(asked));
            } catch (DmUnsupportedException e) {
                if (asked.isEmpty() && !tasks.isEmpty()) {
                    namedOnly.add(clusterKey);
                }
                mine.completeExceptionally(e);
                entries.remove(clusterKey, entry);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                entries.remove(clusterKey, entry);
            }
        }
        return entry;
    }

    /** Until the poll ends, either way: its callers get its error, this caller then polls anew. */
    private static void awaitEnd(Entry entry) {
        try {
            entry.future.get();
        } catch (ExecutionException e) {
            // see above
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for DM-master", e);
        }
    }

    private static DmSnapshot await(Entry entry) {
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

    /**
     * When a resource on this cluster should next look at DM-master, {@code interval} from its last look: at the
     * cluster's next poll slot, {@code offset + k * interval}, where the offset (a fraction of the interval taken
     * from the cluster's key) spreads clusters over the interval. Every resource on the cluster with the same
     * interval gets the same slots, and so shares one poll per slot; intervals that divide each other share theirs.
     */
    public Duration nextPollAt(String resource, String clusterKey, Duration interval) {
        Instant now = clock.instant();
        long period = Math.max(1, interval.toNanos());
        long offset = Math.floorMod(clusterKey.hashCode(), 1000) * (period / 1000);
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long slot = Math.floorDiv(nowNanos - offset, period) * period + offset + period;
        if (slot - nowNanos < SLACK.toNanos()) {
            // this reconcile is the slot's own (a timer fires a hair early by the wall clock): the next one
            slot += period;
        }
        Instant at = Instant.ofEpochSecond(Math.floorDiv(slot, 1_000_000_000L), Math.floorMod(slot, 1_000_000_000L));
        wanted.put(resource, at);
        return Duration.between(now, at);
    }

    /** The resource looks again in {@code after} (a wait, a playbook step): with a poll sent no earlier than that. */
    public void lookAgainIn(String resource, Duration after) {
        wanted.put(resource, clock.instant().plus(after));
    }

    /** Something changed at this instant that the resource must see (a worker pod restarted): a poll sent after it. */
    public void changedAt(String resource, Instant at) {
        changes.merge(resource, at, (before, now) -> now.isAfter(before) ? now : before);
    }

    /** The resource is gone. */
    public void forget(String resource) {
        wanted.remove(resource);
        changes.remove(resource);
    }

    /** Forget the cluster's last result: the next poll asks DM-master (after an action changed DM's state). */
    public void invalidate(String clusterKey) {
        entries.remove(clusterKey);
    }

    private record Entry(Set<String> tasks, Instant at, CompletableFuture<DmSnapshot> future) {
        boolean covers(Set<String> wanted) {
            // an "all tasks" poll covers any list; a list covers its subsets
            return tasks.isEmpty() || (!wanted.isEmpty() && tasks.containsAll(wanted));
        }
    }
}
