package io.kitbridge.deprovision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.sim.SimSubscriber;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "deprovision"),
        @ResourceArg(name = "limit", value = "6000"),
        @ResourceArg(name = "kitbridge.deprovision.max-per-hour", value = "" + DeprovisionFunctionTest.MAX_PER_HOUR)})
class DeprovisionFunctionTest {
    /** The guard's limit in this world: the default (100) proves nothing more and took 100 Lambda invocations. */
    static final int MAX_PER_HOUR = 10;

    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    TestClock clock;

    private long personWithTags(String email, int tags) {
        long id = world.kit().admin().createSubscriber(email, "Leaver");
        for (int i = 0; i < tags; i++) {
            String name = "ent-" + i;
            long tagId = world.kit().admin().tagIdsByName().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElseGet(() -> world.kit().admin().createTag(name));
            world.kit().admin().tag(id, tagId);
        }
        return id;
    }

    private static String unique(String prefix) {
        return prefix + System.nanoTime() + "@example.com";
    }

    @Test
    void should_remove_every_tag_before_unsubscribing_then_be_idempotent() {
        // GIVEN an active person with three tags
        String email = unique("leaver");
        long id = personWithTags(email, 3);
        long seqBefore = world.kit().log().size() == 0 ? 0 : world.kit().log().all().get(world.kit().log().size() - 1).seq();
        // WHEN deprovisioned
        Response r = Lambda.invoke(Map.of("email", email));
        // THEN every tag removal reached Kit before the unsubscribe, and the person is unsubscribed with no tags
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("deprovisioned", r.jsonPath().getString("outcome"));
        assertEquals(3, r.jsonPath().getList("tagsRemoved").size());
        List<RecordedRequest> mine = world.kit().log().all().stream().filter(q -> q.seq() > seqBefore).toList();
        long lastUntag = mine.stream().filter(q -> q.method().equals("DELETE")).mapToLong(RecordedRequest::seq).max().orElseThrow();
        long unsubscribe = mine.stream().filter(q -> q.path().endsWith("/unsubscribe")).mapToLong(RecordedRequest::seq).min().orElseThrow();
        assertEquals(3, mine.stream().filter(q -> q.method().equals("DELETE")).count());
        assertTrue(lastUntag < unsubscribe, "tags must be removed before the unsubscribe");
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertTrue(inKit.tagIds().isEmpty());
        assertTrue(inKit.state().equals("cancelled") || inKit.state().equals("inactive"));
        assertEquals("deprovision", mirror.get("default", id).orElseThrow().source());
        assertEquals("deprovisioned", mirror.history("default", email, 5).get(0).outcome());
        // AND a second run changes nothing and says so
        long unsubscribesBefore = world.kit().log().count("POST", ".*/unsubscribe");
        Response again = Lambda.invoke(Map.of("email", email));
        assertEquals("already_deprovisioned", again.jsonPath().getString("outcome"));
        assertEquals(unsubscribesBefore, world.kit().log().count("POST", ".*/unsubscribe"));
    }

    @Test
    void should_read_tags_again_and_remove_one_added_during_deprovision_before_unsubscribing() {
        // GIVEN a person with two tags, recorded as desired by provision; and a Kit automation that re-tags them with
        // a third tag right after the first tag removal reaches Kit (guards issue 14: tags were listed once, so a tag
        // added meanwhile survived the irreversible unsubscribe)
        String email = unique("retagged");
        long id = personWithTags(email, 2);
        mirror.putDesired("default", email, Map.of(), List.of("ent-0", "ent-1"));
        long late = world.kit().admin().tagIdsByName().entrySet().stream().filter(e -> e.getKey().equals("late-tag"))
                .map(Map.Entry::getValue).findFirst().orElseGet(() -> world.kit().admin().createTag("late-tag"));
        world.kit().afterRequests("DELETE", "/v4/tags/\\d+/subscribers/" + id, 1, () -> world.kit().admin().tag(id, late));
        // WHEN deprovisioned
        Response r = Lambda.invoke(Map.of("email", email));
        // THEN the late tag was found on the second read and removed too, before the unsubscribe
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("deprovisioned", r.jsonPath().getString("outcome"), r.asString());
        assertEquals(List.of("ent-0", "ent-1", "late-tag"), r.jsonPath().getList("tagsRemoved"));
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertTrue(inKit.tagIds().isEmpty(), inKit.toString());
        // AND the stored desired state is gone, so drift repair can never re-apply the old tags
        assertTrue(mirror.getDesired("default", email).isEmpty());
        assertEquals(List.of(), mirror.get("default", id).orElseThrow().tags());
    }

