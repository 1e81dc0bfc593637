package io.kitbridge.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strict per-credential sliding-window rate limiting. The limiter's clock is frozen in every test and moved only
 * by the test, so which request falls in which window is decided here, not by the machine's speed.
 */
class KitSimulatorRateLimitTest {
    private KitSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private KitSimulator start(Dialect d, int limit, Duration window) {
        sim = KitSimulator.start(SimConfig.defaults().withDialect(d).withApiKeyLimit(limit).withOauthLimit(limit * 2)
                .withWindow(window).withApiKeys(Set.of("key-a", "key-b")));
        sim.admin().freezeRateLimitClock();
        return sim;
    }

    @Test
    void should_answer_429_with_retry_after_when_limit_is_exceeded_in_seed_dialect() {
        // GIVEN limit 10 per 2 s
        start(Dialect.SEED, 10, Duration.ofSeconds(2));
        SimTestClient kit = SimTestClient.apiKey(sim, "key-a");
        // WHEN 11 requests are made at once
        for (int i = 0; i < 10; i++) {
            assertEquals(200, kit.get("/v4/subscribers").status());
        }
        SimTestClient.Res r = kit.get("/v4/tags");
        // THEN the 11th is a plain-text 429 with Retry-After, recorded as a violation
        assertEquals(429, r.status());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "retry after " + retryAfter);
        assertEquals(1, sim.admin().violations());
        Violation v = sim.admin().violationList().get(0);
        assertTrue(v.isFor("key-a"));
        assertFalse(v.isFor("key-b"));
        assertEquals("/v4/tags", v.path());
        assertEquals(1, sim.admin().rateLimited429s());
        // AND another credential has its own budget
        assertEquals(200, SimTestClient.bearer(sim, "key-b").get("/v4/tags").status());
    }

    @Test
    void should_answer_429_retry_later_without_retry_after_when_limit_is_exceeded_in_public_dialect() {
        // guards: the window's end was waited for with a 2.1 s sleep against a 2 s window
        // GIVEN limit 10 per 2 s
        start(Dialect.PUBLIC, 10, Duration.ofSeconds(2));
        SimTestClient kit = SimTestClient.apiKey(sim, "key-a");
        for (int i = 0; i < 10; i++) {
            assertEquals(200, kit.get("/v4/subscribers").status());
        }
        // WHEN the 11th and 12th requests arrive inside the window
        SimTestClient.Res r = kit.post("/v4/tags", "{\"name\":\"x\"}");
        SimTestClient.Res r2 = kit.get("/v4/subscribers");
        // THEN both are 429 "Retry later" without Retry-After and the rejected POST did nothing
        assertEquals(429, r.status());
        assertEquals("Retry later", r.body());
        assertTrue(r.headers().firstValue("Retry-After").isEmpty());
        assertEquals(429, r2.status());
        assertEquals(2, sim.admin().violations());
        assertTrue(sim.admin().tagIdsByName().isEmpty());
        // WHEN the window slides past (429s did not count): 1 ms short of it, then to its end
        sim.admin().advanceRateLimitClock(Duration.ofMillis(1999));
        assertEquals(429, kit.get("/v4/subscribers").status());
        sim.admin().advanceRateLimitClock(Duration.ofMillis(1));
        // THEN requests are accepted again
        assertEquals(200, kit.get("/v4/subscribers").status());
        assertEquals(3, sim.admin().violations());
    }

    @Test
    void should_use_a_sliding_window_when_requests_are_spread_out() {
        // guards: 0.9 s and 0.8 s sleeps against a 1.5 s window decided the outcome on a slow machine
        // GIVEN limit 4 per 1.5 s, with 2 requests early and 2 more 0.9 s later
        start(Dialect.PUBLIC, 4, Duration.ofMillis(1500));
        SimTestClient kit = SimTestClient.apiKey(sim, "key-a");
        assertEquals(200, kit.get("/v4/tags").status());
        assertEquals(200, kit.get("/v4/tags").status());
        sim.admin().advanceRateLimitClock(Duration.ofMillis(900));
        assertEquals(200, kit.get("/v4/tags").status());
        assertEquals(200, kit.get("/v4/tags").status());
        // WHEN the first two leave the window (1.7 s later) but the last two have not (0.8 s)
        sim.admin().advanceRateLimitClock(Duration.ofMillis(800));
        // THEN exactly two more fit (a fixed window reset would have allowed four)
        assertEquals(200, kit.get("/v4/tags").status());
        assertEquals(200, kit.get("/v4/tags").status());
        assertEquals(429, kit.get("/v4/tags").status());
    }

    @Test
    void should_accept_exactly_the_limit_when_many_threads_hammer_one_credential() throws Exception {
        // GIVEN limit 25 per 30 s and 200 concurrent requests from 16 threads on one key
        start(Dialect.PUBLIC, 25, Duration.ofSeconds(30));
        SimTestClient kit = SimTestClient.apiKey(sim, "key-a");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return kit.get("/v4/subscribers?per_page=1").status();
            }));
        }
        // WHEN they all go at once
        go.countDown();
        int ok = 0;
        int limited = 0;
        for (Future<Integer> f : results) {
            int s = f.get(30, TimeUnit.SECONDS);
            if (s == 200) {
                ok++;
            } else if (s == 429) {
                limited++;
            }
        }
        pool.shutdown();
        // THEN exactly 25 are accepted and the rest are violations
        assertEquals(25, ok);
        assertEquals(175, limited);
        assertEquals(175, sim.admin().violations());
        assertEquals(200, sim.log().count("GET", "/v4/subscribers"));
    }

    @Test
    void should_count_oauth_tokens_separately_with_their_own_limit_when_bearer_tokens_are_used() {
        // GIVEN api-key limit 3, OAuth limit 6
        start(Dialect.PUBLIC, 3, Duration.ofSeconds(30));
        OAuthTokens t = sim.admin().grantTokensDirectly();
        SimTestClient oauth = SimTestClient.bearer(sim, t.accessToken());
        SimTestClient key = SimTestClient.apiKey(sim, "key-a");
        // WHEN both credentials are used past the API-key limit
        int oauthOk = 0;
        for (int i = 0; i < 7; i++) {
            if (oauth.get("/v4/tags").status() == 200) {
                oauthOk++;
            }
        }
        int keyOk = 0;
        for (int i = 0; i < 4; i++) {
            if (key.get("/v4/tags").status() == 200) {
                keyOk++;
            }
        }
        // THEN each gets its own budget and /oauth/token is never limited
        assertEquals(6, oauthOk);
        assertEquals(3, keyOk);
        assertEquals(2, sim.admin().violations());
        assertEquals("oauth", sim.admin().violationList().get(0).credentialKind());
        assertFalse(sim.log().all().stream().anyMatch(r -> String.valueOf(r.body()).contains(t.accessToken())
                || String.valueOf(r.query()).contains(t.accessToken())));
    }

    @Test
    void should_answer_401_without_counting_when_credentials_are_missing_or_unknown() {
        // GIVEN limit 1
        start(Dialect.PUBLIC, 1, Duration.ofSeconds(30));
        // WHEN unauthenticated requests arrive
        SimTestClient.Res none = SimTestClient.anonymous(sim).get("/v4/subscribers");
        SimTestClient.Res bad = SimTestClient.apiKey(sim, "nope").get("/v4/subscribers");
        SimTestClient.Res badBearer = SimTestClient.bearer(sim, "nope").get("/v4/subscribers");
        // THEN 401 invalid and no rate-limit effects
        assertEquals(401, none.status());
        assertEquals("The access token is invalid", none.json().at("/errors/0").asText());
        assertEquals(401, bad.status());
        assertEquals(401, badBearer.status());
        assertEquals(0, sim.admin().violations());
        assertEquals(List.of("none", "api-key", "oauth"),
                sim.log().all().stream().map(RecordedRequest::credentialKind).toList());
    }
}
