package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The output built by name (issue 12: it was a 16-field positional record with runs of nulls at call sites). */
class SyncPageOutputTest {
    @Test
    void should_continue_as_new_only_when_a_next_execution_name_is_given() {
        // GIVEN / WHEN
        SyncPageOutput stay = SyncPageOutput.of("a", "full", "sync-1", SyncPageOutput.RUNNING, "budget")
                .run("run-1", "pages", Map.of("pages", 3L)).waitSeconds(2).loops(4, "exec-1").build();
        SyncPageOutput handOver = SyncPageOutput.of("a", "full", "sync-1", SyncPageOutput.RUNNING, "budget")
                .run("run-1", "pages", Map.of()).loops(90, "exec-1").continueAsNew("sync-a-x-91").build();
        // THEN
        assertFalse(stay.continueAsNew());
        assertNull(stay.nextExecutionName());
        assertEquals(2, stay.waitSeconds());
        assertEquals(Map.of("pages", 3L), stay.stats());
        assertEquals("exec-1", stay.loopExecution());
        assertTrue(handOver.continueAsNew());
        assertEquals("sync-a-x-91", handOver.nextExecutionName());
    }

    @Test
    void should_carry_no_run_stats_or_drift_when_a_skipped_or_failed_output_is_built() {
        // GIVEN / WHEN
        SyncPageOutput failed = SyncPageOutput.of("a", "full", "sync-1", SyncPageOutput.FAILED, "gone").done(true)
                .error("SyncDataExpired").build();
        // THEN
        assertTrue(failed.done());
        assertNull(failed.runId());
        assertEquals(Map.of(), failed.stats());
        assertEquals(List.of(), failed.drift());
        assertEquals("SyncDataExpired", failed.error());
    }
}
