package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subscriber, tag and custom-field behaviour in both dialects. */
class KitSimulatorTest {
    private KitSimulator sim;

    private SimTestClient start(Dialect dialect) {
        sim = KitSimulator.start(SimConfig.defaults().withDialect(dialect));
        sim.admin().createCustomField("plan");
        sim.admin().createCustomField("company");
        return SimTestClient.apiKey(sim, "test-api-key");
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void should_return_201_then_200_when_the_same_email_is_upserted_twice() {
        // GIVEN an empty account
        SimTestClient kit = start(Dialect.PUBLIC);
        // WHEN the same person is upserted twice (second time with different case)
        SimTestClient.Res first = kit.post("/v4/subscribers",
                "{\"email_address\":\"jane@example.com\",\"first_name\":\"Jane\",\"fields\":{\"plan\":\"pro\"}}");
        SimTestClient.Res second = kit.post("/v4/subscribers",
                "{\"email_address\":\"JANE@example.com\",\"first_name\":\"Janet\"}");
        // THEN 201 created, 200 updated, one subscriber, fields merged
        assertEquals(201, first.status());
        assertEquals(200, second.status());
        assertEquals(first.json().at("/subscriber/id").asLong(), second.json().at("/subscriber/id").asLong());
        assertEquals("Janet", second.json().at("/subscriber/first_name").asText());
        assertEquals("pro", second.json().at("/subscriber/fields/plan").asText());
        assertTrue(second.json().at("/subscriber/fields").has("company"));
        assertTrue(second.json().at("/subscriber/fields/company").isNull());
        assertEquals("active", second.json().at("/subscriber/state").asText());
        assertFalse(second.json().get("subscriber").has("updated_at"));
        assertEquals(1, sim.admin().subscriberCount());
    }

    @Test
    void should_drop_unknown_field_with_warning_when_dialect_is_public() {
        // GIVEN the PUBLIC dialect
        SimTestClient kit = start(Dialect.PUBLIC);
        // WHEN an unknown custom field key is written
        SimTestClient.Res r = kit.post("/v4/subscribers",
                "{\"email_address\":\"a@example.com\",\"fields\":{\"plan\":\"pro\",\"xyz\":\"1\"}}");
        // THEN it is dropped and a warning names it
        assertEquals(201, r.status());
        assertFalse(r.json().at("/subscriber/fields").has("xyz"));
        assertEquals("pro", r.json().at("/subscriber/fields/plan").asText());
        assertTrue(r.json().get("warnings").get(0).asText().startsWith("Custom field 'xyz' does not exist"));
        // AND the same applies to PUT
        long id = r.json().at("/subscriber/id").asLong();
        SimTestClient.Res put = kit.put("/v4/subscribers/" + id, "{\"fields\":{\"nope\":\"x\"}}");
        assertEquals(200, put.status());
        assertTrue(put.json().get("warnings").get(0).asText().contains("'nope'"));
        assertFalse(sim.admin().subscriber(id).orElseThrow().fields().containsKey("xyz"));
    }

    @Test
    void should_drop_unknown_field_silently_when_dialect_is_seed() {
        // GIVEN the SEED dialect
        SimTestClient kit = start(Dialect.SEED);
        // WHEN an unknown custom field key is written
        SimTestClient.Res r = kit.post("/v4/subscribers",
                "{\"email_address\":\"a@example.com\",\"fields\":{\"plan\":\"pro\",\"xyz\":\"1\"}}");
        // THEN it is dropped without any warnings key
        assertEquals(201, r.status());
        assertFalse(r.json().has("warnings"));
        assertFalse(r.json().at("/subscriber/fields").has("xyz"));
    }

    @Test
    void should_answer_202_when_more_than_ten_custom_fields_are_given_in_public_dialect() {
        // GIVEN 11 defined custom fields
        SimTestClient kit = start(Dialect.PUBLIC);
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            sim.admin().createCustomField("f" + i);
            fields.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"v").append(i).append('"');
        }
        // WHEN all 11 are upserted
        SimTestClient.Res r = kit.post("/v4/subscribers",
                "{\"email_address\":\"many@example.com\",\"fields\":{" + fields + "}}");
        // THEN 202 and the values are applied anyway
        assertEquals(202, r.status());
        assertEquals("v10", sim.admin().subscriberByEmail("many@example.com").orElseThrow().fields().get("f10"));
    }

    @Test
    void should_never_reactivate_when_an_unsubscribed_person_is_upserted_or_updated() {
        for (Dialect d : Dialect.values()) {
            // GIVEN an unsubscribed subscriber
            SimTestClient kit = start(d);
            long id = kit.post("/v4/subscribers", "{\"email_address\":\"gone@example.com\"}").json()
                    .at("/subscriber/id").asLong();
            kit.post("/v4/subscribers/" + id + "/unsubscribe", "");
            String expected = d == Dialect.SEED ? "inactive" : "cancelled";
            // WHEN it is upserted with state active and PUT with state active
            SimTestClient.Res up = kit.post("/v4/subscribers",
                    "{\"email_address\":\"gone@example.com\",\"state\":\"active\",\"first_name\":\"Back\"}");
            SimTestClient.Res put = kit.put("/v4/subscribers/" + id, "{\"state\":\"active\",\"first_name\":\"X\"}");
            // THEN it stays unsubscribed
            assertEquals(200, up.status());
            assertEquals(expected, up.json().at("/subscriber/state").asText());
            assertEquals(200, put.status());
            assertEquals(expected, put.json().at("/subscriber/state").asText());
            assertEquals(expected, sim.admin().subscriber(id).orElseThrow().state());
            sim.close();
        }
        sim = null;
    }

    @Test
    void should_answer_200_inactive_when_unsubscribing_in_seed_dialect_and_keep_tags() {
        // GIVEN a tagged subscriber in the SEED dialect
        SimTestClient kit = start(Dialect.SEED);
        long id = sim.admin().createSubscriber("t@example.com", "T");
        long tag = sim.admin().createTag("customer");
        sim.admin().tag(id, tag);
        // WHEN unsubscribed (twice: idempotent)
        SimTestClient.Res r = kit.post("/v4/subscribers/" + id + "/unsubscribe", "");
        SimTestClient.Res again = kit.post("/v4/subscribers/" + id + "/unsubscribe", "");
        // THEN 200 with state inactive, tags retained
        assertEquals(200, r.status());
        assertEquals("inactive", r.json().at("/subscriber/state").asText());
        assertEquals(200, again.status());
        assertEquals(Set.of(tag), sim.admin().subscriber(id).orElseThrow().tagIds());
        assertEquals(1, kit.get("/v4/subscribers/" + id + "/tags").json().get("tags").size());
    }

    @Test
    void should_answer_204_cancelled_when_unsubscribing_in_public_dialect_and_keep_tags() {
        // GIVEN a tagged subscriber in the PUBLIC dialect
        SimTestClient kit = start(Dialect.PUBLIC);
        long id = sim.admin().createSubscriber("t@example.com", "T");
        long tag = sim.admin().createTag("customer");
        sim.admin().tag(id, tag);
        // WHEN unsubscribed
        SimTestClient.Res r = kit.post("/v4/subscribers/" + id + "/unsubscribe", "");
        // THEN 204 No Content, state cancelled, tags retained
        assertEquals(204, r.status());
        assertEquals("", r.body());
        assertEquals("cancelled", kit.get("/v4/subscribers/" + id).json().at("/subscriber/state").asText());
        assertEquals(Set.of(tag), sim.admin().subscriber(id).orElseThrow().tagIds());
        // AND an unknown id is 404
        assertEquals(404, kit.post("/v4/subscribers/999/unsubscribe", "").status());
    }

    @Test
    void should_reject_with_422_when_the_email_is_invalid() {
        // GIVEN a client
        SimTestClient kit = start(Dialect.PUBLIC);
        // WHEN an invalid email is upserted, or one is PUT onto a taken email
        SimTestClient.Res bad = kit.post("/v4/subscribers", "{\"email_address\":\"not-an-email\",\"extra\":1}");
        long a = sim.admin().createSubscriber("a@example.com", null);
        sim.admin().createSubscriber("b@example.com", null);
        SimTestClient.Res taken = kit.put("/v4/subscribers/" + a, "{\"email_address\":\"B@example.com\"}");
        // THEN 422 with an errors array
        assertEquals(422, bad.status());
        assertTrue(bad.json().get("errors").isArray());
        assertEquals(422, taken.status());
        assertEquals(404, kit.get("/v4/subscribers/12345").status());
        assertEquals("Not Found", kit.get("/v4/nothing-here").json().get("errors").get(0).asText());
    }

    @Test
    void should_default_to_active_and_paginate_all_states_with_end_cursor_on_last_page() {
        // GIVEN 25 seeded subscribers in mixed states
        SimTestClient kit = start(Dialect.PUBLIC);
        sim.admin().seed(new SeedSpec(250, 5, List.of("plan"), 7));
        long total = sim.admin().subscriberCount();
        long active = sim.admin().subscriberCount("active");
        assertTrue(active < total);
        // WHEN listing without status
        JsonNode def = kit.get("/v4/subscribers?per_page=1000&include_total_count=true").json();
        // THEN only active subscribers are returned
        assertEquals(active, def.get("subscribers").size());
        assertEquals(active, def.at("/pagination/total_count").asLong());
        // WHEN paging through status=all, 40 per page
        Set<Long> seen = new HashSet<>();
        String after = null;
        JsonNode page;
        int pages = 0;
        long lastId = 0;
        do {
            page = kit.get("/v4/subscribers?status=all&per_page=40" + (after == null ? "" : "&after=" + after)).json();
            for (JsonNode s : page.get("subscribers")) {
                assertTrue(s.get("id").asLong() > lastId, "ascending ids");
                lastId = s.get("id").asLong();
                seen.add(lastId);
            }
            assertEquals(pages > 0, page.at("/pagination/has_previous_page").asBoolean());
            after = page.at("/pagination/end_cursor").asText();
            pages++;
        } while (page.at("/pagination/has_next_page").asBoolean());
        // THEN every subscriber is seen exactly once and the last page still carries an end_cursor
        assertEquals(total, seen.size());
        assertEquals((int) Math.ceil(total / 40.0), pages);
        assertFalse(page.at("/pagination/end_cursor").isNull());
        assertEquals(40, page.at("/pagination/per_page").asInt());
        // AND following that end_cursor yields an empty page
        JsonNode beyond = kit.get("/v4/subscribers?status=all&after=" + after).json();
        assertEquals(0, beyond.get("subscribers").size());
        assertFalse(beyond.at("/pagination/has_next_page").asBoolean());
        // AND before= walks backwards
        String start = page.at("/pagination/start_cursor").asText();
        JsonNode prev = kit.get("/v4/subscribers?status=all&per_page=40&before=" + start).json();
        assertEquals(40, prev.get("subscribers").size());
        assertTrue(prev.at("/pagination/has_next_page").asBoolean());
        // AND a garbage cursor is 422, per_page above 1000 is capped
        assertEquals(422, kit.get("/v4/subscribers?after=not-a-cursor").status());
        assertEquals(1000, kit.get("/v4/subscribers?per_page=5000").json().at("/pagination/per_page").asInt());
    }

    @Test
    void should_filter_by_email_state_and_dates_and_sort_when_asked() {
        // GIVEN seeded data and one fresh subscriber
        SimTestClient kit = start(Dialect.PUBLIC);
        sim.admin().seed(new SeedSpec(300, 3, List.of(), 11));
        java.time.Instant before = sim.admin().now().minusSeconds(1);
        long id = sim.admin().createSubscriber("Fresh.Person@Example.com", "Fresh");
        // WHEN filtering by email (case-insensitive), updated_after and state
        JsonNode byEmail = kit.get("/v4/subscribers?email_address=fresh.person@example.com").json();
        JsonNode recent = kit.get("/v4/subscribers?status=all&updated_after=" + before).json();
        JsonNode bounced = kit.get("/v4/subscribers?status=bounced&per_page=1000").json();
        JsonNode desc = kit.get("/v4/subscribers?status=all&sort_order=desc&per_page=3").json();
        JsonNode byCreated = kit.get("/v4/subscribers?status=all&sort_field=created_at&sort_order=desc&per_page=2")
                .json();
        JsonNode dated = kit.get("/v4/subscribers?status=all&created_before=2020-01-02&per_page=1000").json();
        // THEN each filter narrows correctly
        assertEquals(id, byEmail.at("/subscribers/0/id").asLong());
        assertEquals(1, recent.get("subscribers").size());
        assertEquals(id, recent.at("/subscribers/0/id").asLong());
        assertEquals(sim.admin().subscriberCount("bounced"), bounced.get("subscribers").size());
        bounced.get("subscribers").forEach(s -> assertEquals("bounced", s.get("state").asText()));
        assertEquals(id, desc.at("/subscribers/0/id").asLong());
        assertEquals(id, byCreated.at("/subscribers/0/id").asLong());
        JsonNode next = kit.get("/v4/subscribers?status=all&sort_field=created_at&sort_order=desc&per_page=2&after="
                + byCreated.at("/pagination/end_cursor").asText()).json();
        assertTrue(next.at("/subscribers/0/created_at").asText()
                .compareTo(byCreated.at("/subscribers/1/created_at").asText()) <= 0);
        dated.get("subscribers").forEach(s -> assertTrue(s.get("created_at").asText().startsWith("2020-01-01")));
    }

    @Test
    void should_answer_201_then_200_when_tagging_twice_and_404_when_untagging_twice() {
        for (Dialect d : Dialect.values()) {
            // GIVEN a subscriber and a tag created over the API (second create is idempotent)
            SimTestClient kit = start(d);
            SimTestClient.Res t1 = kit.post("/v4/tags", "{\"name\":\"Customer\"}");
            SimTestClient.Res t2 = kit.post("/v4/tags", "{\"name\":\"customer\"}");
            assertEquals(201, t1.status());
            assertEquals(200, t2.status());
            long tagId = t1.json().at("/tag/id").asLong();
            assertEquals(tagId, t2.json().at("/tag/id").asLong());
            long id = sim.admin().createSubscriber("p@example.com", "P");
            // WHEN tagged by email twice, then by id
            SimTestClient.Res a = kit.post("/v4/tags/" + tagId + "/subscribers", "{\"email_address\":\"P@example.com\"}");
            SimTestClient.Res b = kit.post("/v4/tags/" + tagId + "/subscribers/" + id, "");
            // THEN 201 newly tagged, 200 already tagged, with tagged_at
            assertEquals(201, a.status());
            assertEquals(200, b.status());
            assertNotNull(b.json().at("/subscriber/tagged_at").textValue());
            // AND the tag's subscriber list shows it
            JsonNode list = kit.get("/v4/tags/" + tagId + "/subscribers").json();
            assertEquals(id, list.at("/subscribers/0/id").asLong());
            assertNotNull(list.at("/subscribers/0/tagged_at").textValue());
            // AND unknown tag / subscriber are 404
            assertEquals(404, kit.post("/v4/tags/1/subscribers/" + id, "").status());
            assertEquals(404, kit.post("/v4/tags/" + tagId + "/subscribers", "{\"email_address\":\"x@y.com\"}")
                    .status());
            // AND status and tagged_* filters apply
            sim.admin().unsubscribe(id);
            assertEquals(0, kit.get("/v4/tags/" + tagId + "/subscribers").json().get("subscribers").size());
            assertEquals(1, kit.get("/v4/tags/" + tagId + "/subscribers?status=all&tagged_after=2020-01-01").json()
                    .get("subscribers").size());
            assertEquals(0, kit.get("/v4/tags/" + tagId + "/subscribers?status=all&tagged_before=2020-01-01").json()
                    .get("subscribers").size());
            // WHEN untagged twice THEN 204 then 404
            assertEquals(204, kit.delete("/v4/tags/" + tagId + "/subscribers/" + id).status());
            assertEquals(404, kit.delete("/v4/tags/" + tagId + "/subscribers/" + id).status());
            sim.close();
        }
        sim = null;
    }

    @Test
    void should_list_tags_unpaginated_in_seed_and_cursor_paginated_in_public() {
        // GIVEN 30 tags in each dialect
        SimTestClient seedKit = start(Dialect.SEED);
        sim.admin().seed(new SeedSpec(10, 30, List.of(), 1));
        JsonNode seed = seedKit.get("/v4/tags?per_page=10").json();
        sim.close();
        SimTestClient pubKit = start(Dialect.PUBLIC);
        sim.admin().seed(new SeedSpec(10, 30, List.of(), 1));
        // WHEN listing with per_page=10
        JsonNode pub = pubKit.get("/v4/tags?per_page=10").json();
        // THEN SEED returns all tags, no pagination; PUBLIC pages
        assertEquals(30, seed.get("tags").size());
        assertFalse(seed.has("pagination"));
        assertEquals("tag-01", seed.at("/tags/0/name").asText());
        assertEquals(10, pub.get("tags").size());
        assertTrue(pub.at("/pagination/has_next_page").asBoolean());
        List<String> names = new ArrayList<>();
        String after = null;
        JsonNode page;
        do {
            page = pubKit.get("/v4/tags?per_page=10" + (after == null ? "" : "&after=" + after)).json();
            page.get("tags").forEach(t -> names.add(t.get("name").asText()));
            after = page.at("/pagination/end_cursor").asText();
        } while (page.at("/pagination/has_next_page").asBoolean());
        assertEquals(30, names.size());
        assertEquals("tag-30", names.get(29));
    }

    @Test
    void should_create_and_list_custom_fields_when_labels_are_posted() {
        // GIVEN the two fields from setup
        SimTestClient kit = start(Dialect.PUBLIC);
        // WHEN a field is created by label, and again
        SimTestClient.Res r = kit.post("/v4/custom_fields", "{\"label\":\"Last Name\"}");
        SimTestClient.Res dup = kit.post("/v4/custom_fields", "{\"label\":\"last name\"}");
        // THEN key is derived, name is ck_field_<id>_<key>, duplicates are 422
        assertEquals(201, r.status());
        JsonNode f = r.json().get("custom_field");
        assertEquals("last_name", f.get("key").asText());
        assertEquals("Last Name", f.get("label").asText());
        assertEquals("ck_field_" + f.get("id").asLong() + "_last_name", f.get("name").asText());
        assertEquals(422, dup.status());
        assertEquals("Label has already been taken", dup.json().at("/errors/0").asText());
        JsonNode list = kit.get("/v4/custom_fields").json();
        assertEquals(3, list.get("custom_fields").size());
        assertTrue(list.has("pagination"));
        // AND existing subscribers now expose the key as null
        long id = sim.admin().createSubscriber("q@example.com", null);
        assertTrue(kit.get("/v4/subscribers/" + id).json().at("/subscriber/fields/last_name").isNull());
    }

    @Test
    void should_merge_fields_when_put_and_bump_updated_at() throws Exception {
        // GIVEN a subscriber with two field values
        SimTestClient kit = start(Dialect.PUBLIC);
        long id = kit.post("/v4/subscribers",
                "{\"email_address\":\"m@example.com\",\"fields\":{\"plan\":\"pro\",\"company\":\"Acme\"}}").json()
                .at("/subscriber/id").asLong();
        java.time.Instant before = sim.admin().subscriber(id).orElseThrow().updatedAt();
        sim.admin().advanceClock(java.time.Duration.ofMinutes(5));
        // WHEN one field is PUT
        SimTestClient.Res r = kit.put("/v4/subscribers/" + id, "{\"fields\":{\"plan\":\"enterprise\"}}");
        // THEN the other is kept and updated_at moved
        assertEquals("enterprise", r.json().at("/subscriber/fields/plan").asText());
        assertEquals("Acme", r.json().at("/subscriber/fields/company").asText());
        SimSubscriber s = sim.admin().subscriber(id).orElseThrow();
        assertTrue(s.updatedAt().isAfter(before));
        assertEquals(Map.of("plan", "enterprise", "company", "Acme"), s.fields());
        assertNull(s.firstName());
    }

    @Test
    void should_create_exactly_one_subscriber_when_the_same_email_is_upserted_concurrently() throws Exception {
        // GIVEN 40 concurrent upserts of one email
        SimTestClient kit = start(Dialect.PUBLIC);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            fs.add(pool.submit(() -> {
                go.await();
                return kit.post("/v4/subscribers", "{\"email_address\":\"race@example.com\",\"first_name\":\"R"
                        + n + "\"}").status();
            }));
        }
        // WHEN released together
        go.countDown();
        int created = 0;
        int updated = 0;
        for (java.util.concurrent.Future<Integer> f : fs) {
            int st = f.get(20, java.util.concurrent.TimeUnit.SECONDS);
            created += st == 201 ? 1 : 0;
            updated += st == 200 ? 1 : 0;
        }
        pool.shutdown();
        // THEN exactly one 201, the rest 200, one record
        assertEquals(1, created);
        assertEquals(39, updated);
        assertEquals(1, sim.admin().subscriberCount());
        assertEquals(40, sim.log().mutating().size());
    }

    @Test
    void should_carry_each_subscribers_tags_and_omit_field_values_when_listing_with_include_tags_and_slim() {
        // GIVEN two people, one tagged twice, one untagged
        SimTestClient kit = start(Dialect.PUBLIC);
        long vip = sim.admin().createTag("vip");
        long beta = sim.admin().createTag("beta");
        long ada = sim.admin().createSubscriber("ada@example.com", "Ada");
        sim.admin().createSubscriber("bob@example.com", "Bob");
        sim.admin().setField(ada, "plan", "pro");
        sim.admin().tag(ada, beta);
        sim.admin().tag(ada, vip);
        // WHEN the list is read with include=tags, and with include=tags and slim=true
        JsonNode tagged = kit.get("/v4/subscribers?status=all&include=tags").json();
        JsonNode slim = kit.get("/v4/subscribers?status=all&include=tags&slim=true").json();
        JsonNode plain = kit.get("/v4/subscribers?status=all").json();
        // THEN every item carries its tags as {id, name} (an untagged person an empty list), fields as usual
        JsonNode first = tagged.at("/subscribers/0");
        assertEquals(ada, first.get("id").asLong());
        assertEquals(2, first.get("tags").size());
        Set<String> names = new HashSet<>();
        first.get("tags").forEach(t -> {
            assertEquals(Set.of("id", "name"), toSet(t.fieldNames()));
            names.add(t.get("name").asText());
        });
        assertEquals(Set.of("vip", "beta"), names);
        assertEquals(0, tagged.at("/subscribers/1/tags").size());
        assertTrue(tagged.at("/subscribers/1").get("tags").isArray());
        assertEquals("pro", first.at("/fields/plan").asText());
        // AND slim leaves out the custom field values; without include there is no tags key at all
        assertFalse(slim.at("/subscribers/0").has("fields"));
        assertEquals(2, slim.at("/subscribers/0/tags").size());
        assertFalse(plain.at("/subscribers/0").has("tags"));
    }

    @Test
    void should_refuse_unknown_include_values_and_canceled_at_without_status_cancelled() {
        // GIVEN an account with one person
        SimTestClient kit = start(Dialect.PUBLIC);
        sim.admin().createSubscriber("ada@example.com", "Ada");
        // WHEN include names something Kit's documents do not list, or canceled_at without status=cancelled
        SimTestClient.Res unknown = kit.get("/v4/subscribers?include=tags,purchases");
        SimTestClient.Res canceled = kit.get("/v4/subscribers?status=all&include=canceled_at");
        SimTestClient.Res allowed = kit.get("/v4/subscribers?status=cancelled&include=canceled_at,attribution,location");
        // THEN the first two are refused with 422 and the documented combination is answered
        assertEquals(422, unknown.status());
        assertTrue(unknown.json().get("errors").get(0).asText().contains("include"), unknown.json().toString());
        assertEquals(422, canceled.status());
        assertEquals(200, allowed.status());
    }

    @Test
    void should_answer_without_the_tags_key_when_the_ignore_include_tags_switch_is_on() {
        // GIVEN a tagged person and the switch that makes the simulator ignore include=tags
        SimTestClient kit = start(Dialect.PUBLIC);
        long ada = sim.admin().createSubscriber("ada@example.com", "Ada");
        sim.admin().tag(ada, sim.admin().createTag("vip"));
        sim.admin().setIgnoreIncludeTags(true);
        // WHEN the list is read with include=tags
        JsonNode page = kit.get("/v4/subscribers?include=tags").json();
        // THEN the item has no tags key (the product must notice, not read "no tags")
        assertFalse(page.at("/subscribers/0").has("tags"));
        assertEquals("Ada", page.at("/subscribers/0/first_name").asText());
    }

    private static Set<String> toSet(java.util.Iterator<String> names) {
        Set<String> out = new HashSet<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
