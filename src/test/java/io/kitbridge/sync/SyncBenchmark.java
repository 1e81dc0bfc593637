package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.BenchReport;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Full syncs through the local state machine at Kit's real limits and window (60 s), real Wait states, default
 * configuration: 100k subscribers on an API key (120/min) and on an OAuth token (600/min), 1M on an OAuth token
 * ({@code -Dbench.large-subscribers=N} runs another size); 20 tags each. Asserts the physical minimum of Kit
 * requests (ceil(N/1000) subscriber pages with their tags + the tag list, nothing per tag) and an exact mirror.
 * Prints and writes target/bench/sync-*.json: requests vs the minimum (and vs the per-tag pass it replaced), budget
 * utilisation, wall time vs the budget-bound minimum, sync-page's own processing time and DynamoDB writes per
 * 1,000-subscriber page. Run with -Pbench.
 */
@Tag("benchmark")
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "120"),
        @ResourceArg(name = "oauthLimit", value = "600"),
        @ResourceArg(name = "window", value = "60")})
class SyncBenchmark {
    static final int TAGS = 20;
    static final double BULK_SHARE = 0.8; // kitbridge.budget.interactive-reserve 0.2
    static final int BURST = 2;

    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    ConnectionStore connections;

    @Inject
    CredentialResolver credentials;

    @Test
    @Order(1)
    void full_sync_of_100k_on_an_api_key() {
        BenchReport.write("sync-100k-api-key", run(100_000, "default", 120));
    }

    /** The daily case: a full sync of an account already mirrored, where only changed records are written. */
    @Test
    @Order(2)
    void full_sync_of_100k_on_an_api_key_when_the_mirror_is_settled() {
        if (mirror.subscribersAfter("default", 0, 1).isEmpty()) {
            run(100_000, "default", 120); // the first import (not reported), unless test 1 just did it
        }
        BenchReport.write("sync-100k-api-key-settled", run(world, mirror, 100_000, "default", 120, "-settled"));
    }

    @Test
    @Order(3)
    void full_sync_of_100k_on_oauth() {
        BenchReport.write("sync-100k-oauth", run(100_000, oauthAccount("bench-oauth-100k"), 600));
    }

    @Test
    @Order(4)
    void full_sync_of_1m_on_oauth() {
        int subscribers = Integer.getInteger("bench.large-subscribers", 1_000_000);
        String name = subscribers == 1_000_000 ? "1m" : subscribers / 1000 + "k";
        BenchReport.write("sync-" + name + "-oauth", run(subscribers, oauthAccount("bench-oauth-" + name), 600));
    }

    private String oauthAccount(String name) {
        return oauthAccount(world, connections, credentials, name);
    }

    static String oauthAccount(World world, ConnectionStore connections, CredentialResolver credentials, String name) {
        OAuthTokens tokens = world.kit().admin().grantTokensDirectly("public read_subscribers write_subscribers write_tags");
        connections.putOauth(name, tokens.accessToken(), tokens.refreshToken(), Long.MAX_VALUE / 2000,
                List.of("read_subscribers"));
        credentials.invalidate(name);
        return name;
    }

    private Map<String, Object> run(int subscribers, String account, int limitPerMinute) {
        return run(world, mirror, subscribers, account, limitPerMinute);
    }

    static Map<String, Object> run(World world, MirrorStore mirror, int subscribers, String account, int limitPerMinute) {
        return run(world, mirror, subscribers, account, limitPerMinute, "");
    }

    /** {@code label}: tells this run's execution (and so its sync) apart from an earlier one of the same account. */
    static Map<String, Object> run(World world, MirrorStore mirror, int subscribers, String account, int limitPerMinute,
            String label) {
        SimAdmin sim = world.kit().admin();
        sim.seed(new SeedSpec(subscribers, TAGS, List.of("company", "plan", "role"), 42L));
        sim.resetRateLimits();
        world.kit().log().clear();
        long tagPages = SyncStateMachineTest.tagPagesMinimum(sim);
        long subscriberPages = (subscribers + 999) / 1000;
        long minimum = subscriberPages + 1;

        JsonNode run = LocalStateMachine.run(3 * 3600, "{\"account\":\"" + account + "\",\"mode\":\"full\"}",
                "bench-" + account + "-" + subscribers + label, "--retry-ms", "1000");
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        JsonNode output = run.path("output");
        JsonNode stats = output.path("stats");
        long requests = world.kit().log().size();
        double wallSeconds = run.path("wallMillis").asLong() / 1000.0;
        double bulkPerSecond = BULK_SHARE * limitPerMinute / 60.0;
        double budgetBoundSeconds = Math.max(0, requests - BURST) / bulkPerSecond;
        long pages = Math.max(1, stats.path("subscriberPages").asLong());
        long kitRequests = Math.max(1, stats.path("kitRequests").asLong());
        List<String> differences = MirrorMatch.differences(sim, mirror, account);

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("subscribers", subscribers);
        f.put("tags", TAGS);
        f.put("limitPerMinute", limitPerMinute);
        f.put("kitRequests", requests);
        f.put("minimumRequests", minimum);
        f.put("minimumBreakdown", subscriberPages + " subscriber pages (include=tags) + 1 tag list");
        f.put("perTagPassRequests", subscriberPages + tagPages + 1);
        f.put("tagsFrom", output.path("tagsFrom").asText());
        f.put("rateLimited429s", sim.rateLimited429s());
        f.put("simulatorViolations", sim.violations());
        f.put("wallSeconds", round(wallSeconds));
        f.put("budgetBoundMinimumSeconds", round(budgetBoundSeconds));
        f.put("wallVsMinimum", round(wallSeconds / budgetBoundSeconds));
        f.put("budgetUtilisationOfLimit", round(requests / (wallSeconds * limitPerMinute / 60.0)));
        f.put("budgetUtilisationOfBulkShare", round(requests / (wallSeconds * bulkPerSecond)));
        f.put("invocations", run.path("invocations").asInt());
        f.put("executions", run.path("executions").size());
        f.put("waits", run.path("waits").asInt());
        f.put("processingMsPerSubscriberPage", round((double) stats.path("pageProcessingMillis").asLong() / pages));
        f.put("cpuMsPerSubscriberPage", round(stats.path("pageCpuMicros").asLong() / 1000.0 / pages));
        f.put("pagesReadAhead", stats.path("pagesReadAhead").asLong());
        f.put("missingPassSeconds", round(stats.path("missingProcessingMillis").asLong() / 1000.0));
        f.put("kitLatencyMsPerRequest", round((double) stats.path("kitMillis").asLong() / kitRequests));
        f.put("mirrorWrites", stats.path("mirrorWrites").asLong());
        f.put("controlWrites", stats.path("controlWrites").asLong());
        f.put("mirrorWritesPerSubscriberPage", round((double) stats.path("mirrorWrites").asLong() / pages));
        f.put("controlWritesPerSubscriberPage", round((double) stats.path("controlWrites").asLong() / pages));
        f.put("mirrorMatchesKit", differences.isEmpty());
        System.out.println("SYNC BENCHMARK " + f);
        assertEquals(List.of(), differences);
        assertEquals(subscriberPages, world.kit().log().matching("GET", "/v4/subscribers").size(), "subscriber requests");
        assertEquals(0, world.kit().log().matching("GET", "/v4/tags/\\d+/subscribers").size(), "tag member requests");
        assertEquals(minimum, requests, "requests vs the physical minimum");
        assertEquals(0, sim.rateLimited429s());
        return f;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
