package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.sim.Fault;
import io.kitbridge.sim.FaultKind;
import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.TestClock;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases and recovery. Every invocation here does exactly one unit of work (max-units-per-invocation 1), so runs
 * span a known number of invocations and the lease is contended at every step. Leases keep their production
 * lifetime; a test lets one expire by moving the application's {@link TestClock}, never by sleeping.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "60000"), // a permit every ~1 ms: no invocation ever waits for one, so invocation n is unit n
        @ResourceArg(name = "kitbridge.sync.max-units-per-invocation", value = "1"),
        // three subscriber pages of 400: as many pages as 3,000 people in pages of 1,000, a third of the writes
        @ResourceArg(name = "kitbridge.sync.page-size", value = "400"),
        @ResourceArg(name = "kitbridge.sync.error-backoff", value = "1s"),
        @ResourceArg(name = "kitbridge.kit.circuit-breaker.delay", value = "1s")})
class SyncRecoveryTest {
    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    SyncStateStore states;

    @Inject
    ConnectionStore connections;

    @Inject
    SyncConfig config;

    @Inject
    TestClock clock;

    /** Each test syncs its own account (same Kit key, same simulated data): leases and runs never leak between tests. */
    private String account(String name) {
        connections.putApiKey(name, KitWorld.API_KEY);
        return name;
    }

    private static String full(String account) {
        return "{\"account\":\"" + account + "\",\"mode\":\"full\"}";
    }

    @BeforeEach
    void seed() {
        world.kit().faults().clear();
        world.kit().admin().seed(new SeedSpec(1200, 3, List.of("company", "plan"), 11L));
        world.kit().log().clear();
    }

    @Test
    void should_turn_away_another_execution_but_let_a_retry_of_the_holder_back_in_when_the_lease_is_held() {
        // GIVEN execution A holds the account's sync lease (its first invocation did one unit)
        String account = account("leased");
        Map<String, Object> a1 = Map.of("account", account, "mode", "full", "execution", "exec-A");
        Response first = Lambda.invoke(a1);
        assertEquals(200, first.statusCode(), first.asString());
        assertFalse(first.jsonPath().getBoolean("done"));
        int requests = world.kit().log().size();
        // WHEN execution B starts for the same account
        Response other = Lambda.invoke(Map.of("account", account, "mode", "full", "execution", "exec-B"));
        // THEN B exits done at once with the reason, without touching Kit
        assertTrue(other.jsonPath().getBoolean("done"), other.asString());
        assertEquals("skipped", other.jsonPath().getString("outcome"));
        assertTrue(other.jsonPath().getString("reason").contains("exec-A"), other.asString());
        assertEquals(requests, world.kit().log().size());
        // AND a Step Functions retry of A's lost invocation (same input) re-enters A's lease and run
        Response retry = Lambda.invoke(a1);
        assertFalse(retry.jsonPath().getBoolean("done"), retry.asString());
        assertEquals("running", retry.jsonPath().getString("outcome"));
        assertEquals(first.jsonPath().getString("runId"), retry.jsonPath().getString("runId"));
        // AND A, driven to the end, completes the mirror
        Map<String, Object> next = new HashMap<>(retry.jsonPath().getMap(""));
        for (int i = 0; i < 500 && !Boolean.TRUE.equals(next.get("done")); i++) {
            next.put("execution", "exec-A");
            next = new HashMap<>(Lambda.invoke(next).jsonPath().getMap(""));
        }
        assertEquals("completed", next.get("outcome"), next.toString());
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
    }

    @Test
    void should_let_one_of_two_concurrent_executions_proceed_and_the_other_exit() {
        // GIVEN two executions of the state machine started at the same time for one account
        String account = account("raced");
        LocalStateMachine.Run one = LocalStateMachine.start(full(account), "race-1", "--wait-scale", "0.02", "--retry-ms", "20");
        LocalStateMachine.Run two = LocalStateMachine.start(full(account), "race-2", "--wait-scale", "0.02", "--retry-ms", "20");
        // WHEN both finish
        List<JsonNode> outputs = Stream.of(one.await(300), two.await(300)).map(r -> {
            assertEquals("SUCCEEDED", r.path("status").asText(), r.toString());
            return r.path("output");
        }).toList();
        // THEN one completed the sync and the other exited at once, saying why
        List<String> outcomes = outputs.stream().map(o -> o.path("outcome").asText()).sorted().toList();
        assertEquals(List.of("completed", "skipped"), outcomes, outputs.toString());
        JsonNode skipped = outputs.stream().filter(o -> o.path("outcome").asText().equals("skipped")).findFirst().orElseThrow();
        assertTrue(skipped.path("reason").asText().contains("lease held by"), skipped.toString());
        assertEquals(1, skipped.path("loops").asInt(), "the turned-away execution made one invocation");
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
        assertEquals(0, world.kit().admin().rateLimited429s());
    }

