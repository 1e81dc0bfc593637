package io.kitbridge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.lookup.LookupRequest;
import io.kitbridge.lookup.LookupResult;
import io.kitbridge.lookup.LookupService;
import io.kitbridge.setup.SetupResult;
import io.kitbridge.setup.SetupService;
import io.kitbridge.sim.DeliveryAttempt;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.testing.World;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end with the simulator: setup registers in Kit, changes made "in Kit's UI" are delivered by the
 * simulator to {@link WebhookBridge}, which invokes webhook-handler through the Lambda mock event server, and
 * lookup shows the result. setup and lookup are called as services in-process (one Funqy export per app).
 * Run against both dialects by the subclasses.
 */
abstract class WebhookEndToEndBase {
    private static final Duration WAIT = Duration.ofSeconds(20);

    World world;

    WebhookBridge bridge;

    @Inject
    SetupService setup;

    @Inject
    LookupService lookup;

    /** What an unsubscribe leaves in this dialect: "cancelled" (Kit's docs) or "inactive" (the seed). */
    abstract String unsubscribed();

    @BeforeEach
    void fresh() {
        assertTrue(world.kit().admin().awaitWebhooksDelivered(WAIT));
        bridge.clear();
    }

    SetupResult setup(String mode) {
        return setup.setup(ApiGatewayEvents.JSON.valueToTree(Map.of("account", "default", "webhooks", mode)));
    }

    LookupResult lookup(String email) {
        return lookup.lookup(new LookupRequest("default", email, null, true, 50));
    }

    void delivered(SimAdmin kit) {
        assertTrue(kit.awaitWebhooksDelivered(WAIT), "simulator still has " + kit.pendingWebhooks() + " pending");
    }

