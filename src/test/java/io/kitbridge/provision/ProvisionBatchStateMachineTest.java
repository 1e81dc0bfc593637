package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.sync.LocalStateMachine;
import io.kitbridge.testing.IamGuardInterceptor;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's acceptance run: infra/statemachine/provision-batch.asl.json run by aws-local-stepfunctions, its Task
 * invoking the real provision function, provisions 1,000 people on an API-key budget. The budget's window is
 * shortened to 2 s (Kit's 120 requests per window kept; simulator and budget use the same numbers, so one 429 would
 * show) and the invocation budget to 4 s, so the batch needs many invocations, each handing on the rest.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "provision"),
        @ResourceArg(name = "limit", value = "120"), @ResourceArg(name = "window", value = "2"),
        @ResourceArg(name = "kitbridge.provision.max-invocation-time", value = "4s"),
        @ResourceArg(name = "kitbridge.provision.deadline-margin", value = "1s")})
class ProvisionBatchStateMachineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int PEOPLE = 1000;
    /** The function's Timeout in this world: the invocation budget plus the margin template.yaml keeps (300 vs 240 s). */
    static final long LAMBDA_TIMEOUT_MILLIS = 5000;

    World world;

    @Inject
    BatchResults stored;

    @Test
    void should_provision_1000_people_through_provision_batch_when_the_api_key_budget_allows_few_per_invocation()
            throws Exception {
        // GIVEN 1,000 people on an API-key account, every tenth with a tag (1 or 2 Kit requests per person)
        world.kit().admin().createTag("customer");
        List<String> emails = new ArrayList<>();
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            emails.add("b" + i + "@example.com");
            people.add(i % 10 == 0 ? Map.of("email", emails.get(i), "tags", List.of("customer"))
                    : Map.of("email", emails.get(i)));
        }
        Path input = Files.createTempFile("provision-batch", ".json");
        Files.writeString(input, JSON.writeValueAsString(Map.of("account", "default", "people", people)));
        world.kit().log().clear();
        Map<String, Long> callsBefore = IamGuardInterceptor.operations();

        // WHEN the batch is handed to the provision-batch state machine in one StartExecution
        JsonNode run = LocalStateMachine.run(300, "{}", "batch-1000", "--input-file", input.toString(),
                "--definition", Path.of("infra/statemachine/provision-batch.asl.json").toAbsolutePath().toString(),
                "--task", "Provision", "--state-machine-name", "kitbridge-provision-batch", "--wait-ms", "0",
                "--retry-ms", "50");

        Map<String, Long> calls = IamGuardInterceptor.since(callsBefore);

        // THEN it succeeded in several invocations, each inside its deadline, without a 429
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        assertEquals(0, run.path("lambdaErrors").asInt(), run.toString());
        assertTrue(run.path("invocations").asInt() >= 3, "the deadline must split the batch: " + run);
        assertTrue(run.path("maxInvocationMillis").asLong() <= LAMBDA_TIMEOUT_MILLIS, run.toString());
        assertEquals(0, world.kit().admin().rateLimited429s());
        assertEquals(0, world.kit().admin().violations());
        // AND no payload Step Functions carried reached its 256 KB cap (the batch travels inline here: ~30 KB)
        assertTrue(run.path("maxPayloadBytes").asInt() > 0 && run.path("maxPayloadBytes").asInt() < 256 * 1024,
                run.path("maxPayloadBytes") + " B at " + run.path("maxPayloadAt"));
        // AND the final output is one result set: 1,000 created, kept in DynamoDB (too many to inline)
        JsonNode output = run.path("output");
        assertTrue(output.path("done").asBoolean(), output.toString());
        assertEquals(PEOPLE, output.path("resultCount").asInt(), output.toString());
        assertEquals(PEOPLE, output.path("summary").path("created").asInt(), output.toString());
        assertTrue(output.path("results").isMissingNode(), "1,000 results exceed inline-results-max");
        String execution = output.path("resultsKey").asText().substring(BatchResults.PK_PREFIX.length());
        List<ProvisionResult> results = stored.read(execution);
        assertEquals(emails, results.stream().map(ProvisionResult::email).toList(), "one result per person, input order");
        for (int i = 0; i < PEOPLE; i++) {
            assertEquals(i % 10 == 0 ? List.of("customer") : List.of(), results.get(i).tagsApplied(), results.get(i).toString());
        }
        // AND Kit saw each person's upsert and tagging exactly once
        Map<String, Integer> upserts = new HashMap<>();
        long taggings = 0;
        for (RecordedRequest q : world.kit().log().all()) {
            if (q.method().equals("POST") && q.path().equals("/v4/subscribers")) {
                String email = JSON.readTree(q.body()).path("email_address").asText();
                upserts.merge(email, 1, Integer::sum);
            } else if (q.method().equals("POST") && q.path().matches("/v4/tags/\\d+/subscribers/\\d+")) {
                taggings++;
            }
        }
        assertEquals(PEOPLE, upserts.size());
        assertTrue(upserts.values().stream().allMatch(n -> n == 1), "an upsert was repeated");
        assertEquals(PEOPLE / 10, taggings);
        long dynamoCalls = calls.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("PROVISION-BATCH 1,000 people (API key, 120 per 2 s window): %d invocations, %d Kit requests,"
                + " longest invocation %d ms, %d ms wall, %.2f DynamoDB calls/person %s%n", run.path("invocations").asInt(),
                world.kit().log().size(), run.path("maxInvocationMillis").asLong(), run.path("wallMillis").asLong(),
                dynamoCalls / (double) PEOPLE, calls);
    }
}
