package io.kitbridge.common;

import java.time.Clock;
import java.time.Duration;

/**
 * When an invocation must have answered. Funqy's Lambda binding does not hand the Lambda context to a function
 * (quarkus-funqy-amazon-lambda dispatches the input without it), so, as sync-page's {@code max-invocation-time},
 * the deadline is a configured time budget kept under the function's Timeout, measured from the start of the
 * invocation on the injected clock (tests can drive it).
 */
public final class Deadline {
    private final Clock clock;
    private final long endMillis;

    private Deadline(Clock clock, long endMillis) {
        this.clock = clock;
        this.endMillis = endMillis;
    }

    public static Deadline after(Clock clock, Duration budget) {
        return new Deadline(clock, clock.millis() + budget.toMillis());
    }

    /** Now, on the clock this deadline is measured with (measure work with it too). */
    public long nowMillis() {
        return clock.millis();
    }

    public Duration remaining() {
        return Duration.ofMillis(Math.max(0, endMillis - clock.millis()));
    }

    /** True when the time left covers {@code work} plus {@code margin}. */
    public boolean covers(Duration work, Duration margin) {
        return endMillis - clock.millis() >= work.toMillis() + margin.toMillis();
    }
}
