package io.kitbridge.budget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a person's permits reserved in one budget write (no I/O here: the schedule and the reservation's use,
 * on a clock the test moves).
 */
class ReservationTest {
    /** API key in ProvisionBatchStateMachineTest's world: 120 per 2 s window, 50 ms margin, burst 2. */
    private final Gcra gcra = new Gcra(2_000, 50, 120, 2, 0.2);

    @Test
    void should_schedule_the_slots_single_permits_would_get_when_three_are_reserved_at_once() {
        // GIVEN a budget some way into its burst
        BudgetState start = new BudgetState(10_050, 0, 0, 0, 7);
        // WHEN three permits are reserved together at t = 10,000
        long[] together = new long[3];
        BudgetState after = RateBudget.schedule(gcra, start, Priority.INTERACTIVE, 10_000, together);
        // THEN each slot is where three single permits, taken back to back, would have been granted
        BudgetState s = start;
        long[] single = new long[3];
        long t = 10_000;
        for (int i = 0; i < 3; i++) {
            single[i] = gcra.earliest(s, Priority.INTERACTIVE, t);
            s = gcra.grant(s, Priority.INTERACTIVE, single[i]);
            t = single[i];
        }
        assertArrayEquals(single, together);
        assertEquals(s.tat(), after.tat(), "the budget's state after them is the same");
        assertTrue(together[2] - together[0] >= gcra.intervalMillis(), "past the burst, slots are an interval apart");
    }

    @Test
    void should_wait_for_each_slot_and_give_up_the_rest_when_one_is_used_too_late() {
        // GIVEN three slots at 100, 120, 140 ms and a lateness bound of 25 ms (half a 50 ms margin)
        ManualClock clock = new ManualClock(Instant.ofEpochMilli(90));
        List<Long> slept = new ArrayList<>();
        Reservation r = new Reservation(new long[] {100, 120, 140}, 25, clock, ms -> {
            slept.add(ms);
            clock.advance(Duration.ofMillis(ms));
        }, waited -> { });
        // WHEN the first is taken early, the second on time, and the third 30 ms after its slot
        assertTrue(r.take());
        assertTrue(r.take());
        clock.set(Instant.ofEpochMilli(170));
        boolean third = r.take();
        // THEN the first two waited for their slots, and the late one was refused (the caller takes a fresh permit)
        assertEquals(List.of(10L, 20L), slept);
        assertFalse(third);
        assertEquals(0, r.left());
        assertFalse(r.take());
    }
}
