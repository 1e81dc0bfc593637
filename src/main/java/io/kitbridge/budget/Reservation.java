package io.kitbridge.budget;

import java.time.Clock;
import java.util.function.LongConsumer;

/**
 * Permits reserved together ({@link RateBudget#reserve}), each to be used at its own time, in order. A permit whose
 * time passed more than half the budget's safety margin ago is given up with the rest: the margin covers the
 * spread between a grant and Kit's receipt, and a late request must stay inside it. Giving a permit up wastes it
 * (the budget counted it) and never lets a request through early.
 */
public final class Reservation {
    private final long[] times;
    private final long lateMillis;
    private final Clock clock;
    private final LongConsumer sleep;
    private final LongConsumer granted;
    private int used;

    Reservation(long[] times, long lateMillis, Clock clock, LongConsumer sleep, LongConsumer granted) {
        this.times = times.clone();
        this.lateMillis = lateMillis;
        this.clock = clock;
        this.sleep = sleep;
        this.granted = granted;
    }

    /** Waits until the next reserved permit may be used and takes it; false when none is left or it is too late. */
    public boolean take() {
        if (used >= times.length) {
            return false;
        }
        long at = times[used];
        long now = clock.millis();
        if (now - at > lateMillis) {
            used = times.length;
            return false;
        }
        if (at > now) {
            sleep.accept(at - now);
        }
        used++;
        granted.accept(Math.max(0, at - now));
        return true;
    }

    /** Permits not taken yet. */
    public int left() {
        return times.length - used;
    }
}
