package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.sync.LocalStateMachine;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.TestClock;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a batch larger than Step Functions' 256 KB payload is staged by a direct invoke and provisioned by the
 * provision-batch state machine (aws-local-stepfunctions, the real ASL) from a reference; no payload grows with the
 * batch, and the paged reader returns one result per person in input order. Staged chunks are kept small (64 KB) so
 * the batch spans several, and every invocation's slice (max-batch 1,000) crosses chunk boundaries.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "provision"),
        @ResourceArg(name = "oauthLimit", value = "6000"),
        @ResourceArg(name = "kitbridge.provision.stage-chunk-bytes", value = "65536")})
class ProvisionStagedBatchTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Step Functions' cap on an execution's input and on every state's input and output. */
    static final int STEP_FUNCTIONS_PAYLOAD = 256 * 1024;
    /** 2,600 in the suite (past 256 KB); -Dkitbridge.staged-people=10000 runs the per-execution limit (README). */
    static final int PEOPLE = Integer.getInteger("kitbridge.staged-people", 2_600);
    static final String ACCOUNT = "staged-oauth";

    World world;

    @Inject
    ConnectionStore connections;

    @Test
    void should_provision_a_batch_larger_than_a_step_functions_payload_when_it_is_staged_and_read_back_in_pages()
            throws Exception {
        // GIVEN an OAuth account and 2,600 people (or kitbridge.staged-people) (each with a first name and a tag): more than 256 KB of input
        connect();
        String run = Long.toString(System.nanoTime(), 36);
        List<String> emails = new ArrayList<>();
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            emails.add(String.format("staged-%05d-%s@example.com", i, run));
            people.add(Map.of("email", emails.get(i), "firstName", String.format("Staged Person %05d", i),
                    "tags", List.of("staged-cohort")));
        }
        Map<String, Object> batch = new LinkedHashMap<>(Map.of("account", ACCOUNT, "people", people,
                "createMissingTags", true, "stage", true, "batch", "staged-" + run));
        assertTrue(JSON.writeValueAsBytes(batch).length > STEP_FUNCTIONS_PAYLOAD, "the batch must not fit a payload");

        // WHEN it is staged by a direct invoke, twice (a retried call)
        JsonNode staged = ok(Lambda.invoke(batch)).path("staged");
        JsonNode again = ok(Lambda.invoke(batch)).path("staged");

        // THEN the people are stored in several chunks and the answer is a small reference to start an execution with
        assertEquals("staged-" + run, staged.path("batch").asText(), staged.toString());
        assertEquals(PEOPLE, staged.path("people").asInt());
        assertTrue(staged.path("chunks").asInt() >= 4, staged.toString());
        assertEquals(Map.of("account", ACCOUNT, "batch", "staged-" + run), JSON.convertValue(staged.path("start"), Map.class));
        assertEquals(staged.path("chunks"), again.path("chunks"), "staging the same people again is the same batch");
        // AND other people under the same batch id are refused while it is kept
        Map<String, Object> other = new LinkedHashMap<>(batch);
        other.put("people", people.subList(0, 10));
        Response refused = Lambda.invoke(other);
        assertEquals("InvalidInput", Lambda.errorType(refused), refused.asString());

        // WHEN the provision-batch state machine is started with the reference
        Path input = Files.createTempFile("provision-staged", ".json");
        Files.writeString(input, staged.path("start").toString());
        int logBefore = world.kit().log().size();
        long subscribersBefore = world.kit().admin().subscriberCount();
        JsonNode sfn = LocalStateMachine.run(300, "{}", "staged-" + run, "--input-file", input.toString(),
                "--definition", Path.of("infra/statemachine/provision-batch.asl.json").toAbsolutePath().toString(),
                "--task", "Provision", "--state-machine-name", "kitbridge-provision-batch", "--wait-ms", "0",
                "--retry-ms", "50");

        // THEN it succeeded in several invocations (one slice of at most max-batch people each), 0 x 429
        assertEquals("SUCCEEDED", sfn.path("status").asText(), sfn.toString());
        assertEquals(0, sfn.path("lambdaErrors").asInt(), sfn.toString());
        assertTrue(sfn.path("invocations").asInt() >= 3, sfn.toString());
        assertEquals(0, world.kit().admin().rateLimited429s());
        // AND no payload Step Functions carried came near its cap: none grows with the batch
        assertTrue(sfn.path("maxPayloadBytes").asInt() > 0, sfn.toString());
        assertTrue(sfn.path("maxPayloadBytes").asInt() < 4096, "largest payload " + sfn.path("maxPayloadBytes")
                + " B at " + sfn.path("maxPayloadAt"));
        JsonNode output = sfn.path("output");
        assertTrue(output.path("done").asBoolean(), output.toString());
        assertEquals(PEOPLE, output.path("resultCount").asInt(), output.toString());
        assertEquals(PEOPLE, output.path("summary").path("created").asInt(), output.toString());

        // WHEN the results are read back with the paged reader, 900 at a time
        List<JsonNode> results = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> query = new HashMap<>(Map.of("resultsKey", output.path("resultsKey").asText(), "limit", 900));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode page = ok(Lambda.invoke(Map.of("results", query)));
            assertTrue(page.path("results").size() <= 900, page.toString());
            page.path("results").forEach(results::add);
            cursor = page.path("cursor").isMissingNode() ? null : page.path("cursor").asText();
            pages++;
        } while (cursor != null && pages <= (PEOPLE + 899) / 900);

        // THEN they are exactly one per person, in input order, each created with its tag
        assertEquals((PEOPLE + 899) / 900, pages);
        assertEquals(emails, results.stream().map(r -> r.path("email").asText()).toList());
        results.forEach(r -> {
            assertEquals("created", r.path("outcome").asText(), r.toString());
            assertEquals("[\"staged-cohort\"]", r.path("tagsApplied").toString(), r.toString());
        });
        // AND Kit saw each person once: bulk creates of at most 100 rows (26 for 2,600) made the new subscribers,
        // and as many bulk taggings of at most 100 rows tagged them
        List<RecordedRequest> mine = world.kit().log().all().subList(logBefore, world.kit().log().size());
        assertEquals((PEOPLE + 99) / 100, mine.stream().filter(q -> q.method().equals("POST")
                && q.path().equals("/v4/bulk/subscribers")).count());
        assertEquals((PEOPLE + 99) / 100, mine.stream().filter(q -> q.method().equals("POST")
                && q.path().equals("/v4/bulk/tags/subscribers")).count());
        assertEquals(subscribersBefore + PEOPLE, world.kit().admin().subscriberCount());
        System.out.printf("PROVISION-BATCH staged: %d people, %d B staged in %d chunks, %d invocations, largest payload"
                + " %d B (%s), %d ms wall%n", PEOPLE, JSON.writeValueAsBytes(batch).length, staged.path("chunks").asInt(),
                sfn.path("invocations").asInt(), sfn.path("maxPayloadBytes").asInt(), sfn.path("maxPayloadAt").asText(),
                sfn.path("wallMillis").asLong());
    }

    @Test
    void should_answer_not_found_when_a_staged_batch_has_expired() {
        // GIVEN a staged batch
        connect();
        String id = "expiring-" + Long.toString(System.nanoTime(), 36);
        JsonNode staged = ok(Lambda.invoke(Map.of("account", ACCOUNT, "stage", true, "batch", id,
                "people", List.of(Map.of("email", id + "@example.com"))))).path("staged");
        try {
            // WHEN it is provisioned after result-ttl (7 d): TTL deletes late, so expiry is enforced on read
            TestClock.current().advance(Duration.ofDays(7).plusMinutes(1));
            Response late = Lambda.invoke(staged.path("start"));
            // THEN it is not found, and nothing was sent to Kit for it
            assertEquals("NotFound", Lambda.errorType(late), late.asString());
            assertFalse(world.kit().log().all().stream().anyMatch(q -> q.body() != null && q.body().contains(id)));
        } finally {
            TestClock.current().reset();
        }
    }

    @Test
    void should_refuse_a_cursor_when_it_is_not_one_the_reader_returned() {
        // WHEN the reader gets a made-up cursor
        Response r = Lambda.invoke(Map.of("results", Map.of("execution", "arn:x", "cursor", "page-2")));
        // THEN the input is refused, naming the field
        assertEquals("InvalidInput", Lambda.errorType(r), r.asString());
        assertTrue(r.jsonPath().getString("errorMessage").contains("results.cursor"), r.asString());
    }

    private void connect() {
        if (!world.kit().admin().tagIdsByName().containsKey("staged-cohort")) {
            world.kit().admin().createTag("staged-cohort");
        }
        OAuthTokens tokens = world.kit().admin().grantTokensDirectly();
        connections.putOauth(ACCOUNT, tokens.accessToken(), tokens.refreshToken(),
                System.currentTimeMillis() / 1000 + 7200, List.of("public", "write_subscribers", "write_tags"));
    }

    private static JsonNode ok(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        try {
            return JSON.readTree(r.asString().getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
