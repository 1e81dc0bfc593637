package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.sim.SimSubscriber;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.ClockWaits;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.TestClock;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * sync-page against a budget-bound world: Kit's 120 requests per window, with the window shortened to 30 s
 * (budget and simulator agree), so syncs wait for permits as they would in production, only twice as fast.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "120"),
        @ResourceArg(name = "window", value = "30"),
        // eight subscriber pages of 25: pages are written faster than permits come (a budget-bound run, as with
        // 1,000-person pages in production), with a tenth of the writes of the 2,000 people this test used to need
        @ResourceArg(name = "kitbridge.sync.page-size", value = "25")})
class SyncFunctionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    ConnectionStore connections;

    @Inject
    TestClock clock;

    @BeforeEach
    void seed() {
        world.kit().admin().seed(new SeedSpec(200, 10, List.of("company", "plan", "role"), 3L));
        world.kit().log().clear();
    }

    private String account(String name) {
        connections.putApiKey(name, KitWorld.API_KEY);
        return name;
    }

    private static JsonNode runFull(String account, String name) {
        return LocalStateMachine.run("{\"account\":\"" + account + "\",\"mode\":\"full\"}", name, "--wait-scale", "0.3",
                "--retry-ms", "50");
    }

    @Test
    void should_return_a_wait_instead_of_sleeping_and_continue_in_the_state_machine_when_permits_run_out() throws Exception {
        // guards: "the first invocation used only the burst" held only while each unit took under 312 ms; the
        // application's clock now stands still during that invocation, so no permit can come due inside it
        // GIVEN an account and a budget of 120 requests per 30 s (bulk may use 80%: a permit every 312 ms after a burst of 2)
        String account = account("budgeted");
        // WHEN sync-page is invoked directly
        Response first;
        clock.freeze();
        try {
            first = Lambda.invoke(Map.of("account", account, "mode", "full", "execution", "exec-direct"));
        } finally {
            clock.resume();
        }
        // THEN it used the burst, then handed the wait back instead of sleeping for a permit
        assertEquals(200, first.statusCode(), first.asString());
        assertFalse(first.jsonPath().getBoolean("done"));
        assertTrue(first.jsonPath().getString("reason").startsWith("rate budget"), first.asString());
        assertTrue(first.jsonPath().getInt("waitSeconds") <= 1, first.asString());
        assertTrue(world.kit().log().size() <= 3, "requests in the first invocation: " + world.kit().log().size());
        // AND WHEN the state machine goes on with that output (as a continued-as-new execution would), its Waits
        // passing on the application's clock, which otherwise stands still
        JsonNode run;
        int clockWaits;
        try (ClockWaits waits = ClockWaits.start(clock)) {
            run = LocalStateMachine.run(first.asString(), "budgeted", "--wait-url", waits.url(), "--retry-ms", "50");
            clockWaits = waits.count();
        }
        // THEN it inherited the lease, waited for permits through Wait states and mirrored the account, with no 429
        // (guards a test that raced page processing against the 312 ms permit interval: on a machine that processed
        // a page in more than 312 ms every permit was due and no Wait was ever taken)
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        assertEquals("completed", run.path("output").path("outcome").asText(), run.toString());
        assertEquals("exec-direct", run.path("output").path("syncId").asText());
        assertTrue(run.path("waits").asInt() > 0, run.toString());
        int waitedBeforeFirstCall = first.jsonPath().getInt("waitSeconds") > 0 ? 1 : 0;
        assertEquals(run.path("waits").asInt() + waitedBeforeFirstCall, clockWaits, "every wait passed on the clock");
        assertEquals(List.of(), MirrorMatch.differences(world.kit().admin(), mirror, account));
        assertEquals(0, world.kit().admin().rateLimited429s());
        assertEquals(0, world.kit().admin().violations());
    }

    @Test
    void should_mark_vanished_subscribers_missing_and_drop_removed_tags_when_a_full_sync_follows() {
        // GIVEN a mirrored account
        String account = account("vanishing");
        assertEquals("SUCCEEDED", runFull(account, "first").path("status").asText());
        // AND since then: tags removed in Kit (no webhook reached us), and a mirrored person Kit no longer lists
        SimAdmin sim = world.kit().admin();
        List<SimSubscriber> tagged = sim.allSubscribers().stream().filter(s -> !s.tagIds().isEmpty()).limit(5).toList();
        tagged.forEach(s -> s.tagIds().forEach(t -> sim.untag(s.id(), t)));
        mirror.put(new MirrorRecord(account, 9_999_999L, "ghost@example.com", "Ghost", "active", Map.of(), List.of("tag-01"),
                List.of(1L), 1_000L, MirrorRecord.SOURCE_SYNC, null, "old-run", 1_000L));
        // WHEN a full sync runs
        JsonNode run = runFull(account, "second");
        // THEN the removed tags are gone from the mirror and the vanished person is marked missing (and audited)
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        assertEquals(1, run.path("output").path("stats").path("missing").asLong(), run.toString());
        assertEquals(MirrorRecord.STATE_MISSING, mirror.get(account, 9_999_999L).orElseThrow().state());
        List<AuditEntry> history = mirror.history(account, "ghost@example.com", 5);
        assertEquals("sync.missing", history.get(0).action());
        tagged.forEach(s -> assertEquals(List.of(), mirror.get(account, s.id()).orElseThrow().tags()));
        assertEquals(List.of(), MirrorMatch.differences(sim, mirror, account));
        // AND only the five changed records were rewritten by the page pass
        assertEquals(5, run.path("output").path("stats").path("written").asLong(), run.toString());
    }

    @Test
    void should_report_drift_without_changing_kit_when_repair_is_off() {
        // GIVEN desired state recorded by provision: one person drifted in a field, one lacks a tag, one matches
        String account = account("drifting");
        SimAdmin sim = world.kit().admin();
        List<SimSubscriber> people = sim.allSubscribers().stream().filter(s -> "active".equals(s.state())).limit(3).toList();
        SimSubscriber fieldDrift = people.get(0);
        SimSubscriber tagDrift = people.get(1);
        SimSubscriber inSync = people.get(2);
        mirror.putDesired(account, fieldDrift.email(), Map.of("plan", "enterprise"), List.of());
        String missingTag = sim.tagIdsByName().entrySet().stream().filter(e -> !tagDrift.tagIds().contains(e.getValue()))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        mirror.putDesired(account, tagDrift.email(), Map.of(), List.of(missingTag));
        mirror.putDesired(account, inSync.email(), inSync.fields().get("plan") == null ? Map.of() : Map.of("plan",
                inSync.fields().get("plan")), List.of());
        mirror.putDesired(account, "never-provisioned@example.com", Map.of("plan", "x"), List.of());
        // WHEN a full sync runs
        JsonNode run = runFull(account, "drift");
        // THEN both drifts are reported and audited, the unknown person counted, and Kit was not changed
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        JsonNode stats = run.path("output").path("stats");
        assertEquals(2, stats.path("drifted").asLong(), stats.toString());
        assertEquals(1, stats.path("desiredUnmatched").asLong(), stats.toString());
        assertEquals(0, stats.path("repaired").asLong(), stats.toString());
        JsonNode drift = run.path("output").path("drift");
        assertEquals(2, drift.size(), drift.toString());
        assertTrue(drift.toString().contains("fields [plan]") && drift.toString().contains("missing tags [" + missingTag + "]"),
                drift.toString());
        assertEquals("detected", mirror.history(account, fieldDrift.email(), 1).get(0).outcome());
        assertEquals(List.of(), world.kit().log().mutating());
    }

    @Test
    void should_fail_with_typed_errors_naming_the_field_when_input_is_bad() {
        Response badMode = Lambda.invoke(Map.of("account", "default", "mode", "sideways"));
        assertEquals(500, badMode.statusCode());
        assertEquals("InvalidInput", Lambda.errorType(badMode));
        assertTrue(badMode.jsonPath().getString("errorMessage").contains("mode"));

        Response badAccount = Lambda.invoke(Map.of("account", "no-such-account", "mode", "full"));
        assertEquals("InvalidInput", Lambda.errorType(badAccount));
        assertTrue(badAccount.jsonPath().getString("errorMessage").contains("account"));
        assertFalse(badAccount.asString().contains(KitWorld.API_KEY));
        assertEquals(0, world.kit().log().size());
    }
}
