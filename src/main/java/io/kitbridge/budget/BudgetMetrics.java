package io.kitbridge.budget;

import io.kitbridge.common.Emf;
import io.kitbridge.common.InvocationEnded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Budget counters per credential (its budget key: a fingerprint, never the secret), emitted as CloudWatch
 * embedded-metric events at the end of every invocation, after a 429, and every 15 s in long invocations — not
 * per permit, to keep log volume flat. Each event counts for its credential and for the total (no dimensions),
 * which the Kit429s alarm watches.
 */
@ApplicationScoped
public class BudgetMetrics {
    private static final long FLUSH_EVERY_MILLIS = 15_000;

    private final Map<String, Counters> byCredential = new ConcurrentHashMap<>();
    private final LongAdder grantedTotal = new LongAdder();
    private final LongAdder throttledTotal = new LongAdder();
    private final LongAdder dynamoCalls = new LongAdder();
    private final AtomicLong lastFlush = new AtomicLong(System.currentTimeMillis());

    private static final class Counters {
        final LongAdder granted = new LongAdder();
        final LongAdder denied = new LongAdder();
        final LongAdder waitMillis = new LongAdder();
        final LongAdder throttled = new LongAdder();
    }

    void granted(String budgetKey, long waitedMillis) {
        Counters c = counters(budgetKey);
        c.granted.increment();
        c.waitMillis.add(waitedMillis);
        grantedTotal.increment();
        maybeFlush();
    }

    void denied(String budgetKey) {
        counters(budgetKey).denied.increment();
        maybeFlush();
    }

    void throttled(String budgetKey) {
        counters(budgetKey).throttled.increment();
        throttledTotal.increment();
        flush();
    }

    void dynamoCall() {
        dynamoCalls.increment();
    }

    public long grantedCount() {
        return grantedTotal.sum();
    }

    public long dynamoCallCount() {
        return dynamoCalls.sum();
    }

    public long throttledCount() {
        return throttledTotal.sum();
    }

    private Counters counters(String budgetKey) {
        return byCredential.computeIfAbsent(budgetKey, k -> new Counters());
    }

    private void maybeFlush() {
        long last = lastFlush.get();
        long now = System.currentTimeMillis();
        if (now - last >= FLUSH_EVERY_MILLIS && lastFlush.compareAndSet(last, now)) {
            flush();
        }
    }

    void onInvocationEnded(@Observes InvocationEnded ended) {
        flush();
    }

    /** Emits the counters gathered since the last flush, one event per credential that had any. */
    public void flush() {
        byCredential.forEach((key, c) -> {
            long g = c.granted.sumThenReset();
            long d = c.denied.sumThenReset();
            long w = c.waitMillis.sumThenReset();
            long t = c.throttled.sumThenReset();
            if (g + d + t == 0) {
                return;
            }
            Emf.event().dimension("Credential", key).aggregate().aggregate("Credential")
                    .metric("PermitsGranted", g, Emf.COUNT)
                    .metric("PermitsDenied", d, Emf.COUNT)
                    .metric("PermitWaitMillis", w, Emf.MILLISECONDS)
                    .metric("Kit429s", t, Emf.COUNT)
                    .emit();
        });
    }
}
