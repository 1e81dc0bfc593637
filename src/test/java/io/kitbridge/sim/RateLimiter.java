package io.kitbridge.sim;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/** Strict per-credential sliding-window limiter on a monotonic clock. Only accepted requests are counted. */
final class RateLimiter {
    private final ConcurrentHashMap<String, ArrayDeque<Long>> windows = new ConcurrentHashMap<>();
    private final long windowNanos;

    RateLimiter(java.time.Duration window) {
        this.windowNanos = window.toNanos();
    }

    /**
     * @return 0 when accepted (and counted), otherwise the seconds (&gt;= 1) until the oldest counted request
     * leaves the window.
     */
    long tryAcquire(String credential, int limit) {
        ArrayDeque<Long> q = windows.computeIfAbsent(credential, k -> new ArrayDeque<>());
        synchronized (q) {
            long now = System.nanoTime();
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
}
