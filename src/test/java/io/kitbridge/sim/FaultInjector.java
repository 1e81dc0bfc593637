package io.kitbridge.sim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Injects transport and server faults. The first registered fault that matches a request (and passes its
 * probability roll) is applied and its {@code times} budget decremented. Faulted requests are still logged and
 * still count toward the rate limit; real rate limiting and authentication are decided before faults apply.
 */
public final class FaultInjector {
    private final List<Entry> faults = new ArrayList<>();
    private final Random random;
    private long applied;

    FaultInjector(long seed) {
        this.random = new Random(seed);
    }

    private static final class Entry {
        final Fault fault;
        int remaining;

        Entry(Fault f) {
            this.fault = f;
            this.remaining = f.times();
        }
    }

    /** Register a fault; earlier registrations win. */
    public synchronized void inject(Fault f) {
        faults.add(new Entry(f));
    }

    /** Remove all faults. */
    public synchronized void clear() {
        faults.clear();
    }

    /** Faults still registered (with budget left). */
    public synchronized List<Fault> active() {
        List<Fault> out = new ArrayList<>();
        for (Entry e : faults) {
            out.add(e.fault);
        }
        return out;
    }

    /** How many requests have been affected by a fault so far. */
    public synchronized long appliedCount() {
        return applied;
    }

    synchronized Fault take(String method, String path) {
        Iterator<Entry> it = faults.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (!e.fault.matches(method, path)) {
                continue;
            }
            if (e.fault.probability() < 1.0 && random.nextDouble() >= e.fault.probability()) {
                continue;
            }
            if (e.remaining > 0 && --e.remaining == 0) {
                it.remove();
            }
            applied++;
            return e.fault;
        }
        return null;
    }
}
