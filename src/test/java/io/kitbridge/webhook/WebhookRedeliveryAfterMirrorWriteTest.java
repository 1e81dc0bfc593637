package io.kitbridge.webhook;

import static io.kitbridge.webhook.ApiGatewayEvents.signedBody;
import static io.kitbridge.webhook.ApiGatewayEvents.signedEvent;
import static io.kitbridge.webhook.ApiGatewayEvents.subscriber;
import static io.kitbridge.webhook.WebhookHandlerTest.ACCOUNT;
import static io.kitbridge.webhook.WebhookHandlerTest.SECRET;
import static io.kitbridge.webhook.WebhookHandlerTest.TOKEN;
import static io.kitbridge.webhook.WebhookHandlerTest.body;
import static io.kitbridge.webhook.WebhookHandlerTest.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.provision.ProvisionService;
import io.kitbridge.store.AccountWebhooks;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.TestClock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guards the bug where a whole-item write of a subscriber's mirror record by another writer dropped the item's
 * {@code recentEvents} — the webhook events already applied to it — so Kit's redelivery of such an event after that
 * write was applied and audited a second time (issue 19). A record built without the item's memory (as SCIM's email
 * and group writes build theirs) lost it before {@code MirrorStore.putIfUnchanged} kept it; provision's merge kept it
 * already, and the first test holds it to that.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "webhook-handler"))
class WebhookRedeliveryAfterMirrorWriteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    WebhookSecrets secrets;

    @Inject
    MirrorStore mirror;

    @Inject
    ProvisionService provision;

    @BeforeEach
    void secretsStored() {
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_SIGNED, TOKEN, SECRET, 1L, null, null, 0, List.of()));
    }

    @Test
    void should_answer_duplicate_when_kit_redelivers_an_applied_event_after_provision_wrote_the_person() {
        // GIVEN a person provisioned in Kit, and Kit's tag event for them applied
        String email = "redeliver-" + UUID.randomUUID() + "@example.com";
        long id = provisioned(Map.of("email", email, "firstName", "Ada"));
        String event = tagAdded(id, email, "Before provision");
        assertEquals(1, body(signed(event)).getInt("applied"));
        // WHEN provision writes the person's record again (a new first name, as Kit answered it)
        provisioned(Map.of("email", email, "firstName", "Ada B."));
        assertEquals("Ada B.", mirror.get(ACCOUNT, id).orElseThrow().firstName());
        // AND Kit redelivers the event
        // THEN it is a duplicate: not applied, not audited a second time
        assertEquals(1, body(signed(event)).getInt("duplicates"));
        assertEquals(1, webhookEntries(email));
    }

    @Test
    void should_answer_duplicate_when_kit_redelivers_an_applied_event_after_a_whole_record_write_without_its_memory() {
        // GIVEN a person with Kit's tag event applied
        long id = WebhookHandlerTest.nextId() + 500_000;
        String email = "n" + id + "@example.com";
        String event = tagAdded(id, email, "Before rewrite");
        assertEquals(1, body(signed(event)).getInt("applied"));
        MirrorRecord current = mirror.get(ACCOUNT, id).orElseThrow();
        // WHEN another writer replaces the whole record with one built without the item's memory (as SCIM's email
        // and group changes build theirs), under a compare-and-set on the version read
        MirrorRecord rebuilt = new MirrorRecord(ACCOUNT, id, email, "Renamed", current.state(), current.fields(),
                current.tags(), current.tagIds(), current.updatedAt() + 1, "scim", null, current.lastSeenSync(),
                current.eventAt());
        assertEquals(true, mirror.putIfUnchanged(rebuilt, current));
        // AND Kit redelivers the event
        // THEN it is a duplicate, and the history still shows it once
        assertEquals(1, body(signed(event)).getInt("duplicates"));
        assertEquals("Renamed", mirror.get(ACCOUNT, id).orElseThrow().firstName());
        assertEquals(1, webhookEntries(email));
    }

    private long provisioned(Map<String, Object> person) {
        return provision.provision(JSON.valueToTree(person)).person().subscriberId();
    }

    private static String tagAdded(long id, String email, String tag) {
        return signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_added",
                TestClock.current().instant().minusSeconds(30), subscriber(id, email, "active", null),
                Map.of("tag", Map.of("id", 777, "name", tag)))));
    }

    private long webhookEntries(String email) {
        return mirror.history(ACCOUNT, email, 50).stream().filter(a -> a.action().startsWith("webhook.")).count();
    }
}
