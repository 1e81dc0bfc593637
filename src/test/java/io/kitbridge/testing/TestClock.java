package io.kitbridge.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's clock in every {@code @QuarkusTest} (it replaces io.kitbridge.common.ClockProducer's): real
 * UTC time plus an offset a test moves forward, so leases, TTLs and windows expire when the test says, not after a
 * sleep. It can also be frozen, so a test counts permits at one instant however slow the machine is. Each
 * application start gets a fresh instance (offset 0, running), so a test class never inherits another's time.
 */
@Alternative
@Priority(1)
@Singleton
public class TestClock extends Clock {
    private static volatile TestClock current;

    private final AtomicLong offsetMillis = new AtomicLong();
    /** Long.MIN_VALUE while running; otherwise the frozen epoch millis. */
    private final AtomicLong frozenAt = new AtomicLong(Long.MIN_VALUE);

    public TestClock() {
        current = this;
    }

    /** The running application's clock, for test helpers that are not CDI beans. */
    public static TestClock current() {
        TestClock clock = current;
        if (clock == null) {
            throw new IllegalStateException("no Quarkus test application has started its TestClock yet");
        }
        return clock;
    }

    @Override
    public long millis() {
        long frozen = frozenAt.get();
        return frozen != Long.MIN_VALUE ? frozen : System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        TestClock self = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return self.instant();
            }

            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }
        };
    }

    /** Moves "now" forward (never back: budgets and leases assume time is monotonic). */
    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        long frozen = frozenAt.get();
        if (frozen != Long.MIN_VALUE) {
            frozenAt.set(frozen + d.toMillis());
        } else {
            offsetMillis.addAndGet(d.toMillis());
        }
    }

    /** Stops the clock at the current instant until {@link #resume()}. */
    public synchronized void freeze() {
        frozenAt.compareAndSet(Long.MIN_VALUE, System.currentTimeMillis() + offsetMillis.get());
    }

    /** Lets the clock run again from where it stood (so it never jumps back). */
    public synchronized void resume() {
        long frozen = frozenAt.getAndSet(Long.MIN_VALUE);
        if (frozen != Long.MIN_VALUE) {
            offsetMillis.set(frozen - System.currentTimeMillis());
        }
    }

    /** Back to real time, running (a test that moved the clock calls this when done). */
    public synchronized void reset() {
        frozenAt.set(Long.MIN_VALUE);
        offsetMillis.set(0);
    }
}