    @Test
    void should_fail_with_deprovision_incomplete_and_not_unsubscribe_when_tags_keep_coming_back() {
        // GIVEN a person whose tag an automation re-adds after every removal
        String email = unique("sticky");
        long id = personWithTags(email, 1);
        long tagId = world.kit().admin().subscriber(id).orElseThrow().tagIds().iterator().next();
        world.kit().afterRequests("DELETE", "/v4/tags/\\d+/subscribers/" + id, 10, () -> world.kit().admin().tag(id, tagId));
        long unsubscribesBefore = world.kit().log().count("POST", ".*/unsubscribe");
        // WHEN deprovisioned
        Response r = Lambda.invoke(Map.of("email", email));
        // THEN after 3 rounds it gives up with a typed error, and the irreversible unsubscribe was never sent
        assertEquals("DeprovisionIncomplete", Lambda.errorType(r), r.asString());
        assertTrue(r.jsonPath().getString("errorMessage").contains("ent-0"), r.asString());
        assertEquals(unsubscribesBefore, world.kit().log().count("POST", ".*/unsubscribe"));
        assertEquals("active", world.kit().admin().subscriber(id).orElseThrow().state());
        assertEquals(DeprovisionService.MAX_TAG_ROUNDS, world.kit().log().all().stream()
                .filter(q -> q.method().equals("DELETE") && q.path().endsWith("/subscribers/" + id)).count());
        assertEquals("failed", mirror.history("default", email, 5).get(0).outcome());
    }

    @Test
    void should_remove_leftover_tags_when_person_already_unsubscribed() {
        String email = unique("leftover");
        long id = personWithTags(email, 2);
        world.kit().admin().unsubscribe(id);
        Response r = Lambda.invoke(Map.of("subscriberId", id));
        assertEquals("already_deprovisioned", r.jsonPath().getString("outcome"), r.asString());
        assertEquals(2, r.jsonPath().getList("tagsRemoved").size());
        assertTrue(world.kit().admin().subscriber(id).orElseThrow().tagIds().isEmpty());
    }

    @Test
    void should_report_not_found_and_plan_without_writing() {
        assertEquals("not_found", Lambda.invoke(Map.of("email", unique("nobody"))).jsonPath().getString("outcome"));
        String email = unique("planned");
        personWithTags(email, 1);
        long mutatingBefore = world.kit().log().mutating().size();
        Response plan = Lambda.invoke(Map.of("email", email, "dryRun", true));
        assertEquals("planned", plan.jsonPath().getString("outcome"), plan.asString());
        assertTrue(plan.jsonPath().getList("plan").contains("unsubscribe (irreversible)"));
        assertEquals(mutatingBefore, world.kit().log().mutating().size());
    }

    @Test
    void should_refuse_one_more_than_the_hourly_limit_unless_forced() {
        // GIVEN a guard of MAX_PER_HOUR per hour and one more person than that to remove (separate account: same key)
        io.kitbridge.store.ConnectionStore connections = io.quarkus.arc.Arc.container().instance(io.kitbridge.store.ConnectionStore.class).get();
        connections.putApiKey("guarded", KitWorld.API_KEY);
        String prefix = "guard" + System.nanoTime() + "-";
        // AND the clock just past the start of an hour: all of it falls in one hourly bucket, however long it takes
        clock.advance(Duration.ofSeconds(3600 - clock.instant().getEpochSecond() % 3600 + 1));
        for (int i = 0; i <= MAX_PER_HOUR; i++) {
            world.kit().admin().createSubscriber(prefix + i + "@example.com", null);
        }
        // WHEN MAX_PER_HOUR are deprovisioned
        for (int i = 0; i < MAX_PER_HOUR; i++) {
            Response r = Lambda.invoke(Map.of("account", "guarded", "email", prefix + i + "@example.com"));
            assertEquals("deprovisioned", r.jsonPath().getString("outcome"), r.asString());
        }
        // THEN the next one is refused and nothing happens to that person, unless forced
        long unsubscribesBefore = world.kit().log().count("POST", ".*/unsubscribe");
        Response refused = Lambda.invoke(Map.of("account", "guarded", "email", prefix + MAX_PER_HOUR + "@example.com"));
        assertEquals("DeprovisionLimitExceeded", Lambda.errorType(refused), refused.asString());
        assertEquals(unsubscribesBefore, world.kit().log().count("POST", ".*/unsubscribe"));
        Response forced = Lambda.invoke(Map.of("account", "guarded", "email", prefix + MAX_PER_HOUR + "@example.com", "force", true));
        assertEquals("deprovisioned", forced.jsonPath().getString("outcome"), forced.asString());
    }

    @Test
    void should_name_the_field_when_input_is_invalid() {
        Response noTarget = Lambda.invoke(Map.of("account", "default"));
        assertEquals("InvalidInput", Lambda.errorType(noTarget));
        assertTrue(noTarget.jsonPath().getString("errorMessage").contains("email"));
        Response badId = Lambda.invoke(Map.of("subscriberId", "abc"));
        assertEquals("InvalidInput", Lambda.errorType(badId));
        assertTrue(badId.jsonPath().getString("errorMessage").contains("subscriberId"));
        Response badFlag = Lambda.invoke(Map.of("email", "a@example.com", "force", "yes"));
        assertTrue(badFlag.jsonPath().getString("errorMessage").contains("force"));
    }
}
