package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.sim.SimSubscriber;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "provision"),
        @ResourceArg(name = "limit", value = "6000"), @ResourceArg(name = "oauthLimit", value = "30000")})
class ProvisionFunctionTest {
    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    ConnectionStore connections;

    @BeforeEach
    void catalog() {
        if (!world.kit().admin().customFieldKeys().contains("plan")) {
            world.kit().admin().createCustomField("plan");
            world.kit().admin().createCustomField("company");
            world.kit().admin().createTag("customer");
            world.kit().admin().createTag("pro");
        }
    }

    private static String unique(String prefix) {
        return prefix + System.nanoTime() + "@example.com";
    }

    @Test
    void should_create_then_update_with_fields_and_tags_when_provisioning_twice() {
        // GIVEN a new person with a known field and two known tags
        String email = unique("jane");
        Map<String, Object> person = Map.of("email", email.toUpperCase(), "firstName", "Jane",
                "fields", Map.of("plan", "pro", "company", 42), "tags", List.of("customer", "pro"));
        // WHEN provisioned twice
        Response first = Lambda.invoke(person);
        Response second = Lambda.invoke(person);
        // THEN created, then updated, ending in the same state in Kit and the mirror
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals("created", first.jsonPath().getString("outcome"));
        assertEquals("updated", second.jsonPath().getString("outcome"));
        long id = first.jsonPath().getLong("subscriberId");
        assertEquals(id, second.jsonPath().getLong("subscriberId"));
        assertEquals(List.of("customer", "pro"), first.jsonPath().getList("tagsApplied"));
        assertEquals("42", first.jsonPath().getString("fieldsApplied.company"));
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertEquals("pro", inKit.fields().get("plan"));
        assertEquals(2, inKit.tagIds().size());
        MirrorRecord mirrored = mirror.findByEmail("default", email).orElseThrow();
        assertEquals("provision", mirrored.source());
        assertEquals(List.of("customer", "pro"), mirrored.tags());
        assertEquals(Map.of("plan", "pro", "company", "42"), mirror.getDesired("default", email).orElseThrow().fields());
        assertEquals(2, mirror.history("default", email, 10).size());
        assertTrue(first.jsonPath().getLong("kitRequests") >= 3);
    }

    @Test
    void should_refuse_and_write_nothing_when_a_field_key_is_unknown() {
        // GIVEN a field key the account does not have
        long mutatingBefore = world.kit().log().mutating().size();
        // WHEN provisioning with it
        Response r = Lambda.invoke(Map.of("email", unique("typo"), "fields", Map.of("plan", "pro", "plna", "x"),
                "tags", List.of("customer")));
        // THEN UnknownCustomFields names the key and Kit received no mutating request
        assertEquals(500, r.statusCode());
        assertEquals("UnknownCustomFields", Lambda.errorType(r));
        assertTrue(r.jsonPath().getString("errorMessage").contains("plna"));
        assertEquals(mutatingBefore, world.kit().log().mutating().size(), "no mutating request may reach Kit");
    }

    @Test
    void should_create_missing_field_and_tag_first_when_allowed() {
        String key = "team" + System.nanoTime();
        String tag = "new-tag-" + System.nanoTime();
        Response r = Lambda.invoke(Map.of("email", unique("create"), "fields", Map.of(key, "blue"), "tags", List.of(tag),
                "createMissingFields", true, "createMissingTags", true));
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(world.kit().admin().customFieldKeys().contains(key));
        assertTrue(world.kit().admin().tagIdsByName().keySet().stream().anyMatch(n -> n.equalsIgnoreCase(tag)));
        assertEquals("blue", world.kit().admin().subscriber(r.jsonPath().getLong("subscriberId")).orElseThrow().fields().get(key));

        long mutatingBefore = world.kit().log().mutating().size();
        Response refused = Lambda.invoke(Map.of("email", unique("notag"), "tags", List.of("no-such-tag-" + System.nanoTime())));
        assertEquals("UnknownTags", Lambda.errorType(refused));
        assertEquals(mutatingBefore, world.kit().log().mutating().size());
    }

    @Test
    void should_report_suppressed_and_not_reactivate_when_person_is_unsubscribed_in_kit() {
        // GIVEN someone who unsubscribed in Kit
        String email = unique("gone");
        long id = world.kit().admin().createSubscriber(email, "Gone");
        world.kit().admin().unsubscribe(id);
        // WHEN IT provisions them again
        Response r = Lambda.invoke(Map.of("email", email, "tags", List.of("customer")));
        // THEN they are reported suppressed with a reason, stay unsubscribed, and get no tag
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("suppressed", r.jsonPath().getString("outcome"));
        assertTrue(r.jsonPath().getString("reason").contains("cannot re-activate"));
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertTrue(inKit.state().equals("cancelled") || inKit.state().equals("inactive"), inKit.state());
        assertTrue(inKit.tagIds().isEmpty());
    }

