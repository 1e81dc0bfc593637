package io.kitbridge.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import io.kitbridge.common.Deadline;
import io.kitbridge.common.Deadlines;
import io.quarkus.test.junit.QuarkusMock;

/**
 * A clock driven by a count, not by wall time: {@code count × each} after the epoch. Tests give deadlines this clock
 * with the simulator's request count, so every Kit request costs the invocation a fixed, known amount of time.
 */
public final class CountingClock extends UtcClock {
    private final LongSupplier count;
    private final Duration each;

    public CountingClock(LongSupplier count, Duration each) {
        this.count = count;
        this.each = each;
    }

    /** For the current test: every invocation's deadline runs on a clock advancing {@code each} per count. */
    public static void driveDeadlines(LongSupplier count, Duration each) {
        Clock clock = new CountingClock(count, each);
        QuarkusMock.installMockForType(new Deadlines() {
            @Override
            public Deadline start(Duration budget) {
                return Deadline.after(clock, budget);
            }
        }, Deadlines.class);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(count.getAsLong() * each.toMillis());
    }
}
