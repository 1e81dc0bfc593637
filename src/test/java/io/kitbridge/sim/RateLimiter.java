package io.kitbridge.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Strict per-credential sliding-window limiter on a monotonic clock. Only accepted requests are counted.
 * The clock is real time unless a test freezes it ({@link SimAdmin#freezeRateLimitClock()}); then it only moves
 * when the test advances it, so which request falls in which window never depends on machine speed.
 */
final class RateLimiter {
    private static final long RUNNING = Long.MIN_VALUE;

    private final ConcurrentHashMap<String, ArrayDeque<Long>> windows = new ConcurrentHashMap<>();
    private final long windowNanos;
    private final AtomicLong offsetNanos = new AtomicLong();
    /** RUNNING, or the frozen reading of the clock. */
    private final AtomicLong frozenAt = new AtomicLong(RUNNING);

    RateLimiter(Duration window) {
        this.windowNanos = window.toNanos();
    }

    /**
     * @return 0 when accepted (and counted), otherwise the seconds (&gt;= 1) until the oldest counted request
     * leaves the window.
     */
    long tryAcquire(String credential, int limit) {
        ArrayDeque<Long> q = windows.computeIfAbsent(credential, k -> new ArrayDeque<>());
        synchronized (q) {
            long now = nanos();
            long cutoff = now - windowNanos;
            while (!q.isEmpty() && q.peekFirst() - cutoff <= 0) {
                q.pollFirst();
            }
            if (q.size() >= limit) {
                long waitNanos = q.peekFirst() + windowNanos - now;
                return Math.max(1L, (waitNanos + 999_999_999L) / 1_000_000_000L);
            }
            q.addLast(now);
            return 0;
        }
    }

    void reset() {
        windows.clear();
    }

    synchronized void freeze() {
        frozenAt.compareAndSet(RUNNING, System.nanoTime() + offsetNanos.get());
    }

    synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a monotonic clock only moves forward");
        }
        long frozen = frozenAt.get();
        if (frozen != RUNNING) {
            frozenAt.set(frozen + d.toNanos());
        } else {
            offsetNanos.addAndGet(d.toNanos());
        }
    }

    private long nanos() {
        long frozen = frozenAt.get();
        return frozen != RUNNING ? frozen : System.nanoTime() + offsetNanos.get();
    }
}