    @Test
    void should_return_plan_and_make_no_mutating_call_when_dry_run() {
        long mutatingBefore = world.kit().log().mutating().size();
        Response r = Lambda.invoke(Map.of("email", unique("dry"), "fields", Map.of("plan", "pro", "brandnew", "x"),
                "tags", List.of("customer", "brand-new-tag"), "createMissingFields", true, "createMissingTags", true, "dryRun", true));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("planned", r.jsonPath().getString("outcome"));
        List<String> plan = r.jsonPath().getList("plan");
        assertTrue(plan.contains("create custom field brandnew"), plan.toString());
        assertTrue(plan.contains("create tag brand-new-tag"), plan.toString());
        assertEquals(mutatingBefore, world.kit().log().mutating().size());
    }

    @Test
    void should_name_the_field_when_input_is_invalid() {
        List<String> thousandTags = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousandTags.add("t" + i);
        }
        Map<String, Object> nested = new HashMap<>();
        nested.put("email", "a@example.com");
        nested.put("fields", Map.of("plan", Map.of("x", 1)));
        assertInvalid(Map.of("firstName", "NoEmail"), "email");
        assertInvalid(Map.of("email", "jane at example"), "email");
        assertInvalid(Map.of("email", "a@example.com", "fields", List.of("plan")), "fields");
        assertInvalid(Map.of("email", "a@example.com", "fields", Map.of("plan", true)), "fields.plan");
        assertInvalid(nested, "fields.plan");
        assertInvalid(Map.of("email", "a@example.com", "tags", thousandTags), "tags");
        assertInvalid(Map.of("people", List.of()), "people");
        assertInvalid(Map.of("account", "nobody-here", "email", "a@example.com"), "account");
        assertInvalid(Map.of("account", "bad account!", "email", "a@example.com"), "account");
    }

    private static void assertInvalid(Object input, String field) {
        Response r = Lambda.invoke(input);
        assertEquals(500, r.statusCode(), r.asString());
        assertEquals("InvalidInput", Lambda.errorType(r), r.asString());
        assertTrue(r.jsonPath().getString("errorMessage").startsWith("InvalidInput: " + field), r.jsonPath().getString("errorMessage"));
    }

    @Test
    void should_report_each_person_when_one_in_a_batch_is_invalid() {
        String good = unique("good");
        Response r = Lambda.invoke(Map.of("people", List.of(Map.of("email", good, "tags", List.of("customer")),
                Map.of("email", "broken"), Map.of("email", unique("typo"), "fields", Map.of("nosuch", "1")))));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("created", r.jsonPath().getString("results[0].outcome"));
        assertEquals("failed", r.jsonPath().getString("results[1].outcome"));
        assertEquals("InvalidInput", r.jsonPath().getString("results[1].errorType"));
        assertEquals("UnknownCustomFields", r.jsonPath().getString("results[2].errorType"));
        assertEquals(1, r.jsonPath().getInt("summary.created"));
        assertTrue(world.kit().admin().subscriberByEmail(good).isPresent());
    }

    @Test
    void should_use_bulk_calls_when_a_batch_of_250_has_oauth_credentials() {
        // GIVEN an OAuth-connected account and 250 people with two tags each
        OAuthTokens tokens = world.kit().admin().grantTokensDirectly();
        connections.putOauth("bulk-acct", tokens.accessToken(), tokens.refreshToken(), System.currentTimeMillis() / 1000 + 7200,
                List.of("public", "write_subscribers", "write_tags"));
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            people.add(Map.of("email", unique("p" + i + "-"), "firstName", "P" + i, "tags", List.of("customer", "pro")));
        }
        long seqBefore = lastSeq();
        // WHEN provisioned in one batch
        Response r = Lambda.invoke(Map.of("account", "bulk-acct", "people", people));
        // THEN everyone is created and tagged through bulk endpoints, in a handful of requests
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(250, r.jsonPath().getInt("summary.created"));
        List<RecordedRequest> used = world.kit().log().all().stream().filter(q -> q.seq() > seqBefore).toList();
        long bulkCreates = used.stream().filter(q -> q.path().equals("/v4/bulk/subscribers")).count();
        long bulkTags = used.stream().filter(q -> q.path().equals("/v4/bulk/tags/subscribers")).count();
        int minimum = (int) (Math.ceil(250 / 100.0) + Math.ceil(500 / 100.0));
        System.out.printf("PROVISION batch: 250 people x 2 tags over OAuth: %d Kit requests (%d bulk create, %d bulk tag), "
                + "%.3f per person; minimum %d (%.3f per person)%n", used.size(), bulkCreates, bulkTags,
                used.size() / 250.0, minimum, minimum / 250.0);
        assertEquals(3, bulkCreates);
        assertEquals(5, bulkTags);
        assertTrue(used.size() <= minimum + 2, "requests " + used.size());
        SimSubscriber someone = world.kit().admin().subscriberByEmail(r.jsonPath().getString("results[249].email")).orElseThrow();
        assertEquals(2, someone.tagIds().size());

        // AND a single person costs one upsert plus one call per tag
        long seq = lastSeq();
        Lambda.invoke(Map.of("email", unique("single"), "tags", List.of("customer", "pro")));
        long single = world.kit().log().all().stream().filter(q -> q.seq() > seq).count();
        System.out.printf("PROVISION single: %d Kit requests for one person with 2 tags; minimum 3%n", single);
        assertEquals(3, single);
    }

    private long lastSeq() {
        List<RecordedRequest> all = world.kit().log().all();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
    }
}
