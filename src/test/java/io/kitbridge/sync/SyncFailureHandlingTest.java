package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.sim.Fault;
import io.kitbridge.sim.FaultKind;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the REAL state machine (infra/statemachine/sync.asl.json, aws-local-stepfunctions) ends a sync: permanent
 * failures end in Fail with the kitbridge type after the lease was released, transient ones are retried,
 * continue-as-new cannot start two executions, and a full run turned away by an incremental one is not lost.
 * Every invocation does one unit of work (max-units-per-invocation 1) and an execution makes at most 3 invocations,
 * so each run hands over several times; a transient Kit failure is thrown at once (max-consecutive-errors 0).
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "6000"),
        // one unit per invocation by count: a 1 ms time budget also gave every DynamoDB call only its 100 ms floor
        @ResourceArg(name = "kitbridge.sync.max-units-per-invocation", value = "1"),
        // three subscriber pages of 400: as many pages as 2,500 people in pages of 1,000, half the writes
        @ResourceArg(name = "kitbridge.sync.page-size", value = "400"),
        @ResourceArg(name = "kitbridge.sync.max-invocations-per-execution", value = "3"),
        @ResourceArg(name = "kitbridge.sync.max-consecutive-errors", value = "0"),
        @ResourceArg(name = "kitbridge.sync.full-retries", value = "1000"),
        @ResourceArg(name = "kitbridge.kit.circuit-breaker.delay", value = "1s")})
class SyncFailureHandlingTest {
    static final String[] QUICK = {"--wait-ms", "10", "--retry-ms", "20"};

    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    SyncStateStore states;

    @Inject
    ControlStore control;

    @Inject
    ConnectionStore connections;

    @Inject
    SyncMetrics metrics;

    /** Each test syncs its own account (same Kit key and data): leases and runs never leak between tests. */
    private String account(String name) {
        connections.putApiKey(name, KitWorld.API_KEY);
        return name;
    }

    private static String input(String account, String mode) {
        return "{\"account\":\"" + account + "\",\"mode\":\"" + mode + "\"}";
    }

    private static String[] options(String... extra) {
        String[] all = new String[QUICK.length + extra.length];
        System.arraycopy(QUICK, 0, all, 0, QUICK.length);
        System.arraycopy(extra, 0, all, QUICK.length, extra.length);
        return all;
    }

    private boolean leaseHeld(String account) {
        return control.get(SyncStateStore.accountPk(account), SyncItems.LEASE).isPresent();
    }

    @BeforeEach
    void seed() {
        world.kit().faults().clear();
        world.kit().admin().seed(new SeedSpec(1200, 2, List.of("plan"), 5L));
        world.kit().log().clear();
    }

    @Test
    void should_end_in_fail_with_the_type_release_the_lease_and_let_a_new_sync_start_when_kit_refuses_permanently() {
        // GIVEN Kit refuses the subscriber list with 403 (the key lost a permission)
        String account = account("forbidden");
        world.kit().faults().inject(Fault.always("GET", "/v4/subscribers", FaultKind.STATUS, 403));
        // WHEN a full sync runs through the state machine
        JsonNode failed = LocalStateMachine.run(input(account, "full"), "forbidden-1", options());
        // THEN the execution ends in Fail whose Error and Cause are the kitbridge type and message, without retries
        assertEquals("FAILED", failed.path("status").asText(), failed.toString());
        assertEquals("KitForbidden", failed.path("error").path("name").asText(), failed.toString());
        assertTrue(failed.path("error").path("message").asText().startsWith("KitForbidden: Kit answered 403"), failed.toString());
        assertEquals(1, failed.path("lambdaErrors").asInt(), "a permanent error is not retried: " + failed);
        assertEquals(1, failed.path("releaseCalls").asInt(), failed.toString());
        // AND the lease is free and the failed run will not be resumed
        assertTrue(!leaseHeld(account), "lease released");
        SyncState dropped = states.load(account).orElseThrow();
        assertEquals("KitForbidden", dropped.failedWith);
        // WHEN Kit accepts the key again and a new sync starts at once
        world.kit().faults().clear();
        JsonNode next = LocalStateMachine.run(input(account, "full"), "forbidden-2", options());
        // THEN it runs (a new run, from the first page) and completes
        assertEquals("SUCCEEDED", next.path("status").asText(), next.toString());
        assertEquals("completed", next.path("output").path("outcome").asText(), next.toString());
        assertNotEquals(dropped.runId, next.path("output").path("runId").asText());
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
    }

