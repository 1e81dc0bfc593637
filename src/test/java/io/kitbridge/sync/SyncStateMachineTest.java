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
 * The acceptance runs of the sync issues: the REAL state machine file run by aws-local-stepfunctions, its Task
 * states invoking the real sync-page function, against a 3,500-subscriber simulated account with 20 tags (every
 * pass spans several pages: 4 subscriber pages, 4 mirror slices; the 100k and 1M runs are SyncBenchmark's). The
 * world's Kit limit is high so the test is quick; budget and simulator use the same numbers, so a single 429 would
 * show. Two units of work per invocation: the subscriber pass reads one page ahead inside an invocation, and the
 * run still hands over to new executions by count.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "30000"),
        @ResourceArg(name = "kitbridge.sync.max-units-per-invocation", value = SyncStateMachineTest.UNITS_PER_INVOCATION),
        @ResourceArg(name = "kitbridge.sync.max-invocations-per-execution", value = "" + SyncStateMachineTest.INVOCATIONS_PER_EXECUTION)})
class SyncStateMachineTest {
    static final int SUBSCRIBERS = 3_500;
    static final int TAGS = 20;
    static final String SUBSCRIBER_LIST = "/v4/subscribers";
    static final String TAG_LIST = "/v4/tags/\\d+/subscribers";
    /** Units of work per invocation: the run's length in invocations is a count, not a matter of machine speed. */
    static final String UNITS_PER_INVOCATION = "2";
    static final int INVOCATIONS_PER_EXECUTION = 2;

    World world;

    @Inject
    MirrorStore mirror;

    @Test
    @Order(1)
    void should_mirror_every_subscriber_state_field_and_tag_in_one_pass_when_a_full_sync_runs_through_the_state_machine() {
        // guards: continue-as-new depended on machine speed (max-invocation-time=5s; a fast host finished in 5
        // invocations, under the 6 that hand over). Now each invocation does at most 2 units of work.
        // GIVEN a 3,500-subscriber account: mixed states, 20 tags, three custom fields
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
        assertTrue(run.path("executions").size() > 1, "expected continue-as-new: " + run.path("executions"));
        assertEquals(0, run.path("lambdaErrors").asInt(), run.toString());
        // AND every subscriber, state, field and tag membership in the mirror matches Kit
        assertEquals(List.of(), MirrorMatch.differences(sim, mirror, "default"));
        // AND Kit saw ceil(N/1000) subscriber pages, each asking for the tags, plus the one tag list: nothing per tag
        List<RecordedRequest> pages = world.kit().log().matching("GET", SUBSCRIBER_LIST);
        assertEquals((SUBSCRIBERS + 999) / 1000, pages.size(), "subscriber requests");
        pages.forEach(r -> assertTrue(r.query().contains("include=tags") && r.query().contains("status=all"), r.query()));
        assertEquals(List.of(), world.kit().log().matching("GET", TAG_LIST), "no tag member list read");
        assertEquals((SUBSCRIBERS + 999) / 1000 + 1, world.kit().log().size(), "requests used vs minimum");
        assertEquals(0, sim.rateLimited429s());
        assertEquals(0, sim.violations());
        JsonNode stats = output.path("stats");
        assertEquals("subscriber-pages", output.path("tagsFrom").asText(), output.toString());
        assertEquals(SUBSCRIBERS, stats.path("written").asLong());
        // AND within an invocation the next page was read while the current one was written
        assertTrue(stats.path("pagesReadAhead").asLong() >= 1, stats.toString());
        System.out.printf("full " + SUBSCRIBERS + ": %s requests, %d invocations in %d executions, %d ms wall, %d ms processing per page%n",
                world.kit().log().size(), run.path("invocations").asInt(), run.path("executions").size(),
                run.path("wallMillis").asLong(), stats.path("pageProcessingMillis").asLong() / stats.path("subscriberPages").asLong());
    }

