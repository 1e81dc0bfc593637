package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.sim.SimSubscriber;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The acceptance runs of the sync issue: the REAL state machine file run by aws-local-stepfunctions, its Task
 * states invoking the real sync-page function, against a 20,000-subscriber simulated account (every pass spans
 * many pages: 20 subscriber pages, two member pages per tag, 20 mirror slices; the 100k and 1M runs are
 * SyncBenchmark's). The world's Kit limit is high so the test is quick; budget and simulator use the same
 * numbers, so a single 429 would show.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "30000"),
        @ResourceArg(name = "kitbridge.sync.max-units-per-invocation", value = SyncStateMachineTest.UNITS_PER_INVOCATION),
        @ResourceArg(name = "kitbridge.sync.max-invocations-per-execution", value = "" + SyncStateMachineTest.INVOCATIONS_PER_EXECUTION)})
class SyncStateMachineTest {
    static final int SUBSCRIBERS = 20_000;
    static final int TAGS = 20;
    static final String SUBSCRIBER_LIST = "/v4/subscribers";
    static final String TAG_LIST = "/v4/tags/\\d+/subscribers";
    /** Units of work per invocation: the run's length in invocations is a count, not a matter of machine speed. */
    static final String UNITS_PER_INVOCATION = "8";
    static final int INVOCATIONS_PER_EXECUTION = 6;

    World world;

    @Inject
    MirrorStore mirror;

    @Test
    @Order(1)
    void should_mirror_every_subscriber_state_field_and_tag_when_a_full_sync_runs_through_the_state_machine() {
        // guards: continue-as-new depended on machine speed (max-invocation-time=5s; a fast host finished in 5
        // invocations, under the 6 that hand over). Now each invocation does at most 8 units of work.
        // GIVEN a 20k-subscriber account: mixed states, 20 tags, three custom fields
        SimAdmin sim = world.kit().admin();
        sim.seed(new SeedSpec(SUBSCRIBERS, TAGS, List.of("company", "plan", "role"), 7L));
        world.kit().log().clear();
        // WHEN a full sync runs through the local state machine (waits shortened)
        JsonNode run = LocalStateMachine.run("{\"account\":\"default\",\"mode\":\"full\"}", "full-sync",
                "--wait-scale", "0.05", "--retry-ms", "50");
        // THEN it succeeded, continuing as new executions that inherited the lease
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        JsonNode output = run.path("output");
        assertEquals("completed", output.path("outcome").asText(), output.toString());
        long units = SUBSCRIBERS / 1000 + tagPagesMinimum(sim); // Kit pages alone, before the mirror passes
        long minimumInvocations = (units + Integer.parseInt(UNITS_PER_INVOCATION) - 1) / Integer.parseInt(UNITS_PER_INVOCATION);
        assertTrue(minimumInvocations > INVOCATIONS_PER_EXECUTION, "the test data must force a hand-over");
        assertTrue(run.path("invocations").asInt() >= minimumInvocations, run.toString());
        assertTrue(run.path("executions").size() > 1, "expected continue-as-new: " + run.path("executions"));
        assertEquals(0, run.path("lambdaErrors").asInt(), run.toString());
        // AND every subscriber, state, field and tag membership in the mirror matches Kit
        assertEquals(List.of(), MirrorMatch.differences(sim, mirror, "default"));
        // AND Kit saw exactly the minimum number of requests, none of them over the limit
        long minimum = SUBSCRIBERS / 1000 + tagPagesMinimum(sim) + 1;
        assertEquals(minimum, world.kit().log().size(), "requests used vs minimum");
        assertEquals(0, sim.rateLimited429s());
        assertEquals(0, sim.violations());
        JsonNode stats = output.path("stats");
        assertEquals(SUBSCRIBERS, stats.path("written").asLong());
        System.out.printf("full " + SUBSCRIBERS + ": %s requests (minimum %d), %d invocations in %d executions, %d ms wall, %d ms processing per page%n",
                world.kit().log().size(), minimum, run.path("invocations").asInt(), run.path("executions").size(),
                run.path("wallMillis").asLong(), stats.path("pageProcessingMillis").asLong() / stats.path("subscriberPages").asLong());
    }

