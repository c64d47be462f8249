package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dmremediation.dm.DmApi;
import io.dmremediation.dm.DmMaster;
import io.dmremediation.dm.DmUnreachableException;
import io.dmremediation.domain.DmSnapshot;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The shared poll: one DM-master request per cluster and poll slot however many resources ask, a fresh one for a
 * resource that must see a change, never one older than an interval, and one at a time when DM-master is slow.
 */
class SnapshotCacheTest {

    private static final String CLUSTER = "http://dm-dm-master.dm:8261";
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-27T10:00:00.123Z"));
    private final CountingDm dm = new CountingDm();
    private final SnapshotCache cache = new SnapshotCache(clock, MAX_AGE);

    /** A resource with no due time recorded: its reconcile was not scheduled by a poll slot or a wait. */
    private static final String NOT_DUE = "uid-not-due";

    @Test
    void resourcesOnOneClusterWithOneIntervalGetTheSameSlotWithinTheInterval() {
        Duration a = cache.nextPollAt("uid-a", CLUSTER, INTERVAL);
        clock.advance(Duration.ofMillis(1700));
        Duration b = cache.nextPollAt("uid-b", CLUSTER, INTERVAL);

        assertThat(a).isPositive().isLessThanOrEqualTo(INTERVAL);
        assertThat(clock.instant().minus(Duration.ofMillis(1700)).plus(a)).isEqualTo(clock.instant().plus(b));
        assertThat(cache.nextPollAt("uid-c", "http://other-dm-master.dm:8261", INTERVAL))
                .as("another cluster's slots are spread over the interval by its key").isNotEqualTo(b);
    }

    @Test
    void everyResourceDueAtASlotSharesOnePollHoweverLateItsReconcileRuns() {
        Duration due = cache.nextPollAt("uid-a", CLUSTER, INTERVAL);
        cache.nextPollAt("uid-b", CLUSTER, INTERVAL);
        clock.advance(due);

        cache.poll(CLUSTER, "uid-a", dm.master(), List.of("t1"), INTERVAL);
        // the reconcile queue runs the second one 3 s later: far past maxAge, still the slot's poll
        clock.advance(Duration.ofSeconds(3));
        cache.poll(CLUSTER, "uid-b", dm.master(), List.of("t1"), INTERVAL);

        assertThat(dm.requests.get()).isEqualTo(1);
    }

    @Test
    void aResourceThatMustSeeAChangeGetsAPollSentAfterIt() {
        cache.poll(CLUSTER, "uid-a", dm.master(), List.of("t1"), INTERVAL);
        clock.advance(Duration.ofMillis(200));
        cache.changedAt("uid-b", clock.instant());
        clock.advance(Duration.ofMillis(10));

        cache.poll(CLUSTER, "uid-b", dm.master(), List.of("t1"), INTERVAL);

        assertThat(dm.requests.get()).as("the poll from before the pod event says nothing about it").isEqualTo(2);
    }

    @Test
    void aChangeSurvivesTheReconcileAlreadyRunningWhenItCameIn() {
        // a reconcile in flight polled before the pod event and ends after it, scheduling its next regular look
        cache.poll(CLUSTER, "uid-a", dm.master(), List.of("t1"), INTERVAL);
        clock.advance(Duration.ofMillis(200));
        cache.changedAt("uid-a", clock.instant());
        cache.nextPollAt("uid-a", CLUSTER, INTERVAL);
        clock.advance(Duration.ofMillis(10));

        // the reconcile the event queued behind it
        cache.poll(CLUSTER, "uid-a", dm.master(), List.of("t1"), INTERVAL);
        assertThat(dm.requests.get()).as("the change still asks for a poll sent after it").isEqualTo(2);

        clock.advance(Duration.ofMillis(10));
        cache.poll(CLUSTER, "uid-a", dm.master(), List.of("t1"), INTERVAL);
        assertThat(dm.requests.get()).as("once seen, the change asks for nothing more").isEqualTo(2);
    }