    @Test
    void should_resume_from_the_stored_cursor_without_loss_or_duplicates_when_invocations_fail_mid_run() {
        // GIVEN Kit faults mid-run (a malformed page, a 503 burst longer than the gateway's retries) and the
        // Lambda layer failing: outputs lost after the function ran (invocations 4 and 9), a failure before (6)
        String account = account("faulty");
        world.kit().faults().inject(Fault.once("GET", "/v4/subscribers", FaultKind.MALFORMED_JSON, 0));
        world.kit().faults().inject(Fault.times("GET", "/v4/tags", FaultKind.STATUS, 503, 5));
        // WHEN a full sync runs through the state machine
        JsonNode run = LocalStateMachine.run(full(account), "faulty", "--wait-scale", "0.02", "--retry-ms", "20",
                "--lose-output-at", "4,9", "--fail-at", "6");
        // THEN it completed, Step Functions retried the failed Tasks (lost outputs, the failure before the call), the
        // function backed off from the malformed page and the 503 burst itself, and every fault was hit
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        assertEquals("completed", run.path("output").path("outcome").asText());
        assertTrue(run.path("retries").asInt() >= 3, run.toString());
        assertEquals(List.of(), world.kit().faults().active());
        assertTrue(run.path("output").path("stats").path("transientErrors").asLong() >= 2, run.toString());
        // AND no page was skipped and none read twice except the malformed one
        List<RecordedRequest> pages = world.kit().log().matching("GET", "/v4/subscribers");
        List<String> cursors = pages.stream().map(r -> after(r.query())).toList();
        assertEquals(cursors.stream().distinct().count() + 1, cursors.size(), cursors.toString());
        assertEquals(3, cursors.stream().distinct().count(), cursors.toString());
        // AND the mirror holds every subscriber exactly as Kit has it, nobody lost or duplicated
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
        assertEquals(0, world.kit().admin().violations());
    }

    @Test
    void should_resume_a_killed_run_from_its_stored_cursor_once_the_crashed_holders_lease_expires() {
        // guards: the lease expiry was waited for with an 8.1 s sleep against an 8 s lease (a race with wall time)
        // GIVEN a full sync whose execution is killed mid-run (after its tag catalog and first subscriber page)
        String account = account("killed");
        JsonNode killed = LocalStateMachine.run(full(account), "killed", "--wait-scale", "0.02", "--retry-ms", "20",
                "--kill-at", "4");
        assertEquals("ABORTED", killed.path("status").asText(), killed.toString());
        SyncState left = states.load(account).orElseThrow();
        assertEquals(SyncPhase.PAGES, left.phase, "killed inside the subscriber pages");
        assertNotNull(left.cursor);
        int requestsBefore = world.kit().log().size();
        // WHEN a new execution starts at once, the crashed holder's lease still turns it away
        Response early = Lambda.invoke(Map.of("account", account, "mode", "full", "execution", "exec-early"));
        assertEquals("skipped", early.jsonPath().getString("outcome"), early.asString());
        // AND once the crashed holder's lease has expired (the clock moves past its lifetime)
        clock.advance(config.leaseTtl().plusSeconds(1));
        // WHEN a new execution starts, it takes over the unfinished run
        JsonNode resumed = LocalStateMachine.run(full(account), "resumed", "--wait-scale", "0.02", "--retry-ms", "20");
        // THEN it completed the same run, continuing from the stored cursor rather than the first page
        assertEquals("SUCCEEDED", resumed.path("status").asText(), resumed.toString());
        JsonNode output = resumed.path("output");
        assertEquals(left.runId, output.path("runId").asText());
        assertEquals(1, output.path("stats").path("resumed").asLong());
        List<RecordedRequest> after = world.kit().log().all().subList(requestsBefore, world.kit().log().size());
        RecordedRequest firstPage = after.stream().filter(r -> r.path().equals("/v4/subscribers")).findFirst().orElseThrow();
        assertEquals(left.cursor, after(firstPage.query()));
        assertTrue(after.stream().noneMatch(r -> r.path().startsWith("/v4/tags")), "the tag catalog was not read again");
        List<String> cursors = world.kit().log().matching("GET", "/v4/subscribers").stream().map(r -> after(r.query())).toList();
        assertEquals(cursors.size(), cursors.stream().distinct().count(), "no page read twice: " + cursors);
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
    }

    private static String after(String query) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("after=")) {
                return java.net.URLDecoder.decode(part.substring(6), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
