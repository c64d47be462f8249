package io.dmremediation.operator;

import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.dm.DmMasterConnection;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * DM-master as a playbook sees it: a look at more than a few tasks at once (a storm-mode batch verifying its
 * restarts) is the cluster's shared poll, sent at most {@link #FRESH} before, not a poll of its own; remediations
 * verifying at the same time on one cluster share it. A few tasks are asked about directly; everything else goes
 * straight through.
 */
final class SharedStatusDmMaster implements DmMaster {

    /** How old a shared poll may be for a playbook's look (its steps look again every second). */
    static final Duration FRESH = Duration.ofSeconds(1);

    private final DmMaster delegate;
    private final SnapshotCache snapshots;
    private final String clusterKey;
    private final Clock clock;

    SharedStatusDmMaster(DmMaster delegate, SnapshotCache snapshots, String clusterKey, Clock clock) {
        this.delegate = delegate;
        this.snapshots = snapshots;
        this.clusterKey = clusterKey;
        this.clock = clock;
    }

    @Override
    public DmSnapshot status(Collection<String> tasks) {
        if (tasks.isEmpty() || new java.util.HashSet<>(tasks).size() <= DmMasterConnection.FEW) {
            return delegate.status(tasks);
        }
        return snapshots.fresh(clusterKey, delegate, clock.instant().minus(FRESH)).forTasks(tasks);
    }

    @Override
    public String baseUrl() {
        return delegate.baseUrl();
    }

    @Override
    public DmApi api() {
        return delegate.api();
    }

    @Override
    public Optional<List<String>> taskNames() {
        return delegate.taskNames();
    }

    @Override
    public String taskConfig(String task) {
        return delegate.taskConfig(task);
    }

    @Override
    public void stopTask(String task) {
        delegate.stopTask(task);
    }

    @Override
    public void startTask(String taskYaml) {
        delegate.startTask(taskYaml);
    }

    @Override
    public void pauseTask(String task) {
        delegate.pauseTask(task);
    }

    @Override
    public void resumeTask(String task) {
        delegate.resumeTask(task);
    }

    @Override
    public List<Worker> workers() {
        return delegate.workers();
    }

    @Override
    public Optional<String> sourceConfig(String source) {
        return delegate.sourceConfig(source);
    }

    @Override
    public Optional<List<Relay>> relayStatus(String source) {
        return delegate.relayStatus(source);
    }

    @Override
    public void disableRelay(String source, List<String> workers) {
        delegate.disableRelay(source, workers);
    }

    @Override
    public void enableRelay(String source, List<String> workers) {
        delegate.enableRelay(source, workers);
    }

    @Override
    public void enableRelayFrom(String source, List<String> workers, String relayBinlogName) {
        delegate.enableRelayFrom(source, workers, relayBinlogName);
    }

    @Override
    public void redetect() {
        delegate.redetect();
    }
}