    @Test
    void should_mirror_tag_and_unsubscribe_made_in_kit_when_signed_endpoint_is_registered() throws InterruptedException {
        // GIVEN setup registered a signed endpoint for the account
        SimAdmin kit = world.kit().admin();
        SetupResult registered = setup("signed");
        assertEquals(1, registered.registrations().size());
        assertEquals(java.util.Set.copyOf(KitEvents.IDENTITY_CATALOG_NAMES), java.util.Set.copyOf(registered.registrations()
                .get(0).events()));
        long endpointId = registered.registrations().get(0).id();
        long tagId = kit.createTag("E2E Signed");
        // WHEN a person is created, tagged and then unsubscribed in Kit
        long id = kit.createSubscriber("e2e.signed@example.com", "Sig");
        kit.tag(id, tagId);
        delivered(kit);
        LookupResult tagged = lookup("e2e.signed@example.com");
        kit.unsubscribe(id);
        delivered(kit);
        // THEN lookup shows the tag, then the unsubscribe, from the webhook, with the story in the history
        assertEquals(List.of("E2E Signed"), tagged.tags());
        assertEquals("active", tagged.state());
        LookupResult after = lookup("e2e.signed@example.com");
        assertEquals(unsubscribed(), after.state());
        assertEquals(List.of("E2E Signed"), after.tags());
        assertEquals("webhook", after.source());
        assertEquals("webhook.subscriber_unsubscribe", after.history().get(0).action());
        assertTrue(bridge.forwarded().stream().allMatch(f -> f.status() == 200), bridge.forwarded().toString());
        assertTrue(bridge.forwarded().stream().allMatch(f -> f.signature() != null));
        // Kit's endpoints send catalog names ("subscriber.tag_added"), which map onto the same internal events
        java.util.TreeSet<String> seen = new java.util.TreeSet<>();
        bridge.forwarded().forEach(f -> readTree(f.body()).get("events").forEach(e -> seen.add(e.get("type").asText())));
        List<String> types = List.copyOf(seen);
        assertEquals(List.of("subscriber.activated", "subscriber.created", "subscriber.tag_added",
                "subscriber.unsubscribed"), types);

        // AND a byte-for-byte redelivery is acknowledged but not applied twice
        DeliveryAttempt replay = kit.redeliverLast();
        assertEquals(200, replay.status());
        assertTrue(last().responseBody().contains("\"applied\":0"), last().toString());
        assertEquals(after.history().size(), lookup("e2e.signed@example.com").history().size());

        // AND while Kit rotates the secret (two v1 values: the new one, which we do not hold, and ours)
        kit.rotateEndpointSecret(endpointId);
        kit.untag(id, tagId);
        kit.createSubscriber("e2e.rotation@example.com", "Rot");
        delivered(kit);
        assertEquals("active", lookup("e2e.rotation@example.com").state());
        assertEquals(List.of(), lookup("e2e.signed@example.com").tags());
        assertEquals("webhook.tag_remove", lookup("e2e.signed@example.com").history().get(0).action());
        assertEquals(3, last().signature().split("v1=").length, last().signature());

        // AND a delivery signed 10 minutes in the past is refused (401); Kit's retry, signed afresh, gets through
        kit.setSignatureTimestampSkew(Duration.ofMinutes(-10));
        bridge.clear();
        kit.createSubscriber("e2e.replayed@example.com", null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (bridge.forwarded().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        kit.setSignatureTimestampSkew(Duration.ZERO);
        assertEquals(401, bridge.forwarded().get(0).status());
        delivered(kit);
        assertEquals(200, last().status());
        assertEquals("active", lookup("e2e.replayed@example.com").state());

        // AND once Kit's rotation ends, "recreate" replaces the endpoint with one whose secret we hold
        kit.endSecretRotation(endpointId);
        SetupResult recreated = setup.setup(ApiGatewayEvents.JSON.valueToTree(Map.of("account", "default",
                "webhooks", "signed", "recreate", true)));
        assertEquals("recreate", recreated.removed().get(0).reason());
        kit.createSubscriber("e2e.recreated@example.com", null);
        delivered(kit);
        assertEquals(200, last().status());
        assertEquals("active", lookup("e2e.recreated@example.com").state());
    }

    @Test
    void should_mirror_tag_and_unsubscribe_made_in_kit_when_legacy_webhooks_are_registered() {
        // GIVEN a tag exists and setup registered legacy webhooks (one per event, per tag for tag events)
        SimAdmin kit = world.kit().admin();
        long tagId = kit.createTag("E2E Legacy");
        SetupResult registered = setup("legacy");
        assertTrue(registered.registrations().stream().anyMatch(r -> tagId == (r.tagId() == null ? -1 : r.tagId())
                && r.events().equals(List.of(KitEvents.TAG_ADD))));
        assertTrue(new SimWebhooks(world.kit()).endpoints().isEmpty(), "a signed endpoint of ours would double-deliver");
        // WHEN a person is created and tagged, then unsubscribed, in Kit
        long id = kit.createSubscriber("e2e.legacy@example.com", "Leg");
        kit.tag(id, tagId);
        delivered(kit);
        LookupResult tagged = lookup("e2e.legacy@example.com");
        kit.unsubscribe(id);
        delivered(kit);
        // THEN lookup shows the tag (its name resolved through the Kit catalog), then the unsubscribe
        assertEquals(List.of("E2E Legacy"), tagged.tags());
        LookupResult after = lookup("e2e.legacy@example.com");
        assertEquals(unsubscribed(), after.state());
        assertEquals("webhook", after.source());
        List<WebhookBridge.Forwarded> legacy = bridge.forwarded().stream().filter(f -> f.signature() == null).toList();
        assertEquals(3, legacy.size(), legacy.toString());
        assertTrue(legacy.stream().allMatch(f -> f.status() == 200), legacy.toString());
        JsonNode first = readTree(legacy.get(0).body());
        assertEquals(id, first.at("/subscriber/id").asLong());
    }

    private WebhookBridge.Forwarded last() {
        List<WebhookBridge.Forwarded> all = bridge.forwarded();
        return all.get(all.size() - 1);
    }

    private static JsonNode readTree(String body) {
        try {
            return ApiGatewayEvents.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
