package io.dmremediation.operator;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The blast-radius limit: how many resources run a remediation on one DM cluster at once. What other resources
 * run comes from their status (so a new operator knows it); this adds the reservations made in this process
 * that their status may not show yet, so two resources reconciled at the same moment cannot both take the last
 * slot.
 */
final class ClusterSlots {

    private final Map<String, Set<String>> reserved = new HashMap<>();

    /** Remediations in flight on the cluster other than {@code self}'s. */
    synchronized int inFlight(String clusterKey, String self, Collection<String> activeFromStatus) {
        Set<String> all = new HashSet<>(activeFromStatus);
        all.addAll(reserved.getOrDefault(clusterKey, Set.of()));
        all.remove(self);
        return all.size();
    }

    synchronized boolean tryAcquire(String clusterKey, String self, int limit, Collection<String> activeFromStatus) {
        if (inFlight(clusterKey, self, activeFromStatus) >= limit) {
            return false;
        }
        reserved.computeIfAbsent(clusterKey, k -> new HashSet<>()).add(self);
        return true;
    }

    synchronized void release(String clusterKey, String self) {
        Set<String> s = reserved.get(clusterKey);
        if (s != null) {
            s.remove(self);
        }
    }
}
