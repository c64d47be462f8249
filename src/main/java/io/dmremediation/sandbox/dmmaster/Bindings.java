package io.dmremediation.sandbox.dmmaster;

/**
 * DM-master's side of DM-workers coming and going (§7.4): the keepalive lease, and which worker each source is bound
 * to. A graceful stop revokes the lease at once and the source is bound to another worker right away, if one is
 * free; a crash is noticed when the lease's TTL runs out. A worker that comes back is free unless a source waits for
 * it. Every method expects the cluster lock to be held.
 */
final class Bindings {

    private final Cluster c;
    private final WorkerRuntime workers;

    Bindings(Cluster cluster, WorkerRuntime workers) {
        this.c = cluster;
        this.workers = workers;
    }

    /**
     * A worker process starts ({@code handleWorkerOnline}, {@code pingcap/tiflow:dm/master/scheduler/scheduler.go@v8.5.4:
     * 2130-2187}). Still bound (it crashed and its lease has not expired): the bound is put again and the worker runs
     * its source again. Otherwise it turns free, or {@code relay} when it is a named relay worker (whose relay it
     * starts), and is offered a source ({@link #tryBoundForWorker}).
     */
    void workerStarted(String name, long now) {
        WorkerState w = worker(name);
        if (w.up) {
            return;
        }
        w.up = true;
        w.leaseExpiresNanos = 0;
        String bound = c.boundSourceOf(name);
        if (w.registered && !bound.isEmpty()) {
            w.registered = true;
            SourceState s = c.sources.get(bound);
            startNamedRelay(name, now);
            workers.handleSource(s, name, now);
            return;
        }
        w.registered = true;
        startNamedRelay(name, now);
        tryBoundForWorker(name, now);
    }

    /**
     * A worker process stops. Graceful (SIGTERM, pod deletion: {@code Server.Close},
     * {@code pingcap/tiflow:dm/worker/server.go:505-530@v8.5.4}): units close and flush, and the deferred revoke of
     * the keepalive lease deletes the worker's key at once ({@code pingcap/tiflow:dm/pkg/ha/keepalive.go@v8.5.4:
     * 122-128}), so DM-master unbinds it now. A crash (kill -9): nothing is flushed and the key stays until its TTL
     * expires (60 s; 1800 s while it runs a named relay, {@code pingcap/tiflow:dm/worker/server.go:761-798@v8.5.4}).
     */
    void workerStopped(String name, boolean graceful, long now) {
        WorkerState w = worker(name);
        if (!w.up) {
            return;
        }
        String bound = c.boundSourceOf(name);
        if (!bound.isEmpty()) {
            workers.releaseSource(c.sources.get(bound), name, graceful);
        }
        for (SourceState s : c.sources.values()) {
            RelayUnit r = s.relays.get(name);
            if (r != null) {
                if (graceful) {
                    RelayProcess.flushMeta(s, r);
                }
                s.relays.remove(name);
            }
        }
        w.up = false;
        if (graceful) {
            leaseGone(name, now);
        } else {
            boolean namedRelay = !c.relaySourceOf(name).isEmpty();
            w.leaseExpiresNanos = now + (namedRelay ? c.settings.relayKeepaliveTtl() : c.settings.keepaliveTtl()).toNanos();
        }
    }

    /** The ticker: crashed workers whose lease ran out go offline. */
    void expireLeases(long now) {
        for (WorkerState w : c.workers.values()) {
            if (!w.up && w.registered && w.leaseExpiresNanos != 0 && now >= w.leaseExpiresNanos) {
                leaseGone(w.name, now);
            }
        }
    }

