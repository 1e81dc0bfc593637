package io.kitbridge.webhook;

import static io.kitbridge.webhook.ApiGatewayEvents.signedBody;
import static io.kitbridge.webhook.ApiGatewayEvents.signedEvent;
import static io.kitbridge.webhook.ApiGatewayEvents.subscriber;
import static io.kitbridge.webhook.WebhookHandlerTest.ACCOUNT;
import static io.kitbridge.webhook.WebhookHandlerTest.SECRET;
import static io.kitbridge.webhook.WebhookHandlerTest.TOKEN;
import static io.kitbridge.webhook.WebhookHandlerTest.body;
import static io.kitbridge.webhook.WebhookHandlerTest.signed;
import static io.kitbridge.webhook.WebhookHandlerTest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kitbridge.budget.Priority;
import io.kitbridge.budget.RateBudget;
import io.kitbridge.store.AccountWebhooks;
import io.kitbridge.testing.IamGuardInterceptor;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.TestClock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Issue 19: what one webhook event costs in DynamoDB round trips, counted by the SDK interceptor that sees every
 * call a function makes ({@link IamGuardInterceptor}). Before issue 19 a single-event delivery cost 7 calls
 * (5 PutItem + 2 GetItem).
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "webhook-handler"))
class WebhookCallCountTest {
    private static final AtomicLong IDS = new AtomicLong(8_200_000);

    @Inject
    WebhookSecrets secrets;

    @Inject
    RateBudget budget;

    @BeforeEach
    void warm() {
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_SIGNED, TOKEN, SECRET, 1L, null, null, 0, List.of()));
        // the secrets read is once per cache period, not per event: paid here
        assertEquals(200, status(signed(activate(IDS.incrementAndGet(), UUID.randomUUID().toString()))));
    }

    @Test
    void should_cost_one_read_and_one_conditional_write_plus_its_audit_entry_when_a_single_event_is_applied() {
        // GIVEN a new person, and an event for them
        long id = IDS.incrementAndGet();
        String eventId = UUID.randomUUID().toString();
        // WHEN Kit delivers the event
        Calls first = calls(() -> signed(activate(id, eventId)));
        // THEN it is applied with one GetItem and one conditional PutItem on the person's item (dedupe and apply in
        // one condition), plus one PutItem for its audit entry
        assertEquals(1, body(first.response).getInt("applied"), first.response.asString());
        assertEquals(Map.of("GetItem", 1, "PutItem:mirror", 1, "PutItem:audit", 1), first.byKind, first.toString());
        // WHEN Kit repeats it
        Calls repeat = calls(() -> signed(activate(id, eventId)));
        // THEN the one read answers it as a duplicate
        assertEquals(1, body(repeat.response).getInt("duplicates"));
        assertEquals(Map.of("GetItem", 1), repeat.byKind, repeat.toString());
        System.out.println("[calls] webhook single event: " + first.byKind + " = " + first.total() + "; duplicate: "
                + repeat.total());
    }

    @Test
    void should_cost_one_batch_read_one_write_per_event_and_a_batch_of_audits_when_a_delivery_carries_100_events() {
        // GIVEN a delivery of 100 events for 40 people (new and known)
        List<Map<String, Object>> events = new ArrayList<>();
        Instant t = TestClock.current().instant().minusSeconds(600);
        long base = IDS.addAndGet(40);
        for (int i = 0; i < 100; i++) {
            long id = base - (i % 40);
            events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_added", t.plusSeconds(i),
                    subscriber(id, "c" + id + "@example.com", "active", null), Map.of("tag", Map.of("id", 900 + i % 7,
                            "name", "T" + (i % 7)))));
        }
        // WHEN Kit delivers it
        Calls delivery = calls(() -> signed(signedBody(events)));
        // THEN every person is read in one BatchGetItem, each event is one conditional PutItem, and the 100 audit
        // entries go in 4 BatchWriteItem calls: under 2 calls per event
        assertEquals(200, status(delivery.response), delivery.response.asString());
        assertEquals(100, body(delivery.response).getInt("applied") + body(delivery.response).getInt("unchanged"));
        assertEquals(Map.of("BatchGetItem", 1, "PutItem:mirror", 100, "BatchWriteItem", 4), delivery.byKind,
                delivery.toString());
        System.out.println("[calls] webhook 100-event delivery: " + delivery.byKind + " = " + delivery.total() / 100.0
                + " per event");
    }

    @Test
    void should_cost_one_conditional_write_when_an_uncontended_budget_permit_is_taken() throws Exception {
        // GIVEN a budget whose state this process has seen (the first permit reads it once)
        String key = "calls-" + UUID.randomUUID();
        onLambdaThread(() -> budget.acquire(key, 1000, Priority.INTERACTIVE, Duration.ofSeconds(1)));
        // WHEN a further permit is taken without contention
        long before = IamGuardInterceptor.FUNCTION_CALLS.get();
        onLambdaThread(() -> budget.acquire(key, 1000, Priority.INTERACTIVE, Duration.ofSeconds(1)));
        // THEN it cost one conditional UpdateItem
        assertEquals(1, IamGuardInterceptor.FUNCTION_CALLS.get() - before);
        assertEquals("UpdateItemRequest", IamGuardInterceptor.RECENT.peekLast().getClass().getSimpleName());
    }

    /** The interceptor counts calls made on function threads: run {@code work} on one. */
    private static void onLambdaThread(Runnable work) throws InterruptedException {
        RuntimeException[] failure = new RuntimeException[1];
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "Lambda Thread (call count)");
        t.start();
        t.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static String activate(long id, String eventId) {
        return signedBody(List.of(signedEvent(eventId, "subscriber.subscriber_activate",
                TestClock.current().instant().minusSeconds(1), subscriber(id, "n" + id + "@example.com", "active", null),
                null)));
    }

    /** The calls one delivery made, by kind (PutItem split into mirror records and audit entries). */
    private record Calls(Response response, Map<String, Integer> byKind) {
        int total() {
            return byKind.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static Calls calls(Supplier<Response> delivery) {
        IamGuardInterceptor.RECENT.clear();
        long before = IamGuardInterceptor.FUNCTION_CALLS.get();
        Response r = delivery.get();
        long made = IamGuardInterceptor.FUNCTION_CALLS.get() - before;
        Map<String, Integer> byKind = new TreeMap<>();
        List<SdkRequest> recent = new ArrayList<>(IamGuardInterceptor.RECENT);
        for (SdkRequest request : recent.subList(Math.max(0, recent.size() - (int) made), recent.size())) {
            String kind = request.getClass().getSimpleName().replace("Request", "");
            if (request instanceof PutItemRequest put) {
                kind += put.item().get("sk").s().startsWith("audit#") ? ":audit" : ":mirror";
            }
            byKind.merge(kind, 1, Integer::sum);
        }
        assertEquals(made, byKind.values().stream().mapToInt(Integer::intValue).sum(), "every call seen: " + byKind);
        return new Calls(r, byKind);
    }
}
