package io.kitbridge.deprovision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Issue 17: deprovision takes several people in one call, stops before its deadline (a clock advancing one second per
 * Kit request) and at the hourly deprovision limit, and hands on next.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "deprovision"),
        @ResourceArg(name = "limit", value = "6000"),
        @ResourceArg(name = "kitbridge.deprovision.max-per-hour", value = "4"),
        @ResourceArg(name = "kitbridge.deprovision.max-invocation-time", value = "16s"),
        @ResourceArg(name = "kitbridge.deprovision.deadline-margin", value = "2s")})
class DeprovisionBatchTest {
    static final ObjectMapper JSON = new ObjectMapper();

    World world;

    @BeforeEach
    void countingDeadline() {
        CountingClock.driveDeadlines(() -> world.kit().log().size(), Duration.ofSeconds(1));
    }

    @Test
    void should_deprovision_in_several_invocations_and_stop_at_the_hourly_limit_when_a_team_is_offboarded() {
        // GIVEN six active people with one tag each (find, tags, untag, unsubscribe, confirm: ~5 requests each)
        long tag = world.kit().admin().createTag("team-" + System.nanoTime());
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String email = "leaver" + i + "-" + System.nanoTime() + "@example.com";
            world.kit().admin().tag(world.kit().admin().createSubscriber(email, "L" + i), tag);
            emails.add(email);
        }
        List<Map<String, Object>> people = emails.stream().map(e -> Map.<String, Object>of("email", e)).toList();

        // WHEN the team is deprovisioned in one call, then again with each next
        List<JsonNode> outputs = new ArrayList<>();
        JsonNode out = invoke(JSON.valueToTree(Map.of("people", people)).toString());
        outputs.add(out);
        while (!out.path("done").asBoolean() && out.path("reason").asText().startsWith("deadline")) {
            out = invoke(out.path("next").toString());
            outputs.add(out);
        }

        // THEN the first invocation stopped at its deadline with partial results
        JsonNode first = outputs.get(0);
        assertFalse(first.path("done").asBoolean(), first.toString());
        assertTrue(first.path("results").size() >= 1 && first.path("results").size() < 4, first.toString());
        outputs.forEach(o -> assertTrue(o.path("kitRequests").asLong() <= 16, o.toString()));
        // AND the hourly limit (4) stopped the chain: 4 deprovisioned, 2 handed on with a wait
        List<String> done = new ArrayList<>();
        outputs.forEach(o -> o.path("results").forEach(r -> {
            assertEquals("deprovisioned", r.path("outcome").asText(), r.toString());
            done.add(r.path("email").asText());
        }));
        assertEquals(emails.subList(0, 4), done);
        assertFalse(out.path("done").asBoolean(), out.toString());
        assertTrue(out.path("reason").asText().contains("max-per-hour"), out.toString());
        assertTrue(out.path("waitSeconds").asInt() > 0, out.toString());
        assertEquals(2, out.path("next").path("people").size());
        assertEquals(4, out.path("next").path("offset").asInt());
        assertEquals("active", world.kit().admin().subscriberByEmail(emails.get(4)).orElseThrow().state());

        // AND next with force finishes the team
        com.fasterxml.jackson.databind.node.ObjectNode forced = (com.fasterxml.jackson.databind.node.ObjectNode) out.path("next");
        forced.put("force", true);
        JsonNode last = invoke(forced.toString());
        while (!last.path("done").asBoolean()) {
            last = invoke(last.path("next").toString());
        }
        emails.forEach(e -> assertTrue(world.kit().admin().subscriberByEmail(e).orElseThrow().tagIds().isEmpty()));
        assertFalse("active".equals(world.kit().admin().subscriberByEmail(emails.get(5)).orElseThrow().state()));
    }

    @Test
    void should_refuse_the_whole_batch_before_touching_anyone_when_an_entry_is_malformed() {
        // GIVEN a batch whose second entry is not an object
        String email = "keep-" + System.nanoTime() + "@example.com";
        world.kit().admin().createSubscriber(email, "Keep");
        long mutatingBefore = world.kit().log().mutating().size();
        // WHEN deprovisioned
        Response r = Lambda.invoke(JSON.createObjectNode().set("people", JSON.createArrayNode()
                .add(JSON.createObjectNode().put("email", email)).add("not-a-person")).toString());
        // THEN InvalidInput names the entry and nobody was unsubscribed
        assertEquals(500, r.statusCode(), r.asString());
        assertEquals("InvalidInput", Lambda.errorType(r));
        assertTrue(r.jsonPath().getString("errorMessage").contains("people[1]"), r.asString());
        assertEquals(mutatingBefore, world.kit().log().mutating().size());
        assertEquals("active", world.kit().admin().subscriberByEmail(email).orElseThrow().state());
    }

    private static JsonNode invoke(String input) {
        Response r = Lambda.invoke(input);
        assertEquals(200, r.statusCode(), r.asString());
        try {
            return JSON.readTree(r.asString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
