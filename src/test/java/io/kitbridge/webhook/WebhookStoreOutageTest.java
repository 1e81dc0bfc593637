package io.kitbridge.webhook;

import static io.kitbridge.webhook.WebhookHandlerTest.ACCOUNT;
import static io.kitbridge.webhook.WebhookHandlerTest.SECRET;
import static io.kitbridge.webhook.WebhookHandlerTest.TOKEN;
import static io.kitbridge.webhook.WebhookHandlerTest.activateDelivery;
import static io.kitbridge.webhook.WebhookHandlerTest.body;
import static io.kitbridge.webhook.WebhookHandlerTest.signed;
import static io.kitbridge.webhook.WebhookHandlerTest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.store.AccountWebhooks;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.FreezableProxy;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.TestClock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: a store that stops answering gives Kit a quick 503 + Retry-After (about 2 s: the DynamoDB call's
 * timeout derived from the invocation's remaining time), never a Lambda timeout; Kit's retry applies the event.
 * The functions reach dynalite through {@link FreezableProxy}, which the test freezes and thaws.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "webhook-handler"),
    @ResourceArg(name = "storeProxy", value = "true")})
class WebhookStoreOutageTest {
    /** Generous for a loaded 2-core machine; the configured call timeout is 2 s (kitbridge.dynamodb.api-call-timeout). */
    private static final long UPPER_BOUND_MILLIS = 5_000;

    @Inject
    WebhookSecrets secrets;

    @Inject
    MirrorStore mirror;

    @AfterEach
    void storeBack() {
        FreezableProxy.current().thaw();
        TestClock.current().reset();
    }

    @Test
    void should_answer_503_with_retry_after_within_seconds_when_the_store_stops_answering_and_apply_kits_retry() {
        // GIVEN a warm handler (secrets cached) and then a store that accepts connections but never answers
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_SIGNED, TOKEN, SECRET, 1L, null, null, 0, List.of()));
        assertEquals(200, status(signed(activateDelivery(8_100_001, TestClock.current().instant().minusSeconds(5)))));
        long id = 8_100_002;
        String body = activateDelivery(id, TestClock.current().instant().minusSeconds(1));
        FreezableProxy.current().freeze();
        // WHEN Kit delivers
        long started = System.nanoTime();
        Response during = signed(body);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        FreezableProxy.current().thaw();
        // THEN Kit is told to come back later, quickly (no Lambda timeout: 10 s in template.yaml)
        assertEquals(503, status(during), during.asString());
        assertEquals("30", during.jsonPath().getString("headers.retry-after"));
        assertTrue(tookMillis < UPPER_BOUND_MILLIS, "503 took " + tookMillis + " ms");
        System.out.println("[outage] webhook 503 with a frozen store after " + tookMillis + " ms");
        assertTrue(mirror.get(ACCOUNT, id).isEmpty());
        // WHEN Kit retries after the store is back
        Response retry = signed(body);
        // THEN the event is applied, and a further retry is a duplicate
        assertEquals(200, status(retry), retry.asString());
        assertEquals(1, body(retry).getInt("applied"), retry.asString());
        assertEquals("active", mirror.get(ACCOUNT, id).orElseThrow().state());
        assertEquals(1, body(signed(body)).getInt("duplicates"));
    }
}
