package io.kitbridge.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's clock in tests: real time plus an offset a test moves by hand, so leases, windows and deadlines
 * are driven deterministically (no sleeping against them). Replaces io.kitbridge.common.ClockProducer's clock in
 * every @QuarkusTest; a test that moves it calls {@link #reset()} when done.
 */
public final class TestClock extends Clock {
    public static final TestClock INSTANCE = new TestClock();

    private final AtomicLong offsetMillis = new AtomicLong();

    private TestClock() {
    }

    /** Moves the application's "now" forward (or back, with a negative duration). */
    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    public void reset() {
        offsetMillis.set(0);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    /** CDI: this clock instead of the system clock, for the whole test application. */
    public static final class Producer {
        @Produces
        @Singleton
        @Alternative
        @Priority(1)
        Clock clock() {
            return INSTANCE;
        }
    }
}
