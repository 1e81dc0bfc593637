package io.kitbridge.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.World;
import io.kitbridge.webhook.KitEvents;
import io.kitbridge.webhook.SimWebhooks;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** setup through the Lambda mock event server against the simulator; registrations checked in Kit itself. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "setup"),
        @ResourceArg(name = "limit", value = "600"),
        @ResourceArg(name = "kitbridge.webhook.base-url", value = SetupFunctionTest.BASE + "/")})
class SetupFunctionTest {
    static final String BASE = "https://hooks.kitbridge.test";

    World world;

    @Inject
    ConnectionStore connections;

    @Inject
    MirrorStore mirror;

    SimWebhooks kit;

    @BeforeEach
    void kitView() {
        kit = new SimWebhooks(world.kit());
    }

    static boolean ours(String url, String account) {
        return url.startsWith(BASE + "/webhooks/" + account);
    }

    Map<String, AttributeValue> connectionItem(String account) {
        return world.dynamo().getItem(b -> b.tableName(world.tables().connections())
                .key(Map.of("account", AttributeValue.fromS(account))).consistentRead(true)).item();
    }

    @Test
    void should_register_legacy_webhooks_once_per_event_and_tag_and_keep_them_when_run_again() {
        // GIVEN an account "legacy1" (API key connection) with two tags, and someone else's webhook in Kit
        connections.putApiKey("legacy1", KitWorld.API_KEY);
        long tagA = world.kit().admin().createTag("Legacy A");
        long tagB = world.kit().admin().createTag("Legacy B");
        JsonNode foreign = kit.createLegacy("https://elsewhere.example/hook", "subscriber.subscriber_activate", null);
        // WHEN setup runs twice
        Response first = Lambda.invoke(Map.of("account", "legacy1", "webhooks", "legacy"));
        Response second = Lambda.invoke(Map.of("account", "legacy1", "webhooks", "legacy"));
        // THEN the first creates 9 event hooks + tag_add/tag_remove per tag, the second keeps them all
        assertEquals(200, first.statusCode(), first.asString());
        int tags = world.kit().admin().tagIdsByName().size();
        assertEquals(9 + 2 * tags, first.jsonPath().getInt("created"));
        assertEquals(BASE + "/webhooks/legacy1", first.jsonPath().getString("targetUrl"));
        assertEquals(11, first.jsonPath().getList("events").size());
        assertEquals(200, second.statusCode(), second.asString());
        assertEquals(0, second.jsonPath().getInt("created"));
        assertEquals(9 + 2 * tags, second.jsonPath().getInt("kept"));
        assertTrue(second.jsonPath().getList("removed").isEmpty());
        // AND in Kit: every URL of ours carries event, token (the stored one) and, for tag events, tag_id
        String token = connectionItem("legacy1").get("webhookToken").s();
        List<JsonNode> hooks = kit.legacy().stream().filter(h -> ours(h.get("target_url").asText(), "legacy1")).toList();
        assertEquals(9 + 2 * tags, hooks.size());
        for (JsonNode h : hooks) {
            String url = h.get("target_url").asText();
            assertTrue(url.contains("event=" + h.at("/event/name").asText()), url);
            assertTrue(url.endsWith("&token=" + token), url);
        }
        Set<String> tagUrls = hooks.stream().map(h -> h.get("target_url").asText()).filter(u -> u.contains("tag_id="))
                .collect(Collectors.toSet());
        assertTrue(tagUrls.contains(BASE + "/webhooks/legacy1?event=subscriber.tag_add&tag_id=" + tagA + "&token=" + token));
        assertTrue(tagUrls.contains(BASE + "/webhooks/legacy1?event=subscriber.tag_remove&tag_id=" + tagB + "&token=" + token));
        assertTrue(kit.legacy().stream().anyMatch(h -> h.get("id").asLong() == foreign.get("id").asLong()));
        // AND neither output nor the credential in the same item leaked or was lost
        assertFalse(first.asString().contains(token));
        assertEquals(KitWorld.API_KEY, connections.find("legacy1").orElseThrow().apiKey());
        assertEquals("setup.webhooks", mirror.history("legacy1", SetupService.AUDIT_SUBJECT, 1).get(0).action());
    }

