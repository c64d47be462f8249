package io.dmremediation.sandbox.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Process CPU, thread CPU, heap after GC, and waiting. */
final class Probe {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private Probe() {
    }

    /** CPU time of the whole process (every thread, JIT and GC included), in nanoseconds. */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    /** CPU time so far of each live thread whose name matches, by thread id. */
    static Map<Long, Long> threadCpu(Predicate<String> name) {
        Map<Long, Long> out = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (info != null && name.test(info.getThreadName())) {
                long t = THREADS.getThreadCpuTime(id);
                if (t > 0) {
                    out.put(id, t);
                }
            }
        }
        return out;
    }

    /**
     * CPU the matching threads used since {@code before}: threads alive at both ends count their difference, new ones
     * all of theirs; threads that ended in between are lost (so measure pools whose threads stay).
     */
    static long threadCpuSince(Map<Long, Long> before, Predicate<String> name) {
        long sum = 0;
        for (var e : threadCpu(name).entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    /** Used heap after full collections, in bytes. */
    static long heapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(Duration.ofMillis(200));
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits until the condition holds; throws with {@code what} when it does not within the timeout. */
    static void await(String what, Duration timeout, Duration every, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RuntimeException last = null;
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what
                        + (last == null ? "" : " (last error: " + last + ")"), last);
            }
            sleep(every);
        }
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }
}