    @Test
    @Order(2)
    void should_see_renamed_unsubscribed_and_newly_tagged_people_when_an_incremental_sync_follows_500_changes() {
        // GIVEN the mirrored account and 500 changes made in Kit since: fields, first names, unsubscribes, new tags,
        // new emails, new people
        SimAdmin sim = world.kit().admin();
        List<SimSubscriber> all = sim.allSubscribers();
        Map<String, Long> tags = sim.tagIdsByName();
        long tag = tags.get("tag-03");
        java.util.Set<Long> touched = new java.util.HashSet<>();
        java.util.Set<Long> unsubscribed = new java.util.HashSet<>();
        java.util.Set<Long> tagged = new java.util.HashSet<>();
        for (int i = 0; i < all.size() && touched.size() < 100; i += 31) {
            sim.setField(all.get(i).id(), "plan", "plan-changed-" + i);
            touched.add(all.get(i).id());
        }
        for (int i = 3; i < all.size() && touched.size() < 150; i += 37) {
            if (touched.add(all.get(i).id())) {
                sim.rename(all.get(i).id(), "Renamed" + i);
            }
        }
        for (int i = 7; i < all.size() && touched.size() < 250; i += 13) {
            SimSubscriber s = all.get(i);
            if ("active".equals(s.state()) && touched.add(s.id())) {
                sim.unsubscribe(s.id());
                unsubscribed.add(s.id());
            }
        }
        for (int i = 11; i < all.size() && touched.size() < 350; i += 11) {
            SimSubscriber s = all.get(i);
            if (!s.tagIds().contains(tag) && touched.add(s.id())) {
                sim.tag(s.id(), tag);
                tagged.add(s.id());
            }
        }
        for (int i = 19; i < all.size() && touched.size() < 400; i += 23) {
            SimSubscriber s = all.get(i);
            if (touched.add(s.id())) {
                sim.changeEmail(s.id(), "changed-" + s.id() + "@example.org");
            }
        }
        for (int i = 0; touched.size() < 500; i++) {
            touched.add(sim.createSubscriber("new-" + i + "@example.net", "New" + i));
        }
        assertEquals(100, unsubscribed.size());
        assertEquals(100, tagged.size());
        world.kit().log().clear();
        // WHEN an incremental sync runs through the state machine
        JsonNode run = LocalStateMachine.run("{\"account\":\"default\",\"mode\":\"incremental\"}", "incremental-500",
                "--wait-scale", "0.05", "--retry-ms", "50");
        // THEN only the changed page was read (updated_after, with the tags) plus one tagged_after page per tag
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        JsonNode output = run.path("output");
        assertEquals("incremental", output.path("mode").asText());
        assertEquals("subscriber-pages", output.path("tagsFrom").asText(), output.toString());
        List<RecordedRequest> pages = world.kit().log().matching("GET", SUBSCRIBER_LIST);
        assertEquals(1, pages.size(), "subscriber pages read");
        assertTrue(pages.get(0).query().contains("updated_after=") && pages.get(0).query().contains("include=tags"),
                pages.get(0).query());
        List<RecordedRequest> tagPages = world.kit().log().matching("GET", TAG_LIST);
        assertEquals(TAGS, tagPages.size(), "tag pages read");
        tagPages.forEach(r -> assertTrue(r.query().contains("tagged_after="), r.query()));
        // AND exactly the 500 changed items were written to the mirror
        JsonNode stats = output.path("stats");
        assertEquals(500, stats.path("written").asLong(), stats.toString());
        assertEquals(500, stats.path("mirrorWrites").asLong(), stats.toString());
        assertEquals(0, sim.rateLimited429s());
        assertEquals(0, sim.violations());
        // AND the mirror matches Kit again: renamed, unsubscribed and newly tagged people included
        assertEquals(List.of(), MirrorMatch.differences(sim, mirror, "default"));
        System.out.printf("incremental after 500 changes: %d Kit requests (%d subscriber page, %d tag pages), %d mirror writes, %d control writes%n",
                world.kit().log().size(), pages.size(), tagPages.size(), stats.path("mirrorWrites").asLong(),
                stats.path("controlWrites").asLong());
    }

