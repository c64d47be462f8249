package io.dmremediation.sandbox.dmmaster;

/** A DM-worker process (named after its pod under TiDB Operator) as DM-master sees it. */
final class WorkerState {

    final String name;
    final String addr;
    /** The process runs. */
    boolean up = true;
    /**
     * DM-master still holds the worker's keepalive key: true while the process runs, and after a crash until the
     * lease's TTL runs out (§7.4). A graceful stop revokes it at once.
     */
    boolean registered = true;
    /** When a crashed worker's keepalive key expires (System.nanoTime), or 0. */
    long leaseExpiresNanos;

    WorkerState(String name, String addr) {
        this.name = name;
        this.addr = addr;
    }
}