    @Test
    void should_end_in_fail_with_invalid_input_when_the_execution_input_is_bad() {
        // GIVEN an execution started with an account name that is not one
        // WHEN it runs
        JsonNode failed = LocalStateMachine.run("{\"account\":\"no such account!\",\"mode\":\"full\"}", "bad-input", options());
        // THEN it fails at once with InvalidInput naming the field
        assertEquals("FAILED", failed.path("status").asText(), failed.toString());
        assertEquals("InvalidInput", failed.path("error").path("name").asText(), failed.toString());
        assertTrue(failed.path("error").path("message").asText().startsWith("InvalidInput: account"), failed.toString());
        assertEquals(1, failed.path("invocations").asInt(), failed.toString());
    }

    @Test
    void should_retry_a_thrown_transient_failure_and_complete_when_kit_recovers() {
        // GIVEN Kit answers 503 to more subscriber-page requests in a row than the gateway retries (1 + 3)
        String account = account("flaky");
        world.kit().faults().inject(Fault.times("GET", "/v4/subscribers", FaultKind.STATUS, 503, 4));
        // WHEN a full sync runs through the state machine
        JsonNode run = LocalStateMachine.run(input(account, "full"), "flaky", options());
        // THEN sync-page threw KitUnavailable, Step Functions retried the same call, and the run completed
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        assertEquals("completed", run.path("output").path("outcome").asText());
        assertTrue(run.path("lambdaErrors").asInt() >= 1, run.toString());
        assertTrue(run.path("retries").asInt() >= 1, run.toString());
        assertEquals(0, run.path("releaseCalls").asInt(), run.toString());
        assertEquals(List.of(), world.kit().faults().active());
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
    }

    @Test
    void should_start_exactly_one_next_execution_when_the_continue_as_new_response_is_lost() {
        // GIVEN the response of the first continue-as-new StartExecution is lost (the execution did start)
        String account = account("handover");
        // WHEN a full sync runs through the state machine and Step Functions retries that StartExecution
        JsonNode run = LocalStateMachine.run(input(account, "full"), "handover", options("--lose-start-response-at", "1"));
        // THEN the retried start, same name and input, answered the execution already started: one per handover
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        assertEquals("completed", run.path("output").path("outcome").asText());
        int executions = run.path("executions").size();
        assertTrue(executions > 2, run.toString());
        assertEquals(executions, run.path("startCalls").asInt(), "one start per handover plus the retried one: " + run);
        assertEquals(1, run.path("startsAnsweredWithExisting").asInt(), run.toString());
        Set<String> names = new HashSet<>();
        run.path("executions").forEach(e -> names.add(e.path("name").asText()));
        assertEquals(executions, names.size(), "no execution ran twice: " + names);
        run.path("executions").forEach(e -> assertTrue(e.path("name").asText().equals("handover")
                || e.path("name").asText().matches("sync-handover-[0-9a-f]{12}-\\d+"), e.toString()));
        assertTrue(!leaseHeld(account));
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
    }

