package io.kitbridge.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The README's first command, in a small configuration: the whole main job runs to its summary. */
class LocalRunIT {

    @Test
    void should_run_the_main_job_to_its_summary_when_the_account_is_small() throws Exception {
        // GIVEN 2,000 simulated subscribers (two full pages: the job's steps, not the volume, are the subject) and a
        // budget far above the sync's demand (6000/min: a permit every 10 ms), so the run is not spent in one-second
        // Wait states; budget-bound syncs are SyncFunctionTest's subject
        try (LocalRun run = new LocalRun(LocalRun.Options.parse(new String[] {"--subscribers", "2000", "--limit", "6000"}))) {
            // WHEN the main job runs: setup, full sync, provision/deprovision, webhooks, incremental sync
            int status = run.run();
            // THEN it succeeds, the mirror holds every subscriber Kit has, and Kit never throttled us
            assertEquals(0, status);
            assertEquals(run.kit().admin().subscriberCount(), run.mirrorSize(), "mirror size vs Kit");
            assertEquals(0, run.kit().admin().violations(), "rate-limit violations");
            assertEquals(0, run.kit().admin().rateLimited429s(), "429s");
            assertTrue(run.kit().admin().deliveries().stream().anyMatch(d -> d.status() == 200), "webhooks delivered");
        }
    }
}