    @Test
    void aReconcileThatWasNotDueReusesAPollYoungerThanMaxAgeButNeverOneOlderThanTheInterval() {
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL);
        clock.advance(MAX_AGE.dividedBy(2));
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL);
        assertThat(dm.requests.get()).isEqualTo(1);

        // a resource whose due time is long past (it was away) still never takes a poll older than its interval
        cache.lookAgainIn("uid-a", Duration.ZERO);
        clock.advance(INTERVAL.plusSeconds(1));
        cache.poll(CLUSTER, "uid-a", dm.master(), List.of("t1"), INTERVAL);
        assertThat(dm.requests.get()).isEqualTo(2);
    }

    @Test
    void onePollAsksForEveryTaskAndServesResourcesWhateverTheyGuard() {
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL);
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1", "t2"), INTERVAL);
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t2"), INTERVAL);

        assertThat(dm.asked).containsExactly(List.of());
    }

    @Test
    void aDmMasterThatCannotTellEveryTaskAtOnceIsAskedForTheNamedOnes() {
        dm.allUnsupported = true;
        assertThatThrownBy(() -> cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL))
                .isInstanceOf(io.dmremediation.dm.DmUnsupportedException.class);
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL);

        assertThat(dm.asked).containsExactly(List.of(), List.of("t1"));
    }

    @Test
    void invalidateMakesTheNextPollAskDmMaster() {
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL);
        cache.invalidate(CLUSTER);
        cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL);

        assertThat(dm.requests.get()).isEqualTo(2);
    }

    @Test
    void whileDmMasterIsSlowEveryCallerWaitsForTheOnePollInFlight() throws Exception {
        CountDownLatch answering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        dm.gate = () -> {
            answering.countDown();
            await(release);
        };
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<DmSnapshot>> results = new ArrayList<>();
            results.add(pool.submit(() -> cache.poll(CLUSTER, "uid-0", dm.master(), List.of("t1"), INTERVAL)));
            assertThat(answering.await(10, TimeUnit.SECONDS)).isTrue();
            // a pod event after the poll was sent: the poll in flight is too old for those who must see it
            clock.advance(Duration.ofMillis(500));
            for (int i = 1; i < 8; i++) {
                String uid = "uid-" + i;
                // each of these must see a change: none may send a poll of its own while one is unanswered
                cache.changedAt(uid, clock.instant());
                results.add(pool.submit(() -> cache.poll(CLUSTER, uid, dm.master(), List.of("t1"), INTERVAL)));
            }
            Thread.sleep(200);
            assertThat(dm.requests.get()).isEqualTo(1);

            release.countDown();
            for (Future<DmSnapshot> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isNotNull();
            }
            assertThat(dm.requests.get()).as("the poll in flight, then one more shared by all who waited for it")
                    .isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedPollReachesItsCallerAndIsNotReused() {
        dm.failure.set(new DmUnreachableException("connection refused", null));
        assertThatThrownBy(() -> cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL))
                .isInstanceOf(DmUnreachableException.class);

        dm.failure.set(null);
        assertThat(cache.poll(CLUSTER, NOT_DUE, dm.master(), List.of("t1"), INTERVAL)).isNotNull();
        assertThat(dm.requests.get()).isEqualTo(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A DM-master that counts status requests; only what the cache calls. */
    private static final class CountingDm {
        final AtomicInteger requests = new AtomicInteger();
        final List<List<String>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        volatile Runnable gate = () -> { };
        volatile boolean allUnsupported;

        DmMaster master() {
            return (DmMaster) Proxy.newProxyInstance(DmMaster.class.getClassLoader(), new Class<?>[] {DmMaster.class},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "baseUrl" -> CLUSTER;
                        case "api" -> DmApi.GATEWAY;
                        case "status" -> {
                            requests.incrementAndGet();
                            @SuppressWarnings("unchecked")
                            Collection<String> tasks = (Collection<String>) args[0];
                            asked.add(List.copyOf(tasks));
                            gate.run();
                            if (allUnsupported && tasks.isEmpty()) {
                                throw new io.dmremediation.dm.DmUnsupportedException("too many tasks; name them");
                            }
                            if (failure.get() != null) {
                                throw failure.get();
                            }
                            yield DmSnapshot.EMPTY;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }
    }
}