    @Test
    void should_remove_stale_registrations_pointing_at_us_and_nothing_else() {
        // GIVEN legacy hooks for two events, plus a hand-made one pointing at us with an old token, and a duplicate
        connections.putApiKey("legacy2", KitWorld.API_KEY);
        Response first = Lambda.invoke(Map.of("account", "legacy2", "webhooks", "legacy",
                "events", List.of("subscriber_activate", "subscriber.subscriber_unsubscribe")));
        assertEquals(2, first.jsonPath().getInt("created"), first.asString());
        String token = connectionItem("legacy2").get("webhookToken").s();
        kit.createLegacy(BASE + "/webhooks/legacy2?event=subscriber.subscriber_bounce&token=old", "subscriber.subscriber_bounce", null);
        kit.createLegacy(BASE + "/webhooks/legacy2?event=subscriber.subscriber_unsubscribe&token=" + token,
                "subscriber.subscriber_unsubscribe", null);
        kit.createLegacy(BASE + "/webhooks/legacy22?event=x", "subscriber.subscriber_bounce", null);
        // WHEN setup runs with only the unsubscribe event
        Response second = Lambda.invoke(Map.of("account", "legacy2", "webhooks", "legacy",
                "events", List.of("subscriber_unsubscribe")));
        // THEN activate, the old-token hook and the duplicate are removed; account legacy22's hook is untouched
        assertEquals(200, second.statusCode(), second.asString());
        assertEquals(1, second.jsonPath().getInt("kept"));
        assertEquals(0, second.jsonPath().getInt("created"));
        assertEquals(Set.of("stale", "duplicate"), Set.copyOf(second.jsonPath().getList("removed.reason")));
        assertEquals(3, second.jsonPath().getList("removed").size());
        List<String> left = kit.legacy().stream().map(h -> h.get("target_url").asText()).filter(u -> u.contains("/legacy2"))
                .toList();
        assertEquals(2, left.size(), left.toString());
        assertTrue(left.contains(BASE + "/webhooks/legacy2?event=subscriber.subscriber_unsubscribe&token=" + token));
        assertTrue(left.contains(BASE + "/webhooks/legacy22?event=x"));
    }

    @Test
    void should_switch_to_a_signed_endpoint_storing_its_secret_and_keep_it_when_run_again() {
        // GIVEN the account uses legacy webhooks
        connections.putApiKey("signed1", KitWorld.API_KEY);
        assertEquals(200, Lambda.invoke(Map.of("account", "signed1", "webhooks", "legacy",
                "events", List.of("subscriber_activate"))).statusCode());
        // WHEN setup switches it to signed, then runs again
        Response first = Lambda.invoke(Map.of("account", "signed1", "webhooks", "signed"));
        Response second = Lambda.invoke(Map.of("account", "signed1", "webhooks", "signed"));
        // THEN one endpoint with Kit's catalog names for every identity event was created, the legacy hook removed,
        // and the secret stored
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals(1, first.jsonPath().getInt("created"));
        assertEquals("endpoint", first.jsonPath().getString("registrations[0].kind"));
        assertEquals(Set.copyOf(KitEvents.IDENTITY_CATALOG_NAMES), Set.copyOf(first.jsonPath().getList("registrations[0].events")));
        assertEquals(List.of("mode-switch"), first.jsonPath().getList("removed.reason"));
        assertTrue(first.jsonPath().getBoolean("secretStored"));
        long endpointId = first.jsonPath().getLong("registrations[0].id");
        Map<String, AttributeValue> item = connectionItem("signed1");
        String secret = item.get("webhookSecret").s();
        assertEquals(64, secret.length());
        assertEquals(Long.toString(endpointId), item.get("webhookEndpointId").n());
        assertEquals("signed", item.get("webhookMode").s());
        assertFalse(first.asString().contains(secret));
        assertEquals(KitWorld.API_KEY, connections.find("signed1").orElseThrow().apiKey());
        assertEquals(200, second.statusCode(), second.asString());
        assertEquals(1, second.jsonPath().getInt("kept"));
        assertEquals(0, second.jsonPath().getInt("created"));
        assertEquals(secret, connectionItem("signed1").get("webhookSecret").s());
        List<JsonNode> endpoints = kit.endpoints().stream().filter(e -> ours(e.get("url").asText(), "signed1")).toList();
        assertEquals(1, endpoints.size());
        assertEquals(BASE + "/webhooks/signed1", endpoints.get(0).get("url").asText());
        assertTrue(kit.legacy().stream().noneMatch(h -> ours(h.get("target_url").asText(), "signed1")));
    }

