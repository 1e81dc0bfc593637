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
import static io.kitbridge.webhook.ApiGatewayEvents.post;
import static io.kitbridge.webhook.ApiGatewayEvents.signature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.budget.Priority;
import io.kitbridge.budget.RateBudget;
import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.store.AccountWebhooks;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.IamGuardInterceptor;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.TestClock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Issue 19: what one webhook event costs in DynamoDB round trips, counted by the SDK interceptor that sees every
 * call a function makes ({@link IamGuardInterceptor}). Before issue 19 a single-event delivery cost 7 calls
 * (5 PutItem + 2 GetItem); then 3 (read, conditional write, audit PutItem); now 2: the audit entry travels in the
 * conditional write. Also the paths off the common case: a redelivery, an older event, a lost race, and the
 * audit entries moving off a busy person's item — each still applied once, never rolled back, always audited.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "webhook-handler"))
class WebhookCallCountTest {
    private static final AtomicLong IDS = new AtomicLong(8_200_000);

    @Inject
    WebhookSecrets secrets;

    @Inject
    RateBudget budget;

    @Inject
    MirrorStore mirror;

    @Inject
    MirrorUpdater updater;

    @Inject
    WebhookConfig config;

    @Inject
    WebhookService service;

    @BeforeEach
    void warm() {
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_SIGNED, TOKEN, SECRET, 1L, null, null, 0, List.of()));
        // the secrets read is once per cache period, not per event: paid here
        assertEquals(200, status(signed(activate(IDS.incrementAndGet(), UUID.randomUUID().toString()))));
    }

    @Test
    void should_cost_one_read_and_one_conditional_write_that_carries_the_audit_entry_when_a_single_event_is_applied() {
        // GIVEN a new person, and an event for them
        long id = IDS.incrementAndGet();
        String eventId = UUID.randomUUID().toString();
        // WHEN Kit delivers the event
        Calls first = calls(() -> signed(activate(id, eventId)));
        // THEN it is applied with one GetItem and one conditional PutItem on the person's item (dedupe, apply and
        // audit in one write): 2 round trips
        assertEquals(1, body(first.response).getInt("applied"), first.response.asString());
        assertEquals(Map.of("GetItem", 1, "PutItem:mirror", 1), first.byKind, first.toString());
        // and the operator's history shows the event
        List<AuditEntry> history = mirror.history(ACCOUNT, "n" + id + "@example.com", 10);
        assertEquals(List.of("webhook.subscriber_activate"), history.stream().map(AuditEntry::action).toList());
        assertEquals("applied", history.get(0).outcome());
        assertTrue(history.get(0).detail().contains(eventId), history.get(0).detail());
        // WHEN Kit repeats it
        Calls repeat = calls(() -> signed(activate(id, eventId)));
        // THEN the one read answers it as a duplicate, which is neither applied nor audited again
        assertEquals(1, body(repeat.response).getInt("duplicates"));
        assertEquals(Map.of("GetItem", 1), repeat.byKind, repeat.toString());
        assertEquals(1, mirror.history(ACCOUNT, "n" + id + "@example.com", 10).size());
        System.out.println("[calls] webhook single event: " + first.byKind + " = " + first.total() + "; duplicate: "
                + repeat.total());
    }

    @Test
    void should_keep_the_newer_state_and_audit_the_older_event_as_stale_in_two_calls_when_an_older_event_arrives_late() {
        // GIVEN a person Kit says unsubscribed a minute ago
        long id = IDS.incrementAndGet();
        Instant now = TestClock.current().instant();
        String email = "n" + id + "@example.com";
        assertEquals(1, body(signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(),
                "subscriber.subscriber_unsubscribe", now.minusSeconds(60), subscriber(id, email, "cancelled", null),
                null))))).getInt("applied"));
        // WHEN an activation created before the unsubscribe is delivered after it
        String lateId = UUID.randomUUID().toString();
        String late = signedBody(List.of(signedEvent(lateId, "subscriber.subscriber_activate", now.minusSeconds(120),
                subscriber(id, email, "active", null), null)));
        Calls calls = calls(() -> signed(late));
        // THEN the mirror is not rolled back, the event is audited as stale, and it cost the read and one write
        assertEquals(1, body(calls.response).getInt("stale"), calls.response.asString());
        assertEquals("cancelled", mirror.get(ACCOUNT, id).orElseThrow().state());
        assertEquals(Map.of("GetItem", 1, "PutItem:mirror", 1), calls.byKind, calls.toString());
        // (history is in event-time order: the late event sorts before the unsubscribe)
        AuditEntry stale = mirror.history(ACCOUNT, email, 10).get(1);
        assertTrue(stale.detail().contains(lateId), stale.detail());
        assertEquals("stale", stale.outcome());
        // WHEN Kit redelivers the late event
        // THEN it is a duplicate: still not applied, not audited twice
        assertEquals(1, body(signed(late)).getInt("duplicates"));
        assertEquals("cancelled", mirror.get(ACCOUNT, id).orElseThrow().state());
        assertEquals(2, mirror.history(ACCOUNT, email, 10).size());
    }

    @Test
    void should_answer_duplicate_without_applying_again_when_the_same_event_was_applied_between_read_and_write() throws Exception {
        // GIVEN a known person, read by one invocation (the version its conditional write will expect)
        long id = IDS.incrementAndGet();
        String email = "n" + id + "@example.com";
        signed(activate(id, UUID.randomUUID().toString()));
        MirrorRecord readFirst = mirror.get(ACCOUNT, id).orElseThrow();
        // and an event another invocation applies after that read (Kit delivered it twice at once)
        String eventId = UUID.randomUUID().toString();
        String body = signedBody(List.of(signedEvent(eventId, "subscriber.tag_added", TestClock.current().instant(),
                subscriber(id, email, "active", null), Map.of("tag", Map.of("id", 901, "name", "Raced")))));
        assertEquals(1, body(signed(body)).getInt("applied"));
        InboundEvent event = DeliveryParser.signed(body.getBytes(StandardCharsets.UTF_8), TestClock.current().millis(),
                config.eventTimeTolerance().toMillis()).get(0);
        // WHEN the first invocation applies the same event from its older read
        long before = IamGuardInterceptor.FUNCTION_CALLS.get();
        MirrorUpdater.Applied[] outcome = new MirrorUpdater.Applied[1];
        onLambdaThread(() -> outcome[0] = updater.apply(ACCOUNT, event, Optional.of(readFirst),
                TestClock.current().millis() / 1000 + 3600));
        // THEN its conditional write fails, the re-read shows the event applied: a duplicate, applied and audited once
        assertEquals(MirrorUpdater.Outcome.DUPLICATE, outcome[0].outcome());
        assertEquals(2, IamGuardInterceptor.FUNCTION_CALLS.get() - before, "the failed PutItem and the re-read");
        assertEquals(List.of("Raced"), mirror.get(ACCOUNT, id).orElseThrow().tags());
        assertEquals(1, mirror.history(ACCOUNT, email, 10).stream().filter(a -> a.detail().contains(eventId)).count());
    }

    @Test
    void should_apply_and_audit_once_when_the_same_event_is_delivered_by_four_invocations_at_once() throws Exception {
        // GIVEN a known person and an event for them
        long id = IDS.incrementAndGet();
        String email = "n" + id + "@example.com";
        signed(activate(id, UUID.randomUUID().toString()));
        String eventId = UUID.randomUUID().toString();
        String body = signedBody(List.of(signedEvent(eventId, "subscriber.tag_added", TestClock.current().instant(),
                subscriber(id, email, "active", null), Map.of("tag", Map.of("id", 902, "name", "Once")))));
        // WHEN four invocations handle it at the same moment
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpApiResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return service.handle(ApiGatewayEvents.JSON.convertValue(post(ACCOUNT, "", Map.of(KitSignature.HEADER,
                        signature(SECRET, TestClock.current().instant().getEpochSecond(), body)), body, false),
                        HttpApiEvent.class));
            }));
        }
        start.countDown();
        int applied = 0;
        int duplicates = 0;
        for (Future<HttpApiResponse> answer : answers) {
            JsonPath json = new JsonPath(answer.get().body());
            applied += json.getInt("applied");
            duplicates += json.getInt("duplicates");
        }
        pool.shutdown();
        // THEN exactly one applied it, the others answered duplicate, and the history has it once
        assertEquals(1, applied);
        assertEquals(3, duplicates);
        assertEquals(List.of("Once"), mirror.get(ACCOUNT, id).orElseThrow().tags());
        assertEquals(1, mirror.history(ACCOUNT, email, 10).stream().filter(a -> a.detail().contains(eventId)).count());
    }

    @Test
    void should_move_the_kept_audit_entries_in_one_batch_and_lose_none_when_a_person_gets_more_events_than_the_item_keeps() {
        // GIVEN a delivery of 9 tag events for one new person (the item keeps 8 audit entries)
        long id = IDS.incrementAndGet();
        String email = "n" + id + "@example.com";
        Instant t = TestClock.current().instant().minusSeconds(60);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_added", t.plusSeconds(i),
                    subscriber(id, email, "active", null), Map.of("tag", Map.of("id", 910 + i, "name", "K" + i))));
        }
        // WHEN Kit delivers it
        Calls delivery = calls(() -> signed(signedBody(events)));
        // THEN the 9th write first moves the 8 kept entries to audit items in one BatchWriteItem
        assertEquals(9, body(delivery.response).getInt("applied"), delivery.response.asString());
        assertEquals(Map.of("GetItem", 1, "PutItem:mirror", 9, "BatchWriteItem", 1), delivery.byKind, delivery.toString());
        // and the history still shows all 9, newest first
        List<AuditEntry> history = mirror.history(ACCOUNT, email, 50);
        assertEquals(9, history.size(), history.toString());
        for (int i = 0; i < 9; i++) {
            assertTrue(history.get(i).detail().contains("'K" + (8 - i) + "'"), history.get(i).detail());
        }
        // and lookup, which reads the person's item itself, shows the same
        assertEquals(history, mirror.history(ACCOUNT, mirror.get(ACCOUNT, id).orElseThrow(), 50));
    }

    @Test
    void should_keep_each_entry_in_the_history_of_its_address_when_an_event_changes_the_persons_email() {
        // GIVEN a person whose first event is audited under their address
        long id = IDS.incrementAndGet();
        String oldEmail = "n" + id + "@example.com";
        String newEmail = "moved" + id + "@example.com";
        signed(activate(id, UUID.randomUUID().toString()));
        // WHEN Kit delivers a newer event with a new address
        Calls change = calls(() -> signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(),
                "subscriber.subscriber_activate", TestClock.current().instant(), subscriber(id, newEmail, "active", null),
                null)))));
        // THEN the entry filed under the old address moves to an audit item first (history finds kept entries
        // through the item's current address), and each address's history shows its own entries
        assertEquals(1, body(change.response).getInt("applied"), change.response.asString());
        assertEquals(Map.of("GetItem", 1, "PutItem:audit", 1, "PutItem:mirror", 1), change.byKind, change.toString());
        assertEquals(1, mirror.history(ACCOUNT, oldEmail, 10).size());
        List<AuditEntry> moved = mirror.history(ACCOUNT, newEmail, 10);
        assertEquals(1, moved.size());
        assertEquals(Map.of("email", newEmail), moved.get(0).after());
    }

    @Test
    void should_cost_one_batch_read_and_one_write_per_event_carrying_its_audit_when_a_delivery_carries_100_events() {
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
        // THEN every person is read in one BatchGetItem and each event is one conditional PutItem that carries its
        // audit entry: 1.01 calls per event
        assertEquals(200, status(delivery.response), delivery.response.asString());
        assertEquals(100, body(delivery.response).getInt("applied") + body(delivery.response).getInt("unchanged"));
        assertEquals(Map.of("BatchGetItem", 1, "PutItem:mirror", 100), delivery.byKind, delivery.toString());
        // and each person's history shows their events (person base - 3 had events 3, 43 and 83)
        assertEquals(3, mirror.history(ACCOUNT, "c" + (base - 3) + "@example.com", 10).size());
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
