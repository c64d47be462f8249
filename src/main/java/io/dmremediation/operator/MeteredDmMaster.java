package io.dmremediation.operator;

import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Times every DM-master call and counts its outcome (ok, or the kind of failure). */
final class MeteredDmMaster implements DmMaster {

    private final DmMaster delegate;
    private final OperatorMetrics metrics;

    MeteredDmMaster(DmMaster delegate, OperatorMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return call.get();
        } catch (DmMasterException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            throw e;
        } catch (RuntimeException e) {
            outcome = "error";
            throw e;
        } finally {
            metrics.dmRequest(operation, outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void timedVoid(String operation, Runnable call) {
        timed(operation, () -> {
            call.run();
            return null;
        });
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
    public DmSnapshot status(Collection<String> tasks) {
        return timed("status", () -> delegate.status(tasks));
    }

    @Override
    public Optional<List<String>> taskNames() {
        return timed("task_names", delegate::taskNames);
    }

    @Override
    public String taskConfig(String task) {
        return timed("task_config", () -> delegate.taskConfig(task));
    }

    @Override
    public void stopTask(String task) {
        timedVoid("stop_task", () -> delegate.stopTask(task));
    }

    @Override
    public void startTask(String taskYaml) {
        timedVoid("start_task", () -> delegate.startTask(taskYaml));
    }

    @Override
    public void pauseTask(String task) {
        timedVoid("pause_task", () -> delegate.pauseTask(task));
    }

    @Override
    public void resumeTask(String task) {
        timedVoid("resume_task", () -> delegate.resumeTask(task));
    }

    @Override
    public List<Worker> workers() {
        return timed("workers", delegate::workers);
    }

    @Override
    public Optional<String> sourceConfig(String source) {
        return timed("source_config", () -> delegate.sourceConfig(source));
    }

    @Override
    public Optional<List<Relay>> relayStatus(String source) {
        return timed("relay_status", () -> delegate.relayStatus(source));
    }

    @Override
    public void disableRelay(String source, List<String> workers) {
        timedVoid("disable_relay", () -> delegate.disableRelay(source, workers));
    }

    @Override
    public void enableRelayFrom(String source, List<String> workers, String relayBinlogName) {
        timedVoid("enable_relay", () -> delegate.enableRelayFrom(source, workers, relayBinlogName));
    }

    @Override
    public void enableRelay(String source, List<String> workers) {
        timedVoid("enable_relay", () -> delegate.enableRelay(source, workers));
    }

    @Override
    public void redetect() {
        delegate.redetect();
    }
}