    @Test
    @Order(2)
    void should_read_only_changed_pages_and_write_only_changed_items_when_an_incremental_sync_follows_500_changes() {
        // GIVEN the mirrored account and 500 changes made in Kit since: fields, unsubscribes, new tags, new emails, new people
        SimAdmin sim = world.kit().admin();
        List<SimSubscriber> all = sim.allSubscribers();
        Map<String, Long> tags = sim.tagIdsByName();
        long tag = tags.get("tag-03");
        java.util.Set<Long> touched = new java.util.HashSet<>();
        for (int i = 0; i < all.size() && touched.size() < 150; i += stride(600)) {
            sim.setField(all.get(i).id(), "plan", "plan-changed-" + i);
            touched.add(all.get(i).id());
        }
        for (int i = 7; i < all.size() && touched.size() < 250; i += stride(613)) {
            SimSubscriber s = all.get(i);
            if ("active".equals(s.state()) && touched.add(s.id())) {
                sim.unsubscribe(s.id());
            }
        }
        for (int i = 11; i < all.size() && touched.size() < 350; i += stride(587)) {
            SimSubscriber s = all.get(i);
            if (!s.tagIds().contains(tag) && touched.add(s.id())) {
                sim.tag(s.id(), tag);
            }
        }
        for (int i = 19; i < all.size() && touched.size() < 400; i += stride(1999)) {
            SimSubscriber s = all.get(i);
            if (touched.add(s.id())) {
                sim.changeEmail(s.id(), "changed-" + s.id() + "@example.org");
            }
        }
        for (int i = 0; touched.size() < 500; i++) {
            touched.add(sim.createSubscriber("new-" + i + "@example.net", "New" + i));
        }
        world.kit().log().clear();
        // WHEN an incremental sync runs through the state machine
        JsonNode run = LocalStateMachine.run("{\"account\":\"default\",\"mode\":\"incremental\"}", "incremental-500",
                "--wait-scale", "0.05", "--retry-ms", "50");
        // THEN only the changed page was read (updated_after) plus one tagged_after page per tag
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        JsonNode output = run.path("output");
        assertEquals("incremental", output.path("mode").asText());
        List<RecordedRequest> pages = world.kit().log().matching("GET", SUBSCRIBER_LIST);
        assertEquals(1, pages.size(), "subscriber pages read");
        assertTrue(pages.get(0).query().contains("updated_after="), pages.get(0).query());
        List<RecordedRequest> tagPages = world.kit().log().matching("GET", TAG_LIST);
        assertEquals(TAGS, tagPages.size(), "tag pages read");
        tagPages.forEach(r -> assertTrue(r.query().contains("tagged_after="), r.query()));
        // AND exactly the 500 changed items were written to the mirror
        JsonNode stats = output.path("stats");
        assertEquals(500, stats.path("written").asLong(), stats.toString());
        assertEquals(500, stats.path("mirrorWrites").asLong(), stats.toString());
        assertEquals(0, sim.rateLimited429s());
        assertEquals(0, sim.violations());
        // AND the mirror matches Kit again
        assertEquals(List.of(), MirrorMatch.differences(sim, mirror, "default"));
        System.out.printf("incremental after 500 changes: %d Kit requests (%d subscriber page, %d tag pages), %d mirror writes, %d control writes%n",
                world.kit().log().size(), pages.size(), tagPages.size(), stats.path("mirrorWrites").asLong(),
                stats.path("controlWrites").asLong());
    }

    /** A step through the subscribers that spreads the changes over the account as it did over 100,000. */
    static int stride(int per100k) {
        return Math.max(1, (int) ((long) per100k * SUBSCRIBERS / 100_000));
    }

    /** ceil(members / 1000) per tag, at least one page each. */
    static long tagPagesMinimum(SimAdmin sim) {
        Map<Long, Long> members = new java.util.HashMap<>();
        sim.allSubscribers().forEach(s -> s.tagIds().forEach(t -> members.merge(t, 1L, Long::sum)));
        return sim.tagIdsByName().values().stream()
                .mapToLong(t -> Math.max(1, (members.getOrDefault(t, 0L) + 999) / 1000)).sum();
    }
}