    @Test
    void should_ask_again_and_run_a_full_sync_turned_away_by_an_incremental_one_once_the_lease_is_free()
            throws Exception {
        // GIVEN an incremental sync of the account holds the lease
        String account = account("fullwaits");
        String pk = SyncStateStore.accountPk(account);
        assertTrue(control.acquireLease(pk, SyncItems.LEASE, "incremental-holder", Duration.ofMinutes(15),
                SyncItems.leaseAttributes(SyncMode.INCREMENTAL)));
        long skippedBefore = metrics.skippedCount();
        // WHEN the daily full sync starts
        LocalStateMachine.Run run = LocalStateMachine.start(input(account, "full"), "daily-full", QUICK);
        // THEN it is turned away (outcome skipped, counted) but keeps asking; once the incremental run ends ...
        for (int i = 0; i < 6000 && metrics.skippedCount() == skippedBefore; i++) {
            Thread.sleep(10);
        }
        assertTrue(metrics.skippedCount() > skippedBefore, "the full run was turned away");
        assertTrue(control.releaseLease(pk, SyncItems.LEASE, "incremental-holder"));
        JsonNode done = run.await(300);
        // ... it runs and completes: the full run was delayed, not lost
        assertEquals("SUCCEEDED", done.path("status").asText(), done.toString());
        assertEquals("completed", done.path("output").path("outcome").asText(), done.toString());
        assertEquals("full", done.path("output").path("mode").asText());
        assertTrue(done.path("waits").asInt() >= 1, done.toString());
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
    }

    @Test
    void should_fail_with_sync_skipped_when_a_full_run_never_gets_the_lease_and_end_an_incremental_one_as_skipped() {
        // GIVEN an incremental sync holds the lease
        String account = account("fullgivesup");
        String pk = SyncStateStore.accountPk(account);
        assertTrue(control.acquireLease(pk, SyncItems.LEASE, "incremental-holder", Duration.ofMinutes(15),
                SyncItems.leaseAttributes(SyncMode.INCREMENTAL)));
        // WHEN another incremental run starts
        JsonNode incremental = LocalStateMachine.run(input(account, "incremental"), "hourly", QUICK);
        // THEN it ends Succeeded with outcome skipped and the reason
        assertEquals("SUCCEEDED", incremental.path("status").asText(), incremental.toString());
        assertEquals("skipped", incremental.path("output").path("outcome").asText());
        assertTrue(incremental.path("output").path("reason").asText().contains("incremental-holder"), incremental.toString());
        // WHEN a full run has already asked full-retries (1000) times (its input says so) and is turned away again
        String execution = "arn:aws:states:local:000000000000:execution:kitbridge-sync:daily-full-last";
        JsonNode full = LocalStateMachine.run("{\"account\":\"" + account + "\",\"mode\":\"full\",\"syncId\":\"" + execution
                + "\",\"loops\":1000,\"loopExecution\":\"" + execution + "\"}", "daily-full-last", QUICK);
        // THEN it ends in Fail SyncSkipped (SyncFailures alarms), and the holder keeps its lease
        assertEquals("FAILED", full.path("status").asText(), full.toString());
        assertEquals("SyncSkipped", full.path("error").path("name").asText(), full.toString());
        assertTrue(full.path("error").path("message").asText().contains("gave up"), full.toString());
        assertEquals("incremental-holder", control.get(pk, SyncItems.LEASE)
                .map(item -> Items.strOr(item, ControlStore.OWNER, "?")).orElse("none"));
    }

    @Test
    void should_report_the_kitbridge_type_when_step_functions_passes_a_lambda_error_body_as_cause() {
        // GIVEN the clean-up call as real Step Functions makes it: Cause is the Lambda error body as a JSON string,
        // and (a runtime that reported its wrapper class) Error is not ours
        String account = account("cleanup");
        String cause = "{\"errorType\":\"io.quarkus.funqy.runtime.ApplicationException\",\"errorMessage\":"
                + "\"io.kitbridge.errors.KitForbidden: KitForbidden: Kit answered 403\"}";
        // WHEN sync-page is called with that failure
        io.restassured.response.Response r = io.kitbridge.testing.Lambda.invoke(Map.of("account", account, "mode", "full",
                "execution", "exec-x", "failure", Map.of("Error", "io.quarkus.funqy.runtime.ApplicationException", "Cause", cause)));
        // THEN it answers the type and the message for the Fail state
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("failed", r.jsonPath().getString("outcome"));
        assertEquals("KitForbidden", r.jsonPath().getString("error"));
        assertEquals("KitForbidden: Kit answered 403", r.jsonPath().getString("reason"));
    }
}
