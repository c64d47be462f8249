package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The reply faults in force: each applies to every request, the next N, one path prefix, or for a while. */
final class FaultTable {

    private static final class Rule {
        final Fault fault;
        final String method;
        final String pathPrefix;
        int remaining;
        final long untilNanos;

        Rule(Fault fault, String pathPrefix, int remaining, long untilNanos) {
            this(fault, null, pathPrefix, remaining, untilNanos);
        }

        Rule(Fault fault, String method, String pathPrefix, int remaining, long untilNanos) {
            this.fault = fault;
            this.method = method;
            this.pathPrefix = pathPrefix;
            this.remaining = remaining;
            this.untilNanos = untilNanos;
        }
    }

    private final List<Rule> rules = new ArrayList<>();

    synchronized void always(Fault f) {
        rules.add(new Rule(f, null, -1, Long.MAX_VALUE));
    }

    synchronized void times(Fault f, int n) {
        if (n > 0) {
            rules.add(new Rule(f, null, n, Long.MAX_VALUE));
        }
    }

    synchronized void onPath(Fault f, String pathPrefix) {
        rules.add(new Rule(f, pathPrefix, -1, Long.MAX_VALUE));
    }

    synchronized void onRequest(Fault f, String method, String pathPrefix) {
        rules.add(new Rule(f, method, pathPrefix, -1, Long.MAX_VALUE));
    }

    synchronized void forNanos(Fault f, long nanos) {
        rules.add(new Rule(f, null, -1, System.nanoTime() + nanos));
    }

    synchronized void clear() {
        rules.clear();
    }

    /** The first rule that applies to this path, consuming one of its uses; null when none does. */
    synchronized Fault match(String method, String path) {
        long now = System.nanoTime();
        Iterator<Rule> it = rules.iterator();
        while (it.hasNext()) {
            Rule r = it.next();
            if (now - r.untilNanos > 0 && r.untilNanos != Long.MAX_VALUE) {
                it.remove();
                continue;
            }
            if (r.pathPrefix != null && !path.startsWith(r.pathPrefix)) {
                continue;
            }
            if (r.method != null && !r.method.equalsIgnoreCase(method)) {
                continue;
            }
            if (r.remaining > 0 && --r.remaining == 0) {
                it.remove();
            }
            return r.fault;
        }
        return null;
    }
}
