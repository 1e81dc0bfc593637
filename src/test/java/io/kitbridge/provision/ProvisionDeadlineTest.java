package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.testing.CountingClock;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a batch knows its deadline. The deadline runs on a clock that advances one second per Kit request the
 * simulator answers, so how far an invocation gets is decided by counts, never by the speed of the machine.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "provision"),
        @ResourceArg(name = "limit", value = "6000"),
        @ResourceArg(name = "kitbridge.provision.max-invocation-time", value = "10s"),
        @ResourceArg(name = "kitbridge.provision.deadline-margin", value = "2s")})
class ProvisionDeadlineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration PER_REQUEST = Duration.ofSeconds(1);
    static final int PEOPLE = 9;

    World world;

    @BeforeEach
    void setUp() {
        if (!world.kit().admin().tagIdsByName().containsKey("customer")) {
            world.kit().admin().createTag("customer");
        }
        CountingClock.driveDeadlines(() -> world.kit().log().size(), PER_REQUEST);
    }

    @Test
    void should_return_partial_results_and_a_next_that_completes_the_batch_when_the_deadline_is_short() {
        // GIVEN 9 people with one tag each (2 Kit requests = 2 s of a 10 s deadline with a 2 s margin)
        String run = Long.toString(System.nanoTime(), 36);
        List<String> emails = new ArrayList<>();
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String email = "p" + i + "-" + run + "@example.com";
            emails.add(email);
            people.add(Map.of("email", email, "tags", List.of("customer")));
        }
        Object input = Map.of("people", people, "createMissingTags", false);
        int logBefore = world.kit().log().size();

        // WHEN the batch is invoked, then re-invoked with each output's next until done
        List<JsonNode> outputs = new ArrayList<>();
        JsonNode output = invoke(input);
        outputs.add(output);
        while (!output.path("done").asBoolean()) {
            assertTrue(outputs.size() < PEOPLE + 1, "no progress: " + output);
            JsonNode next = output.path("next");
            assertEquals(false, next.path("createMissingTags").asBoolean(true), "next keeps the batch's flags");
            output = invoke(next.toString());
            outputs.add(output);
        }

        // THEN the first invocation stopped before its deadline with partial results and a next for the rest
        JsonNode first = outputs.get(0);
        assertFalse(first.path("done").asBoolean(), first.toString());
        int firstCount = first.path("results").size();
        assertTrue(firstCount >= 1 && firstCount < PEOPLE, first.toString());
        assertEquals(PEOPLE - firstCount, first.path("next").path("people").size());
        assertEquals(firstCount, first.path("next").path("offset").asInt());
        assertEquals(PEOPLE - firstCount, first.path("remaining").asInt());
        assertTrue(first.path("etaSeconds").asLong() >= 0, first.toString());
        assertEquals(0, first.path("waitSeconds").asInt());
        assertTrue(outputs.size() >= 2, "a 10 s deadline cannot hold 18 s of work");
        // AND every invocation stayed inside its deadline: at most 10 requests of 1 s each
        outputs.forEach(o -> assertTrue(o.path("kitRequests").asLong() <= 10, o.toString()));
        assertNull(output.get("next"));
        // AND the union of results is one result per person, in input order, each created
        List<String> resultEmails = new ArrayList<>();
        outputs.forEach(o -> o.path("results").forEach(r -> {
            resultEmails.add(r.path("email").asText());
            assertEquals("created", r.path("outcome").asText(), r.toString());
        }));
        assertEquals(emails, resultEmails);
        // AND Kit saw each person's requests exactly once: one upsert and one tagging
        List<RecordedRequest> mine = world.kit().log().all().subList(logBefore, world.kit().log().size());
        for (String email : emails) {
            long upserts = mine.stream().filter(q -> q.method().equals("POST") && q.path().equals("/v4/subscribers")
                    && q.body() != null && q.body().contains(email)).count();
            assertEquals(1, upserts, "upserts of " + email);
        }
        assertEquals(PEOPLE, mine.stream().filter(q -> q.method().equals("POST")
                && q.path().matches("/v4/tags/\\d+/subscribers/\\d+")).count(), "taggings");
        assertEquals(0, world.kit().admin().rateLimited429s());
    }

    @Test
    void should_refuse_a_negative_offset_when_a_continuation_is_malformed() {
        Response r = Lambda.invoke(Map.of("people", List.of(Map.of("email", "x@example.com")), "offset", -1));
        assertEquals(500, r.statusCode(), r.asString());
        assertEquals("InvalidInput", Lambda.errorType(r));
        assertTrue(r.jsonPath().getString("errorMessage").startsWith("InvalidInput: offset"), r.asString());
    }

    private static JsonNode invoke(Object input) {
        Response r = Lambda.invoke(input);
        assertEquals(200, r.statusCode(), r.asString());
        try {
            return JSON.readTree(r.asString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