    @Test
    void should_recreate_an_endpoint_pointing_at_us_whose_secret_we_do_not_hold() {
        // GIVEN an endpoint pointing at us that was created by hand (its secret never reached us)
        connections.putApiKey("signed2", KitWorld.API_KEY);
        long manual = kit.createEndpoint(BASE + "/webhooks/signed2", List.of("subscriber.tag_added")).get("id").asLong();
        // WHEN setup runs (signed, two events)
        Response r = Lambda.invoke(Map.of("account", "signed2", "webhooks", "signed",
                "events", List.of("tag_add", "tag_remove")));
        // THEN the hand-made endpoint is replaced by one whose secret we hold
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(manual, r.jsonPath().getLong("removed[0].id"));
        assertEquals("no-secret", r.jsonPath().getString("removed[0].reason"));
        assertEquals(List.of("subscriber.tag_added", "subscriber.tag_removed"), r.jsonPath().getList("registrations[0].events"));
        List<JsonNode> endpoints = kit.endpoints().stream().filter(e -> ours(e.get("url").asText(), "signed2")).toList();
        assertEquals(1, endpoints.size());
        assertEquals(endpoints.get(0).get("id").asText(), connectionItem("signed2").get("webhookEndpointId").n());
        // AND when the wanted events change, the endpoint is replaced and the old secret stays valid for a while
        String oldSecret = connectionItem("signed2").get("webhookSecret").s();
        Response changed = Lambda.invoke(Map.of("account", "signed2", "webhooks", "signed", "events", List.of("tag_add")));
        assertEquals(1, changed.jsonPath().getInt("created"), changed.asString());
        assertEquals("stale", changed.jsonPath().getString("removed[0].reason"));
        Map<String, AttributeValue> item = connectionItem("signed2");
        assertEquals(oldSecret, item.get("webhookPreviousSecret").s());
        assertNotNull(item.get("webhookPreviousUntil"));
        assertFalse(oldSecret.equals(item.get("webhookSecret").s()));
    }

    @Test
    void should_repair_an_endpoint_registered_with_legacy_event_names_once_and_keep_it_afterwards() {
        // GIVEN our signed endpoint, left with legacy names by an older registration (Kit now refuses them; guards
        // issue 14: signed setup registered subscriber.tag_add etc., which no signed delivery ever matches)
        connections.putApiKey("signed4", KitWorld.API_KEY);
        Response first = Lambda.invoke(Map.of("account", "signed4", "webhooks", "signed"));
        long wrong = first.jsonPath().getLong("registrations[0].id");
        world.kit().admin().setEndpointEvents(wrong, List.of("subscriber.tag_add", "subscriber.subscriber_unsubscribe"));
        // WHEN setup runs, then runs again
        Response repaired = Lambda.invoke(Map.of("account", "signed4", "webhooks", "signed"));
        Response again = Lambda.invoke(Map.of("account", "signed4", "webhooks", "signed"));
        // THEN the first run replaces it with a catalog-named endpoint, the second keeps that one
        assertEquals(1, repaired.jsonPath().getInt("created"), repaired.asString());
        assertEquals(wrong, repaired.jsonPath().getLong("removed[0].id"));
        assertEquals("stale", repaired.jsonPath().getString("removed[0].reason"));
        assertEquals(0, again.jsonPath().getInt("created"), again.asString());
        assertEquals(1, again.jsonPath().getInt("kept"));
        assertEquals(List.of(), again.jsonPath().getList("removed"));
        List<JsonNode> endpoints = kit.endpoints().stream().filter(e -> ours(e.get("url").asText(), "signed4")).toList();
        assertEquals(1, endpoints.size());
        List<String> events = new java.util.ArrayList<>();
        endpoints.get(0).get("events").forEach(e -> events.add(e.asText()));
        assertEquals(Set.copyOf(KitEvents.IDENTITY_CATALOG_NAMES), Set.copyOf(events));
    }

