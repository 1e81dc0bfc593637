package io.kitbridge.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The schedule itself, exhaustively over random arrival patterns (no I/O). */
class GcraTest {

    @Test
    void should_never_grant_more_than_limit_in_any_window_plus_margin_when_arrivals_are_random() {
        // GIVEN Kit's API-key limit and a 1 s safety margin
        long window = 60_000;
        long margin = 1_000;
        int limit = 120;
        Gcra gcra = new Gcra(window, margin, limit, 2, 0.2);
        Random random = new Random(1);
        for (int run = 0; run < 50; run++) {
            BudgetState s = BudgetState.EMPTY;
            long now = 0;
            List<Long> grants = new ArrayList<>();
            // WHEN callers of both priorities arrive at random and take the earliest slot offered
            for (int i = 0; i < 2_000; i++) {
                now += random.nextInt(400);
                Priority p = random.nextBoolean() ? Priority.BULK : Priority.INTERACTIVE;
                long at = gcra.earliest(s, p, now);
                s = gcra.grant(s, p, at);
                grants.add(at);
            }
            grants.sort(Long::compare);
            // THEN no interval of window + margin holds more than the limit
            int lo = 0;
            for (int hi = 0; hi < grants.size(); hi++) {
                while (grants.get(hi) - grants.get(lo) > window + margin) {
                    lo++;
                }
                assertTrue(hi - lo + 1 <= limit, "run " + run + ": " + (hi - lo + 1) + " grants within " + (window + margin) + " ms");
            }
        }
    }

    @Test
    void should_leave_reserve_to_interactive_when_only_bulk_asks() {
        // GIVEN only bulk demand, far above the limit
        Gcra gcra = new Gcra(60_000, 1_000, 120, 2, 0.2);
        BudgetState s = BudgetState.EMPTY;
        int granted = 0;
        for (long now = 0; now < 600_000; now += 10) {
            long at = gcra.earliest(s, Priority.BULK, now);
            if (at <= now) {
                s = gcra.grant(s, Priority.BULK, at);
                granted++;
            }
        }
        // THEN bulk got at most (1 - reserve) of the sustainable rate over ten windows
        double perWindow = granted / 10.0;
        assertTrue(perWindow <= 0.8 * gcra.sustainedPerWindow(60_000) + 3, "bulk per window " + perWindow);
        assertTrue(perWindow >= 0.75 * gcra.sustainedPerWindow(60_000), "bulk per window " + perWindow);
    }

    @Test
    void should_grant_only_the_burst_plus_one_at_an_instant_however_long_the_budget_was_idle() {
        // GIVEN a schedule last used an hour ago
        Gcra gcra = new Gcra(60_000, 1_000, 600, 2, 0.2);
        BudgetState s = gcra.grant(BudgetState.EMPTY, Priority.INTERACTIVE, 0);
        long now = 3_600_000;
        // WHEN callers take every permit available at one instant
        int granted = 0;
        while (gcra.earliest(s, Priority.INTERACTIVE, now) <= now && granted < 100) {
            s = gcra.grant(s, Priority.INTERACTIVE, now);
            granted++;
        }
        // THEN idle time buys no credit beyond the burst: a window's limit never arrives at once
        assertEquals(3, granted);
        assertEquals(gcra.intervalMillis(), gcra.earliest(s, Priority.INTERACTIVE, now) - now);
    }

    @Test
    void should_grant_one_permit_per_interval_when_time_advances_in_steps_shorter_than_the_burst() {
        // GIVEN a drained schedule (Kit's OAuth limit: a permit every ~100 ms) and 25 ms steps for one second
        Gcra gcra = new Gcra(60_000, 1_000, 600, 2, 0.2);
        BudgetState s = BudgetState.EMPTY;
        long now = 0;
        while (gcra.earliest(s, Priority.INTERACTIVE, now) <= now) {
            s = gcra.grant(s, Priority.INTERACTIVE, now);
        }
        int granted = 0;
        // WHEN at every step callers take what is available
        for (int step = 0; step < 40; step++) {
            now += 25;
            while (gcra.earliest(s, Priority.INTERACTIVE, now) <= now) {
                s = gcra.grant(s, Priority.INTERACTIVE, now);
                granted++;
            }
        }
        // THEN they got exactly the schedule's rate, give or take the phase of the first slot
        long perSecond = 1_000 / gcra.intervalMillis();
        assertTrue(granted >= perSecond && granted <= perSecond + 1, granted + " permits at one per "
                + gcra.intervalMillis() + " ms");
    }

    @Test
    void should_sustain_at_least_ninety_percent_of_kits_limit() {
        assertTrue(new Gcra(60_000, 1_000, 120, 2, 0.2).sustainedPerWindow(60_000) >= 108);
        assertTrue(new Gcra(60_000, 1_000, 600, 2, 0.2).sustainedPerWindow(60_000) >= 540);
        assertEquals(522, new Gcra(60_000, 1_000, 120, 2, 0.2).intervalMillis());
    }
}
