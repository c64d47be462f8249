package io.dmremediation.sandbox.bench;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Every version of the DMRemediations a watch delivers, with the {@link System#nanoTime()} it arrived at: "when did
 * the resource first show X" is then a question about the log, answered to the watch's latency (milliseconds in
 * process) instead of a polling loop's period.
 */
final class StatusWatch implements AutoCloseable {

    private record Seen(long nanos, DMRemediation resource) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final Watch watch;

    StatusWatch(SandboxWorld world) {
        this.watch = world.client().resources(DMRemediation.class).inNamespace(SandboxWorld.NAMESPACE)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, DMRemediation resource) {
                        long now = System.nanoTime();
                        synchronized (seen) {
                            seen.add(new Seen(now, resource));
                            seen.notifyAll();
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        // the world is closing
                    }
                });
    }

    /** The arrival time of the first version of {@code name} since {@code sinceNanos} that satisfies {@code p}. */
    OptionalLong first(String name, long sinceNanos, Predicate<DMRemediation> p) {
        synchronized (seen) {
            for (Seen s : seen) {
                if (s.nanos >= sinceNanos && name.equals(s.resource.getMetadata().getName()) && p.test(s.resource)) {
                    return OptionalLong.of(s.nanos);
                }
            }
        }
        return OptionalLong.empty();
    }

    /** Waits for {@link #first}; throws when it does not come within the timeout. */
    long await(String what, String name, long sinceNanos, Duration timeout, Predicate<DMRemediation> p) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            while (true) {
                OptionalLong t = first(name, sinceNanos, p);
                if (t.isPresent()) {
                    return t.getAsLong();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + " on "
                            + name);
                }
                try {
                    seen.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** Forgets what arrived so far (a long benchmark would keep every version otherwise). */
    void clear() {
        synchronized (seen) {
            seen.clear();
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
