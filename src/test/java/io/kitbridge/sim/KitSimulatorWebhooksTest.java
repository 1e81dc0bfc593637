package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Legacy and signed webhook registration, delivery, signatures, batching and retries. */
class KitSimulatorWebhooksTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private KitSimulator sim;
    private WebhookReceiver receiver;
    private SimTestClient kit;

    @BeforeEach
    void start() {
        sim = KitSimulator.start(SimConfig.defaults().withWebhookRetryDelay(Duration.ofMillis(40)));
        receiver = new WebhookReceiver();
        kit = SimTestClient.apiKey(sim, "test-api-key");
    }

    @AfterEach
    void stop() {
        sim.close();
        receiver.close();
    }

    private long legacy(String event, Long tagId, String path) {
        String ev = tagId == null ? "{\"name\":\"" + event + "\"}" : "{\"name\":\"" + event + "\",\"tag_id\":" + tagId + "}";
        SimTestClient.Res r = kit.post("/v4/webhooks", "{\"target_url\":\"" + receiver.url(path) + "\",\"event\":" + ev + "}");
        assertEquals(201, r.status(), r.body());
        return r.json().at("/webhook/id").asLong();
    }

    /** Verifies X-Kit-Signature like a receiver would; returns how many v1 values matched the secret. */
    private static int validSignatures(String header, String body, String secret) {
        String t = null;
        List<String> v1 = new ArrayList<>();
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                t = part.substring(2);
            } else if (part.startsWith("v1=")) {
                v1.add(part.substring(3));
            }
        }
        String expected = WebhookDispatcher.hmac(secret, t + "." + body);
        assertTrue(Math.abs(Long.parseLong(t) - System.currentTimeMillis() / 1000) < 300, "timestamp tolerance");
        return (int) v1.stream().filter(expected::equals).count();
    }

    @Test
    void should_post_subscriber_body_to_legacy_target_when_events_happen_via_api_and_admin() throws Exception {
        // GIVEN legacy hooks for activate, unsubscribe, and tag_add on one tag only (target has a query string)
        long tagA = sim.admin().createTag("a");
        long tagB = sim.admin().createTag("b");
        long hookId = legacy("subscriber.subscriber_activate", null, "/hooks/acme?secret=s3cr3t");
        legacy("subscriber_unsubscribe", null, "/hooks/acme?secret=s3cr3t");
        legacy("subscriber.tag_add", tagA, "/hooks/tags");
        // WHEN a subscriber is created over the API, tagged with both tags, and unsubscribed in the "UI"
        long id = kit.post("/v4/subscribers", "{\"email_address\":\"w@example.com\",\"first_name\":\"W\"}").json()
                .at("/subscriber/id").asLong();
        kit.post("/v4/tags/" + tagA + "/subscribers/" + id, "");
        kit.post("/v4/tags/" + tagB + "/subscribers/" + id, "");
        sim.admin().unsubscribe(id);
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // THEN three POSTs: activate + unsubscribe to the exact URL incl. query, tag_add only for tag A
        List<WebhookReceiver.Received> got = receiver.received();
        assertEquals(3, got.size(), got.toString());
        assertEquals(2, got.stream().filter(g -> g.path().equals("/hooks/acme") && "secret=s3cr3t".equals(g.query()))
                .count());
        assertEquals(1, got.stream().filter(g -> g.path().equals("/hooks/tags")).count());
        for (WebhookReceiver.Received g : got) {
            JsonNode b = SimTestClient.MAPPER.readTree(g.body());
            assertEquals(id, b.at("/subscriber/id").asLong());
            assertEquals("w@example.com", b.at("/subscriber/email_address").asText());
            assertNull(g.signature());
        }
        // AND the registration is listed and deletable
        JsonNode list = kit.get("/v4/webhooks").json();
        assertEquals(3, list.get("webhooks").size());
        assertEquals("subscriber.subscriber_activate", list.at("/webhooks/0/event/name").asText());
        assertEquals(tagA, list.at("/webhooks/2/event/initiator_value").asLong());
        assertEquals(204, kit.delete("/v4/webhooks/" + hookId).status());
        assertEquals(404, kit.delete("/v4/webhooks/" + hookId).status());
        assertEquals(422, kit.post("/v4/webhooks", "{\"target_url\":\"x\",\"event\":{\"name\":\"nope\"}}").status());
    }

    @Test
    void should_sign_and_batch_deliveries_with_catalog_names_when_endpoint_is_registered() throws Exception {
        // GIVEN a signed endpoint for the catalog's tag_added (custom field updates have no catalog event)
        sim.admin().createCustomField("plan");
        SimTestClient.Res r = kit.post("/v4/webhook_endpoints", "{\"url\":\"" + receiver.url("/signed")
                + "\",\"events\":[\"subscriber.tag_added\"],\"name\":\"kb\"}");
        assertEquals(201, r.status(), r.body());
        String secret = r.json().at("/webhook_endpoint/secret").asText();
        assertEquals(64, secret.length());
        assertFalse(kit.get("/v4/webhook_endpoints").json().at("/webhook_endpoints/0").has("secret"));
        // WHEN 150 subscribers are tagged in a burst and one field changes
        long tag = sim.admin().createTag("vip");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            ids.add(sim.admin().createSubscriber("b" + i + "@example.com", null));
        }
        for (long id : ids) {
            sim.admin().tag(id, tag);
        }
        sim.admin().setField(ids.get(0), "plan", "pro");
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // THEN every delivery carries a valid signature, no batch exceeds 100 events, every event arrives once, typed
        // with the catalog name and carrying the subscriber object plus the tag
        Set<String> eventIds = new HashSet<>();
        int tagEvents = 0;
        for (WebhookReceiver.Received g : receiver.received()) {
            assertEquals(1, validSignatures(g.signature(), g.body(), secret));
            JsonNode b = SimTestClient.MAPPER.readTree(g.body());
            assertTrue(b.get("delivery_id").asText().length() > 30);
            assertTrue(b.get("events").size() <= 100);
            for (JsonNode e : b.get("events")) {
                assertTrue(eventIds.add(e.get("id").asText()));
                assertEquals("subscriber.tag_added", e.get("type").asText());
                tagEvents++;
                assertEquals("vip", e.at("/data/tag/name").asText());
                assertTrue(e.at("/data/subscriber/id").asLong() > 0);
                assertTrue(e.at("/data/subscriber/email_address").asText().endsWith("@example.com"));
                assertTrue(e.get("created").asText().endsWith("Z"));
            }
        }
        assertTrue(receiver.received().size() >= 2);
        assertEquals(150, tagEvents);
    }

    @Test
    void should_refuse_legacy_and_unavailable_event_names_with_422_when_an_endpoint_is_created() {
        // GIVEN Kit's endpoint catalog (kit-v4-deltas.md): its own names only
        String url = receiver.url("/signed");
        // WHEN an endpoint is registered with legacy names, an unknown name, or a catalog name this account lacks
        SimTestClient.Res legacyNames = kit.post("/v4/webhook_endpoints", "{\"url\":\"" + url
                + "\",\"events\":[\"subscriber.tag_add\",\"subscriber.subscriber_unsubscribe\"],\"name\":\"kb\"}");
        SimTestClient.Res unknown = kit.post("/v4/webhook_endpoints", "{\"url\":\"" + url
                + "\",\"events\":[\"subscriber.activated\",\"subscriber.teleported\"],\"name\":\"kb\"}");
        sim.admin().setUnavailableEndpointEvents(Set.of("subscriber.complained"));
        SimTestClient.Res unavailable = kit.post("/v4/webhook_endpoints", "{\"url\":\"" + url
                + "\",\"events\":[\"subscriber.complained\"],\"name\":\"kb\"}");
        SimTestClient.Res catalog = kit.post("/v4/webhook_endpoints", "{\"url\":\"" + url
                + "\",\"events\":[\"subscriber.created\",\"subscriber.tag_removed\"],\"name\":\"kb\"}");
        // THEN each is refused with 422 naming the refused types, and only the catalog registration exists
        assertEquals(422, legacyNames.status(), legacyNames.body());
        assertTrue(legacyNames.body().contains("subscriber.tag_add") && legacyNames.body().contains("subscriber.subscriber_unsubscribe"));
        assertEquals(422, unknown.status(), unknown.body());
        assertTrue(unknown.body().contains("subscriber.teleported") && !unknown.body().contains("subscriber.activated"));
        assertEquals(422, unavailable.status(), unavailable.body());
        assertEquals(201, catalog.status(), catalog.body());
        assertEquals(1, kit.get("/v4/webhook_endpoints").json().get("webhook_endpoints").size());
    }

    @Test
    void should_sign_with_old_and_new_secret_when_secret_is_rotated() throws Exception {
        // GIVEN an endpoint whose secret is rotated
        JsonNode ep = kit.post("/v4/webhook_endpoints", "{\"url\":\"" + receiver.url("/signed")
                + "\",\"events\":[\"subscriber.activated\"],\"name\":\"kb\"}").json().get("webhook_endpoint");
        String oldSecret = ep.get("secret").asText();
        String newSecret = sim.admin().rotateEndpointSecret(ep.get("id").asLong());
        // WHEN an event fires
        sim.admin().createSubscriber("r@example.com", null);
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // THEN the header carries two v1 values, one valid for each secret
        WebhookReceiver.Received g = receiver.received().get(0);
        assertEquals(2, g.signature().split("v1=").length - 1);
        assertEquals(1, validSignatures(g.signature(), g.body(), oldSecret));
        assertEquals(1, validSignatures(g.signature(), g.body(), newSecret));
    }

    @Test
    void should_retry_with_backoff_and_stop_on_410_when_receiver_fails() throws Exception {
        // GIVEN a receiver that fails twice with 500 then accepts
        legacy("subscriber.subscriber_bounce", null, "/retry");
        receiver.statuses.add(500);
        receiver.statuses.add(503);
        long id = sim.admin().createSubscriber("x@example.com", null);
        // WHEN an event fires
        sim.admin().bounce(id);
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // THEN three attempts were made, the last succeeded
        List<DeliveryAttempt> d = sim.admin().deliveries();
        assertEquals(List.of(500, 503, 200), d.stream().map(DeliveryAttempt::status).toList());
        assertEquals(List.of(1, 2, 3), d.stream().map(DeliveryAttempt::attempt).toList());
        // WHEN the next delivery gets 410 Gone
        sim.admin().clearDeliveries();
        receiver.statuses.add(410);
        sim.admin().complain(id);
        sim.admin().bounce(id);
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // THEN it is not retried
        assertEquals(List.of(410), sim.admin().deliveries().stream().map(DeliveryAttempt::status).toList());
    }

    @Test
    void should_wait_for_retry_after_when_receiver_answers_429() throws Exception {
        // GIVEN a receiver that answers 429 with Retry-After: 1 once (base retry delay is only 40 ms)
        legacy("subscriber.course_complete", null, "/slow");
        receiver.statuses.add(429);
        long id = sim.admin().createSubscriber("c@example.com", null);
        // WHEN an event fires
        sim.admin().fireEvent("course_complete", id);
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // THEN the retry came about a second later
        List<WebhookReceiver.Received> got = receiver.received();
        assertEquals(2, got.size());
        long gapMs = (got.get(1).atNanos() - got.get(0).atNanos()) / 1_000_000;
        assertTrue(gapMs >= 900, "gap " + gapMs);
    }

    @Test
    void should_give_up_after_eight_attempts_when_target_is_unreachable() throws Exception {
        // GIVEN a fast-retrying simulator and a hook pointing at a closed port
        sim.close();
        sim = KitSimulator.start(SimConfig.defaults().withWebhookRetryDelay(Duration.ofMillis(2)));
        kit = SimTestClient.apiKey(sim, "test-api-key");
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        kit.post("/v4/webhooks", "{\"target_url\":\"http://127.0.0.1:" + closedPort + "/dead\",\"event\":{\"name\":"
                + "\"subscriber.link_click\"}}");
        long id = sim.admin().createSubscriber("l@example.com", null);
        // WHEN an event fires
        sim.admin().fireEvent("subscriber.link_click", id);
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // THEN exactly 8 failed attempts are recorded
        List<DeliveryAttempt> d = sim.admin().deliveries();
        assertEquals(8, d.size());
        assertTrue(d.stream().allMatch(a -> a.status() == -1));
        assertEquals(8, d.get(7).attempt());
    }

    @Test
    void should_resend_identical_bytes_when_last_delivery_is_redelivered() throws Exception {
        // GIVEN one delivered signed event
        kit.post("/v4/webhook_endpoints", "{\"url\":\"" + receiver.url("/signed")
                + "\",\"events\":[\"subscriber.subscribed_to_form\"],\"name\":\"kb\"}");
        long id = sim.admin().createSubscriber("f@example.com", null);
        sim.admin().fireEvent("form_subscribe", id);
        assertTrue(sim.admin().awaitWebhooksDelivered(WAIT));
        // WHEN it is redelivered
        DeliveryAttempt again = sim.admin().redeliverLast();
        // THEN the receiver got the same body and signature twice
        List<WebhookReceiver.Received> got = receiver.awaitCount(2, WAIT);
        assertEquals(2, got.size());
        assertEquals(got.get(0).body(), got.get(1).body());
        assertEquals(got.get(0).signature(), got.get(1).signature());
        assertEquals(200, again.status());
        assertEquals(0, again.attempt());
    }
}