    /**
     * {@code handleWorkerOffline} ({@code pingcap/tiflow:dm/master/scheduler/scheduler.go:2189-2233@v8.5.4}): the
     * bound is deleted, the worker is offline, and the source is bound again at once ({@link #tryBoundForSource}).
     */
    private void leaseGone(String name, long now) {
        WorkerState w = worker(name);
        w.registered = false;
        w.leaseExpiresNanos = 0;
        String bound = c.boundSourceOf(name);
        if (bound.isEmpty()) {
            return;
        }
        SourceState s = c.sources.get(bound);
        s.boundWorker = null;
        tryBoundForSource(s, now);
    }

    /**
     * {@code tryBoundForSource} ({@code pingcap/tiflow:dm/master/scheduler/scheduler.go:2321-2419@v8.5.4}; same
     * order in v5.3.0 … master): a named relay worker of the source that was bound to it before; any online named
     * relay worker of the source; a free worker that was bound to it before; any free worker (DM takes the first in
     * Go's map order, i.e. any; the simulator the first by name). None: the source stays unbound.
     */
    void tryBoundForSource(SourceState s, long now) {
        String pick = null;
        if (s.lastBoundWorker != null && s.relayWorkers.contains(s.lastBoundWorker)
                && "relay".equals(stageOf(s.lastBoundWorker))) {
            pick = s.lastBoundWorker;
        }
        if (pick == null) {
            pick = s.relayWorkers.stream().filter(n -> "relay".equals(stageOf(n))).findFirst().orElse(null);
        }
        if (pick == null && s.lastBoundWorker != null && "free".equals(stageOf(s.lastBoundWorker))) {
            pick = s.lastBoundWorker;
        }
        if (pick == null) {
            pick = c.workers.values().stream().filter(w -> "free".equals(c.workerStage(w))).map(w -> w.name)
                    .findFirst().orElse(null);
        }
        if (pick != null) {
            bind(s, pick, now);
        }
    }

    /**
     * {@code tryBoundForWorker} ({@code pingcap/tiflow:dm/master/scheduler/scheduler.go:2239-2313@v8.5.4}): its last
     * bound source if that waits unbound; its relay source if not bound elsewhere; any unbound source.
     */
    void tryBoundForWorker(String name, long now) {
        SourceState pick = null;
        String relaySource = c.relaySourceOf(name);
        for (SourceState s : c.sources.values()) {
            if (s.boundWorker == null && name.equals(s.lastBoundWorker)
                    && (relaySource.isEmpty() || relaySource.equals(s.id))) {
                pick = s;
                break;
            }
        }
        if (pick == null && !relaySource.isEmpty()) {
            SourceState s = c.sources.get(relaySource);
            if (s.boundWorker != null) {
                // a relay-only worker: the source it relays is served elsewhere
                return;
            }
            pick = s;
        }
        if (pick == null) {
            pick = c.sources.values().stream().filter(s -> s.boundWorker == null).findFirst().orElse(null);
        }
        if (pick != null) {
            bind(pick, name, now);
        }
    }

    /**
     * {@code boundSourceToWorker} ({@code pingcap/tiflow:dm/master/scheduler/scheduler.go:2423-2436@v8.5.4}): the
     * bound (with a Running relay stage in {@code enable-relay} mode) is put; the worker handles the source.
     */
    void bind(SourceState s, String worker, long now) {
        s.boundWorker = worker;
        s.lastBoundWorker = worker;
        WorkerState w = worker(worker);
        if (w.up) {
            workers.handleSource(s, worker, now);
        }
    }

    /** A named relay worker runs its relay wherever it is bound or not ({@code handleWorkerOnline}: stage relay). */
    private void startNamedRelay(String name, long now) {
        String relaySource = c.relaySourceOf(name);
        if (!relaySource.isEmpty()) {
            workers.enableRelay(c.sources.get(relaySource), name, false, now);
        }
    }

    private String stageOf(String worker) {
        WorkerState w = c.workers.get(worker);
        return w == null ? "" : c.workerStage(w);
    }

    private WorkerState worker(String name) {
        WorkerState w = c.workers.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no worker " + name);
        }
        return w;
    }
}
