package io.kitbridge.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** The simulator's wall clock: real time plus an offset moved by {@link SimAdmin#advanceClock(Duration)}. */
final class SimClock {
    private final AtomicLong offsetMillis = new AtomicLong();

    Instant now() {
        return Instant.ofEpochMilli(nowMillis());
    }

    long nowMillis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    long nowSeconds() {
        return Math.floorDiv(nowMillis(), 1000L);
    }

    void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }
}
