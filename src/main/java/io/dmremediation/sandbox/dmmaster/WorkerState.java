package io.dmremediation.sandbox.dmmaster;

/** A DM-worker process (named after its pod under TiDB Operator) as DM-master sees it. */
final class WorkerState {

    final String name;
    final String addr;
    boolean up = true;

    WorkerState(String name, String addr) {
        this.name = name;
        this.addr = addr;
    }
}
