package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bulk endpoints: OAuth only, synchronous up to 100 items, callback above, 413 above 10,000. */
class KitSimulatorBulkTest {
    private KitSimulator sim;
    private WebhookReceiver receiver;
    private SimTestClient oauth;

    @BeforeEach
    void start() {
        sim = KitSimulator.start(SimConfig.defaults().withOauthLimit(5).withWebhookRetryDelay(Duration.ofMillis(20)));
        receiver = new WebhookReceiver();
        oauth = SimTestClient.bearer(sim, sim.admin().grantTokensDirectly().accessToken());
    }

    @AfterEach
    void stop() {
        sim.close();
        receiver.close();
    }

    private static String subscribers(int n, String callback) {
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(Map.of("email_address", "bulk" + i + "@example.com", "first_name", "B" + i));
        }
        return callback == null ? SimTestClient.json(Map.of("subscribers", items))
                : SimTestClient.json(Map.of("subscribers", items, "callback_url", callback));
    }

    @Test
    void should_refuse_bulk_with_403_when_credential_is_an_api_key() {
        // GIVEN API-key clients (header and bearer style)
        // WHEN they call a bulk endpoint
        SimTestClient.Res a = SimTestClient.apiKey(sim, "test-api-key").post("/v4/bulk/subscribers", subscribers(2, null));
        SimTestClient.Res b = SimTestClient.bearer(sim, "test-api-key").post("/v4/bulk/tags/subscribers",
                "{\"taggings\":[{\"tag_id\":1,\"subscriber_id\":2}]}");
        // THEN 403 and nothing is created
        assertEquals(403, a.status());
        assertEquals("Bulk endpoints require OAuth", a.json().at("/errors/0").asText());
        assertEquals(403, b.status());
        assertEquals(0, sim.admin().subscriberCount());
    }

    @Test
    void should_process_synchronously_with_failures_when_at_most_100_items() {
        // GIVEN 99 valid and 1 invalid subscriber
        String body = subscribers(99, null).replace("]}", ",{\"email_address\":\"broken\"}]}");
        // WHEN bulk-created
        SimTestClient.Res r = oauth.post("/v4/bulk/subscribers", body);
        // THEN 200 with 99 subscribers and one failure; it counted as one request
        assertEquals(200, r.status(), r.body());
        assertEquals(99, r.json().get("subscribers").size());
        assertEquals(1, r.json().get("failures").size());
        assertEquals("broken", r.json().at("/failures/0/email_address").asText());
        assertTrue(r.json().at("/failures/0/errors/0").asText().contains("invalid"));
        assertEquals(99, sim.admin().subscriberCount());
        // AND bulk tagging works the same way
        long tag = sim.admin().createTag("bulk");
        long id = sim.admin().subscriberByEmail("bulk0@example.com").orElseThrow().id();
        SimTestClient.Res t = oauth.post("/v4/bulk/tags/subscribers", "{\"taggings\":[{\"tag_id\":" + tag
                + ",\"subscriber_id\":" + id + "},{\"tag_id\":" + tag + ",\"subscriber_id\":1}]}");
        assertEquals(200, t.status());
        assertEquals(1, t.json().get("taggings").size());
        assertEquals(1, t.json().get("failures").size());
        assertTrue(sim.admin().subscriber(id).orElseThrow().tagIds().contains(tag));
        SimTestClient.Res u = oauth.delete("/v4/bulk/tags/subscribers", "{\"taggings\":[{\"tag_id\":" + tag
                + ",\"subscriber_id\":" + id + "}]}");
        assertEquals(200, u.status());
        assertTrue(sim.admin().subscriber(id).orElseThrow().tagIds().isEmpty());
        assertEquals(3, sim.log().mutating().size());
    }

    @Test
    void should_answer_202_and_post_result_to_callback_when_more_than_100_items() throws Exception {
        // GIVEN 250 subscribers and a callback URL
        String callback = receiver.url("/bulk-done?job=7");
        // WHEN bulk-created
        SimTestClient.Res r = oauth.post("/v4/bulk/subscribers", subscribers(250, callback));
        // THEN 202 {} now, and the result body is POSTed to the callback later
        assertEquals(202, r.status());
        assertEquals("{}", r.body());
        assertTrue(sim.admin().awaitWebhooksDelivered(Duration.ofSeconds(10)));
        List<WebhookReceiver.Received> got = receiver.received();
        assertEquals(1, got.size());
        assertEquals("job=7", got.get(0).query());
        JsonNode result = SimTestClient.MAPPER.readTree(got.get(0).body());
        assertEquals(250, result.get("subscribers").size());
        assertEquals(0, result.get("failures").size());
        assertEquals(250, sim.admin().subscriberCount());
        assertEquals("bulk-callback", sim.admin().deliveries().get(0).kind());
    }

    @Test
    void should_answer_413_when_more_than_10000_items() {
        // GIVEN 10,001 items
        // WHEN posted
        SimTestClient.Res r = oauth.post("/v4/bulk/subscribers", subscribers(10_001, null));
        // THEN 413
        assertEquals(413, r.status());
        assertEquals(0, sim.admin().subscriberCount());
    }
}