    @Test
    @Order(3)
    void should_add_tags_through_tagged_after_but_not_see_removals_when_tagging_does_not_change_updated_at() {
        // GIVEN a Kit where tagging leaves updated_at alone (its documents do not say it changes it): 30 people
        // newly tagged, one tag removed
        SimAdmin sim = world.kit().admin();
        sim.setTaggingTouchesUpdatedAt(false);
        try {
            long tag = sim.tagIdsByName().get("tag-05");
            // people unchanged for a day: outside the updated_after window (which re-reads the last test's changes)
            java.time.Instant dayAgo = sim.now().minus(java.time.Duration.ofDays(1));
            List<SimSubscriber> settled = sim.allSubscribers().stream().filter(s -> s.updatedAt().isBefore(dayAgo)).toList();
            List<SimSubscriber> untagged = settled.stream().filter(s -> !s.tagIds().contains(tag)).toList();
            for (int i = 0; i < 30; i++) {
                sim.tag(untagged.get(i * 50).id(), tag);
            }
            SimSubscriber carrier = settled.stream().filter(s -> s.tagIds().contains(tag)).skip(40).findFirst().orElseThrow();
            sim.untag(carrier.id(), tag);
            world.kit().log().clear();
            // WHEN an incremental sync runs
            JsonNode run = LocalStateMachine.run("{\"account\":\"default\",\"mode\":\"incremental\"}", "incremental-tags",
                    "--wait-scale", "0.05", "--retry-ms", "50");
            // THEN the updated_after page did not show them; the tagged_after pass added the 30 tags
            assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
            JsonNode stats = run.path("output").path("stats");
            assertEquals(30, stats.path("tagsAdded").asLong(), stats.toString());
            assertEquals(30, stats.path("written").asLong(), stats.toString());
            // AND the removal is the one thing it cannot see (docs/sync.md): the next full run brings it
            assertEquals(List.of(carrier.id() + " tags: kit=" + namesOf(sim, carrier.id()) + " mirror="
                    + mirror.get("default", carrier.id()).orElseThrow().tags()), MirrorMatch.differences(sim, mirror, "default")
                    .stream().filter(d -> !d.contains("tagIds")).toList());
        } finally {
            sim.setTaggingTouchesUpdatedAt(true);
        }
    }

    @Test
    @Order(4)
    void should_read_each_tags_member_list_and_say_so_when_kit_answers_subscriber_pages_without_tags() {
        // GIVEN a Kit that ignores include=tags (the simulator's switch), and a tag removal the mirror has not seen
        SimAdmin sim = world.kit().admin();
        sim.setIgnoreIncludeTags(true);
        try {
            world.kit().log().clear();
            // WHEN a full sync runs
            JsonNode run = LocalStateMachine.run("{\"account\":\"default\",\"mode\":\"full\"}", "full-fallback",
                    "--wait-scale", "0.05", "--retry-ms", "50");
            // THEN it completed from the tag lists and says so in its output and stats
            assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
            JsonNode output = run.path("output");
            assertEquals("completed", output.path("outcome").asText(), output.toString());
            assertEquals("tag-lists", output.path("tagsFrom").asText(), output.toString());
            assertEquals(1, output.path("stats").path("tagFallbacks").asLong(), output.toString());
            // AND the mirror is exact (the removal included): memberships from every tag's member list
            assertEquals(List.of(), MirrorMatch.differences(sim, mirror, "default"));
            // AND Kit saw the catalog, the one page that came without tags, every tag page, then every subscriber page
            long subscriberPages = (sim.subscriberCount() + 999) / 1000;
            assertEquals(1 + subscriberPages, world.kit().log().matching("GET", SUBSCRIBER_LIST).size());
            assertEquals(tagPagesMinimum(sim), world.kit().log().matching("GET", TAG_LIST).size());
            assertEquals(1 + 1 + tagPagesMinimum(sim) + subscriberPages, world.kit().log().size());
            assertEquals(0, sim.rateLimited429s());
        } finally {
            sim.setIgnoreIncludeTags(false);
        }
    }

    private static List<String> namesOf(SimAdmin sim, long id) {
        Map<Long, String> names = new java.util.HashMap<>();
        sim.tagIdsByName().forEach((name, tagId) -> names.put(tagId, name));
        return sim.subscriber(id).orElseThrow().tagIds().stream().map(names::get).sorted().toList();
    }

    /** ceil(members / 1000) per tag, at least one page each. */
    static long tagPagesMinimum(SimAdmin sim) {
        Map<Long, Long> members = new java.util.HashMap<>();
        sim.allSubscribers().forEach(s -> s.tagIds().forEach(t -> members.merge(t, 1L, Long::sum)));
        return sim.tagIdsByName().values().stream()
                .mapToLong(t -> Math.max(1, (members.getOrDefault(t, 0L) + 999) / 1000)).sum();
    }
}
