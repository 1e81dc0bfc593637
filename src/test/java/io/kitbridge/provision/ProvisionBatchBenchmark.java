package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.testing.BenchReport;
import io.kitbridge.testing.IamGuardInterceptor;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Batch provisioning at Kit's real limits and window (60 s): people with two tags each, invoked directly and
 * re-invoked with next until done. Prints and writes target/bench/provision-batch.json: Kit requests per person and
 * people per minute for an API key (per-person calls) and an OAuth token (bulk endpoints), against the physical limit
 * (the credential's rate / requests per person), and the DynamoDB calls per person the function made (counted by the
 * SDK interceptor, by operation). Run with -Pbench (about 2 minutes).
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "provision"),
        @ResourceArg(name = "limit", value = "120"), @ResourceArg(name = "oauthLimit", value = "600"),
        @ResourceArg(name = "window", value = "60"),
        // the test's HTTP client waits 30 s for an invocation: 20 s deadlines (the chain of next is part of the figure)
        @ResourceArg(name = "kitbridge.provision.max-invocation-time", value = "20s"),
        @ResourceArg(name = "kitbridge.provision.deadline-margin", value = "3s")})
class ProvisionBatchBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int TAGS = 2;

    World world;

    @Inject
    ConnectionStore connections;

    @Test
    void requests_per_person_and_people_per_minute_per_credential_kind() throws Exception {
        world.kit().admin().createTag("bench-a");
        world.kit().admin().createTag("bench-b");
        OAuthTokens tokens = world.kit().admin().grantTokensDirectly();
        connections.putOauth("bench-oauth", tokens.accessToken(), tokens.refreshToken(),
                System.currentTimeMillis() / 1000 + 7200, List.of("public", "write_subscribers", "write_tags"));
        Map<String, Object> figures = new LinkedHashMap<>();
        run(figures, "apiKey", "default", 60, 120);
        run(figures, "oauth", "bench-oauth", 1000, 600);
        BenchReport.write("provision-batch", figures);
    }

    private void run(Map<String, Object> figures, String kind, String account, int people, int limitPerMinute)
            throws Exception {
        // Kit's own figures: warm the account's catalog cache first so only per-person requests are counted
        JsonNode warm = invoke(Map.of("account", account, "email", "warm-" + kind + "@example.com", "tags",
                List.of("bench-a", "bench-b")));
        assertEquals("created", warm.path("outcome").asText(), warm.toString());
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            batch.add(Map.of("email", kind + i + "@example.com", "tags", List.of("bench-a", "bench-b")));
        }
        int before = world.kit().log().size();
        Map<String, Long> callsBefore = IamGuardInterceptor.operations();
        long start = System.nanoTime();
        JsonNode out = invoke(Map.of("account", account, "people", batch));
        int invocations = 1;
        int created = out.path("summary").path("created").asInt();
        while (!out.path("done").asBoolean()) {
            out = invoke(JSON.readValue(out.path("next").toString(), Map.class));
            created += out.path("summary").path("created").asInt();
            invocations++;
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        Map<String, Long> calls = IamGuardInterceptor.since(callsBefore);
        double dynamoPerPerson = calls.values().stream().mapToLong(Long::longValue).sum() / (double) people;
        int requests = world.kit().log().size() - before;
        double perPerson = (double) requests / people;
        double peoplePerMinute = people / minutes;
        double physical = limitPerMinute / perPerson;
        assertEquals(people, created);
        assertEquals(0, world.kit().admin().rateLimited429s());
        figures.put(kind + ".people", people);
        figures.put(kind + ".requestsPerPerson", round(perPerson));
        figures.put(kind + ".peoplePerMinute", round(peoplePerMinute));
        figures.put(kind + ".physicalPeoplePerMinute", round(physical));
        figures.put(kind + ".ratioToPhysical", round(peoplePerMinute / physical));
        figures.put(kind + ".invocations", invocations);
        figures.put(kind + ".dynamoCallsPerPerson", round(dynamoPerPerson));
        figures.put(kind + ".dynamoCalls", calls);
        System.out.printf("BENCH provision-batch %s: %d people x %d tags, %.3f Kit requests/person, %.1f people/min vs"
                + " physical %.1f (%d/min / %.3f) = %.1f%%, %d invocations, %.2f DynamoDB calls/person %s%n", kind, people,
                TAGS, perPerson, peoplePerMinute, physical, limitPerMinute, perPerson, 100 * peoplePerMinute / physical,
                invocations, dynamoPerPerson, calls);
    }

    private static JsonNode invoke(Object input) throws Exception {
        return JSON.readTree(Lambda.invoke(input).asString());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
