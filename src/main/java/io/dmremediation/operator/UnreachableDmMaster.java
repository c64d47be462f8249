package io.dmremediation.operator;

import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.dm.DmUnreachableException;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Worker;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A DM-master that cannot be reached for a reason known before any request (its TLS Secret is missing or unusable):
 * every call fails with that reason, so the resource goes Degraded with it and nothing is sent.
 */
record UnreachableDmMaster(String baseUrl, String reason) implements DmMaster {

    private DmUnreachableException fail() {
        return new DmUnreachableException("cannot reach DM-master at " + baseUrl + ": " + reason, null);
    }

    @Override
    public DmApi api() {
        throw fail();
    }

    @Override
    public DmSnapshot status(Collection<String> tasks) {
        throw fail();
    }

    @Override
    public Optional<List<String>> taskNames() {
        throw fail();
    }

    @Override
    public String taskConfig(String task) {
        throw fail();
    }

    @Override
    public void stopTask(String task) {
        throw fail();
    }

    @Override
    public void startTask(String taskYaml) {
        throw fail();
    }

    @Override
    public void pauseTask(String task) {
        throw fail();
    }

    @Override
    public void resumeTask(String task) {
        throw fail();
    }

    @Override
    public List<Worker> workers() {
        throw fail();
    }

    @Override
    public Optional<String> sourceConfig(String source) {
        throw fail();
    }

    @Override
    public Optional<List<Relay>> relayStatus(String source) {
        throw fail();
    }

    @Override
    public void disableRelay(String source, List<String> workers) {
        throw fail();
    }

    @Override
    public void enableRelay(String source, List<String> workers) {
        throw fail();
    }

    @Override
    public void redetect() {
        // nothing learnt, nothing to forget
    }
}