    @Test
    void should_fail_with_a_typed_error_naming_the_refused_types_when_kit_answers_422() {
        // GIVEN a Kit account whose catalog does not offer subscriber.complained
        connections.putApiKey("signed5", KitWorld.API_KEY);
        world.kit().admin().setUnavailableEndpointEvents(Set.of("subscriber.complained"));
        try {
            // WHEN signed setup asks for it
            Response r = Lambda.invoke(Map.of("account", "signed5", "webhooks", "signed",
                    "events", List.of("tag_add", "complained")));
            // THEN a clear, typed error names the refused type; nothing is registered or stored
            assertEquals("WebhookEventsRefused", Lambda.errorType(r), r.asString());
            String message = r.jsonPath().getString("errorMessage");
            assertTrue(message.contains("[subscriber.complained]"), message);
            assertFalse(message.contains("[subscriber.tag_added"), message);
            assertTrue(kit.endpoints().stream().noneMatch(e -> ours(e.get("url").asText(), "signed5")));
            assertNull(connectionItem("signed5").get("webhookSecret"));
        } finally {
            world.kit().admin().setUnavailableEndpointEvents(Set.of());
        }
    }

    @Test
    void should_replace_the_token_and_every_registration_when_asked_to_recreate() {
        // GIVEN legacy webhooks registered with a token
        connections.putApiKey("legacy3", KitWorld.API_KEY);
        Map<String, Object> input = Map.of("account", "legacy3", "webhooks", "legacy",
                "events", List.of("subscriber_activate", "subscriber_bounce"));
        assertEquals(2, Lambda.invoke(input).jsonPath().getInt("created"));
        String oldToken = connectionItem("legacy3").get("webhookToken").s();
        // WHEN setup runs with "recreate": true
        Response r = Lambda.invoke(Map.of("account", "legacy3", "webhooks", "legacy",
                "events", List.of("subscriber_activate", "subscriber_bounce"), "recreate", true));
        // THEN both hooks are replaced by ones carrying a new token; the old token stays accepted for the grace period
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(2, r.jsonPath().getInt("created"));
        assertEquals(List.of("recreate", "recreate"), r.jsonPath().getList("removed.reason"));
        Map<String, AttributeValue> item = connectionItem("legacy3");
        String newToken = item.get("webhookToken").s();
        assertFalse(newToken.equals(oldToken));
        assertEquals(oldToken, item.get("webhookPreviousToken").s());
        List<String> urls = kit.legacy().stream().map(h -> h.get("target_url").asText()).filter(u -> ours(u, "legacy3"))
                .toList();
        assertEquals(2, urls.size());
        assertTrue(urls.stream().allMatch(u -> u.endsWith("&token=" + newToken)), urls.toString());
    }

    @Test
    void should_fail_with_typed_errors_naming_the_field_when_input_or_credential_is_bad() {
        Response missing = Lambda.invoke(Map.of("account", "default"));
        assertEquals("InvalidInput", Lambda.errorType(missing));
        assertTrue(missing.jsonPath().getString("errorMessage").contains("webhooks"));

        Response badMode = Lambda.invoke(Map.of("webhooks", "push"));
        assertEquals("InvalidInput", Lambda.errorType(badMode));

        Response badEvent = Lambda.invoke(Map.of("webhooks", "signed", "events", List.of("tag_add", "teleport")));
        assertEquals("InvalidInput", Lambda.errorType(badEvent));
        assertTrue(badEvent.jsonPath().getString("errorMessage").contains("events[1]"), badEvent.asString());

        Response legacyField = Lambda.invoke(Map.of("webhooks", "legacy", "events", List.of("custom_field_value_update")));
        assertEquals("InvalidInput", Lambda.errorType(legacyField));

        Response unknownAccount = Lambda.invoke(Map.of("account", "nobody", "webhooks", "signed"));
        assertEquals("InvalidInput", Lambda.errorType(unknownAccount));
        assertTrue(unknownAccount.jsonPath().getString("errorMessage").contains("account"));

        // a credential Kit rejects: setup validates it before registering anything, and stores nothing
        connections.putApiKey("revoked", "not-a-valid-key");
        Response revoked = Lambda.invoke(Map.of("account", "revoked", "webhooks", "signed"));
        assertEquals("AccountDisconnected", Lambda.errorType(revoked), revoked.asString());
        assertFalse(revoked.asString().contains("not-a-valid-key"));
        assertNull(connectionItem("revoked").get("webhookSecret"));
    }
}
