package io.kitbridge.webhook;

import io.kitbridge.store.AccountWebhooks;
import static io.kitbridge.webhook.ApiGatewayEvents.legacyBody;
import static io.kitbridge.webhook.ApiGatewayEvents.post;
import static io.kitbridge.webhook.ApiGatewayEvents.signature;
import static io.kitbridge.webhook.ApiGatewayEvents.signedBody;
import static io.kitbridge.webhook.ApiGatewayEvents.signedEvent;
import static io.kitbridge.webhook.ApiGatewayEvents.subscriber;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.store.TableSetup;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.TestClock;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** webhook-handler through the Lambda mock event server, with real API Gateway v2 events and dynalite. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "webhook-handler"))
class WebhookHandlerTest {
    static final String ACCOUNT = "default";
    static final String TOKEN = "legacy-token-" + UUID.randomUUID();
    static final String SECRET = "signing-secret-" + UUID.randomUUID();
    private static final AtomicLong IDS = new AtomicLong(7_000_000);

    World world;

    @Inject
    WebhookSecrets secrets;

    @Inject
    MirrorStore mirror;

    @Inject
    WebhookControl control;

    @AfterEach
    void clockBack() {
        TestClock.current().reset();
    }

    @BeforeEach
    void secretsStored() {
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_SIGNED, TOKEN, SECRET, 1L, null, null, 0, List.of()));
    }

    static long nextId() {
        return IDS.incrementAndGet();
    }

    static Response legacy(String event, Long tagId, String token, String body) {
        String query = "event=" + event + (tagId == null ? "" : "&tag_id=" + tagId) + (token == null ? "" : "&token=" + token);
        return Lambda.invoke(post(ACCOUNT, query, Map.of(), body, false));
    }

    static Response signed(String body) {
        return Lambda.invoke(post(ACCOUNT, "", Map.of(KitSignature.HEADER,
                signature(SECRET, TestClock.current().instant().getEpochSecond(), body)), body, false));
    }

    static int status(Response r) {
        assertEquals(200, r.statusCode(), "the Lambda invocation itself must succeed: " + r.asString());
        return r.jsonPath().getInt("statusCode");
    }

    /** The handler's JSON answer (inside the API Gateway response). */
    static JsonPath body(Response r) {
        return new JsonPath(r.jsonPath().getString("body"));
    }

    static Map<String, Object> tagData(long id, String name) {
        return Map.of("tag", Map.of("id", id, "name", name));
    }

    @Test
    void should_apply_and_audit_legacy_delivery_when_token_is_valid() {
        // GIVEN a tag known to Kit and a person Kit tells us about
        long tagId = world.kit().admin().createTag("VIP Legacy");
        long id = nextId();
        String body = legacyBody(subscriber(id, "Legacy." + id + "@Example.com", "active", Map.of("plan", "pro")));
        // WHEN Kit delivers subscriber_activate and then tag_add for that tag to the registered URLs
        Response activate = legacy("subscriber.subscriber_activate", null, TOKEN, body);
        Response tagged = legacy("subscriber.tag_add", tagId, TOKEN, body);
        // THEN both are acknowledged, the mirror holds the person with the tag's name, and history tells the story
        assertEquals(200, status(activate), activate.asString());
        assertEquals(1, body(activate).getInt("applied"));
        assertEquals(200, status(tagged), tagged.asString());
        MirrorRecord record = mirror.get(ACCOUNT, id).orElseThrow();
        assertEquals("legacy." + id + "@example.com", record.email());
        assertEquals("active", record.state());
        assertEquals(List.of("VIP Legacy"), record.tags());
        assertEquals(List.of(tagId), record.tagIds());
        assertEquals("pro", record.fields().get("plan"));
        assertEquals(MirrorRecord.SOURCE_WEBHOOK, record.source());
        List<AuditEntry> history = mirror.history(ACCOUNT, record.email(), 10);
        assertEquals(List.of("webhook.tag_add", "webhook.subscriber_activate"),
                history.stream().map(AuditEntry::action).toList());
        assertEquals("kit-webhook", history.get(0).actor());
        assertFalse(activate.asString().contains(TOKEN));
    }

    @Test
    void should_answer_401_and_write_nothing_when_legacy_token_is_wrong_missing_or_account_unknown() {
        long id = nextId();
        String body = legacyBody(subscriber(id, "forged" + id + "@example.com", "active", null));
        // WHEN deliveries arrive with a wrong token, none, or for an account without secrets
        Response wrong = legacy("subscriber.subscriber_activate", null, TOKEN + "x", body);
        Response missing = legacy("subscriber.subscriber_activate", null, null, body);
        Response otherAccount = Lambda.invoke(post("acme", "event=subscriber.subscriber_activate&token=" + TOKEN,
                Map.of(), body, false));
        // THEN each is 401 and nothing reached the mirror
        assertEquals(401, status(wrong));
        assertEquals(401, status(missing));
        assertEquals(401, status(otherAccount));
        assertTrue(mirror.get(ACCOUNT, id).isEmpty());
        assertFalse(wrong.asString().contains(TOKEN));
        // AND a replaced token is accepted only during its grace period
        String replaced = "replaced-" + TOKEN;
        long now = Instant.now().getEpochSecond();
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_LEGACY, TOKEN, null, null, replaced, null, now + 60,
                List.of()));
        assertEquals(200, status(legacy("subscriber.subscriber_activate", null, replaced, body)));
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_LEGACY, TOKEN, null, null, replaced, null, now - 1,
                List.of()));
        long id2 = nextId();
        assertEquals(401, status(legacy("subscriber.subscriber_activate", null, replaced,
                legacyBody(subscriber(id2, "late" + id2 + "@example.com", "active", null)))));
        assertTrue(mirror.get(ACCOUNT, id2).isEmpty());
    }

    @Test
    void should_apply_signed_delivery_when_signature_is_valid_including_during_rotation() {
        // GIVEN a signed delivery of two events for one person
        long id = nextId();
        Instant t0 = Instant.now().minusSeconds(30);
        String body = signedBody(List.of(
                signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_activate", t0,
                        subscriber(id, "signed" + id + "@example.com", "active", null), null),
                signedEvent(UUID.randomUUID().toString(), "subscriber.tag_add", t0.plusSeconds(1),
                        subscriber(id, "signed" + id + "@example.com", "active", null), tagData(991, "Signed VIP"))));
        // WHEN it is delivered once with our signature, and a second delivery carries two v1 values (rotation)
        Response r = signed(body);
        long id2 = nextId();
        String body2 = signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_activate",
                t0, subscriber(id2, "rotated" + id2 + "@example.com", "active", null), null)));
        long t = Instant.now().getEpochSecond();
        String rotated = signature("the-new-secret-we-do-not-know-yet", t, body2) + ","
                + signature(SECRET, t, body2).substring(("t=" + t + ",").length());
        Response r2 = Lambda.invoke(post(ACCOUNT, "", Map.of(KitSignature.HEADER, rotated), body2, false));
        // THEN both are applied
        assertEquals(200, status(r), r.asString());
        assertEquals(2, body(r).getInt("applied"), r.asString());
        MirrorRecord record = mirror.get(ACCOUNT, id).orElseThrow();
        assertEquals(List.of("Signed VIP"), record.tags());
        assertEquals(t0.plusSeconds(1).toEpochMilli(), record.eventAt());
        assertEquals(200, status(r2), r2.asString());
        assertNotNull(mirror.get(ACCOUNT, id2).orElse(null));
    }

    static Response signedWith(String body, String signatureHeader) {
        return Lambda.invoke(post(ACCOUNT, "", Map.of(KitSignature.HEADER, signatureHeader), body, false));
    }

    static String activateDelivery(long id, Instant created) {
        return signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_activate", created,
                subscriber(id, "p" + id + "@example.com", "active", null), null)));
    }

    @Test
    void should_answer_401_and_write_nothing_when_signature_is_forged_stale_or_body_tampered() {
        // GIVEN a genuine delivery body
        long id = nextId();
        String body = activateDelivery(id, Instant.now());
        long now = Instant.now().getEpochSecond();
        // WHEN it arrives signed with another secret, too old, from the future, tampered, or with a broken header
        List<Response> forged = List.of(
                signedWith(body, signature("not-our-secret", now, body)),
                signedWith(body, signature(SECRET, now - 301, body)),
                signedWith(body, signature(SECRET, now + 400, body)),
                signedWith(body.replace("\"active\"", "\"cancelled\""), signature(SECRET, now, body)),
                signedWith(body, "t=" + now),
                signedWith(body, "v1=" + signature(SECRET, now, body).substring(("t=" + now + ",v1=").length())),
                signedWith(body, "garbage"));
        // THEN every one is 401 and the mirror is untouched
        for (Response r : forged) {
            assertEquals(401, status(r), r.asString());
            assertFalse(r.asString().contains(SECRET));
        }
        assertTrue(mirror.get(ACCOUNT, id).isEmpty());
        // AND the same body signed 4 minutes ago (inside the 5-minute tolerance) is accepted
        assertEquals(200, status(signedWith(body, signature(SECRET, now - 240, body))));
        assertTrue(mirror.get(ACCOUNT, id).isPresent());
    }

    @Test
    void should_apply_each_event_once_when_kit_redelivers() {
        // GIVEN a signed delivery of two events and a legacy delivery
        long id = nextId();
        String email = "dup" + id + "@example.com";
        Instant t = Instant.now().minusSeconds(60);
        String e1 = UUID.randomUUID().toString();
        String e2 = UUID.randomUUID().toString();
        String body = signedBody(List.of(
                signedEvent(e1, "subscriber.subscriber_activate", t, subscriber(id, email, "active", null), null),
                signedEvent(e2, "subscriber.tag_add", t.plusSeconds(1), subscriber(id, email, "active", null),
                        tagData(501, "Dup"))));
        // WHEN it is delivered twice, then a new delivery repeats e2 beside a new event
        Response first = signed(body);
        Response again = signed(body);
        String body3 = signedBody(List.of(
                signedEvent(e2, "subscriber.tag_add", t.plusSeconds(1), subscriber(id, email, "active", null),
                        tagData(501, "Dup")),
                signedEvent(UUID.randomUUID().toString(), "subscriber.tag_add", t.plusSeconds(2),
                        subscriber(id, email, "active", null), tagData(502, "Dup2"))));
        Response third = signed(body3);
        // THEN each event was applied exactly once
        assertEquals(200, status(first));
        assertEquals(2, body(first).getInt("applied"));
        assertEquals(200, status(again));
        assertEquals(0, body(again).getInt("applied"));
        assertEquals(2, body(again).getInt("duplicates"));
        assertEquals(1, body(third).getInt("applied"));
        assertEquals(1, body(third).getInt("duplicates"));
        assertEquals(3, mirror.history(ACCOUNT, email, 50).size());
        assertEquals(List.of("Dup", "Dup2"), mirror.get(ACCOUNT, id).orElseThrow().tags());

        // AND a legacy delivery repeated within the window is recognised by its digest
        long id2 = nextId();
        String legacyBody = legacyBody(subscriber(id2, "dupl" + id2 + "@example.com", "active", null));
        assertEquals(1, body(legacy("subscriber.subscriber_activate", null, TOKEN, legacyBody)).getInt("applied"));
        Response legacyAgain = legacy("subscriber.subscriber_activate", null, TOKEN, legacyBody);
        assertEquals(200, status(legacyAgain));
        assertEquals(1, body(legacyAgain).getInt("duplicates"));
        assertEquals(1, mirror.history(ACCOUNT, "dupl" + id2 + "@example.com", 50).size());
    }

    @Test
    void should_keep_newer_state_when_events_arrive_out_of_order() {
        // GIVEN events t1 < t2 < t3 < t4 for one person, delivered newest first
        long id = nextId();
        String email = "order" + id + "@example.com";
        Instant t1 = Instant.now().minusSeconds(600);
        Instant t2 = t1.plusSeconds(10);
        Instant t3 = t1.plusSeconds(20);
        Instant t4 = t1.plusSeconds(30);
        Map<String, Object> active = subscriber(id, email, "active", null);
        Map<String, Object> cancelled = subscriber(id, email, "cancelled", null);
        // WHEN unsubscribe(t2) arrives before activate(t1), and tag_remove(t4) before tag_add(t3) of the same tag,
        // and a tag_add of another tag from t1 arrives last
        Response unsubscribe = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(),
                "subscriber.subscriber_unsubscribe", t2, cancelled, null))));
        Response lateActivate = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(),
                "subscriber.subscriber_activate", t1, active, null))));
        Response remove = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_remove",
                t4, cancelled, tagData(601, "Order A")))));
        Response lateAdd = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_add",
                t3, cancelled, tagData(601, "Order A")))));
        Response olderOtherTag = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(),
                "subscriber.tag_add", t1, active, tagData(602, "Order B")))));
        // THEN the older events did not undo the newer ones, yet the unrelated older tag change was kept
        assertEquals(1, body(unsubscribe).getInt("applied"));
        assertEquals(1, body(lateActivate).getInt("stale"));
        assertEquals(200, status(remove));
        assertEquals(200, status(lateAdd));
        assertEquals(1, body(olderOtherTag).getInt("applied"));
        MirrorRecord record = mirror.get(ACCOUNT, id).orElseThrow();
        assertEquals("cancelled", record.state());
        assertEquals(List.of("Order B"), record.tags());
        assertEquals(List.of(602L), record.tagIds());
        assertEquals(t4.toEpochMilli(), record.eventAt());

        // AND legacy deliveries (no event time) never turn an unsubscribed person active again
        long id2 = nextId();
        String email2 = "lorder" + id2 + "@example.com";
        legacy("subscriber.subscriber_unsubscribe", null, TOKEN, legacyBody(subscriber(id2, email2, "cancelled", null)));
        Response lateLegacy = legacy("subscriber.subscriber_activate", null, TOKEN,
                legacyBody(subscriber(id2, email2, "active", null)));
        assertEquals(200, status(lateLegacy));
        assertEquals("cancelled", mirror.get(ACCOUNT, id2).orElseThrow().state());
    }

    @Test
    void should_ignore_an_older_catalog_event_delivered_late_and_apply_a_newer_one() {
        // GIVEN a tag removal created at t2 has been applied (catalog names, as Kit's endpoints send them)
        long id = nextId();
        String email = "late" + id + "@example.com";
        Instant t1 = TestClock.current().instant().minusSeconds(300);
        Instant t2 = t1.plusSeconds(60);
        Map<String, Object> person = subscriber(id, email, "active", null);
        assertEquals(1, body(signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_added",
                t1.minusSeconds(60), person, tagData(611, "Late")))))).getInt("applied"));
        assertEquals(1, body(signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_removed",
                t2, person, tagData(611, "Late")))))).getInt("applied"));
        // WHEN a tag_added created at t1 (before the removal) is delivered late, after Kit's retries
        Response late = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_added", t1,
                person, tagData(611, "Late")))));
        // THEN it is acknowledged as stale and the tag stays removed
        assertEquals(200, status(late));
        assertEquals(1, body(late).getInt("stale"), late.asString());
        assertEquals(List.of(), mirror.get(ACCOUNT, id).orElseThrow().tags());
        // AND a tag_added created after the removal is applied
        Response newer = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_added",
                t2.plusSeconds(1), person, tagData(611, "Late")))));
        assertEquals(1, body(newer).getInt("applied"), newer.asString());
        assertEquals(List.of("Late"), mirror.get(ACCOUNT, id).orElseThrow().tags());
    }

    @Test
    void should_answer_503_for_the_rest_of_the_lease_then_keep_when_a_killed_invocation_held_the_claim() {
        // GIVEN an event we only keep (unknown type: control-table claim path) whose claim was taken by an
        // invocation that was then killed (guards issue 14: the retry got 200 "duplicate", Kit stopped retrying and
        // the event was lost)
        long id = nextId();
        String eventId = "evt-killed-" + id;
        String body = signedBody(List.of(signedEvent(eventId, "subscriber.subscriber_teleport",
                TestClock.current().instant().minusSeconds(5), subscriber(id, "killed" + id + "@example.com", "active",
                        null), null)));
        assertTrue(control.claim(ACCOUNT, "event#" + eventId, Duration.ofMinutes(2)).claimed());
        // WHEN Kit's retry arrives 30 s later, while the claim's 2-minute lease runs
        TestClock.current().advance(Duration.ofSeconds(30));
        Response during = signed(body);
        // THEN it is told to come back when the lease ends
        assertEquals(503, status(during), during.asString());
        long retryAfter = Long.parseLong(String.valueOf(during.jsonPath().getMap("headers").get("retry-after")));
        assertTrue(retryAfter >= 88 && retryAfter <= 90, "rest of the lease: " + retryAfter);
        // WHEN the lease has run out and Kit retries
        TestClock.current().advance(Duration.ofSeconds(retryAfter + 1));
        Response after = signed(body);
        // THEN the retry takes the expired claim over and keeps the event; only a further retry is a duplicate
        assertEquals(200, status(after), after.asString());
        assertEquals(1, body(after).getInt("stored"));
        assertEquals(1, body(signed(body)).getInt("duplicates"));
    }

    @Test
    void should_apply_at_once_when_kit_retries_an_event_whose_invocation_was_killed() {
        // GIVEN issue 19's design: an applicable event is deduplicated and applied by one conditional write on the
        // subscriber's item, so a killed invocation leaves either nothing or the applied event — no claim in flight
        long id = nextId();
        String eventId = "evt-killed-apply-" + id;
        String body = signedBody(List.of(signedEvent(eventId, "subscriber.activated",
                TestClock.current().instant().minusSeconds(5), subscriber(id, "killedapply" + id + "@example.com",
                        "active", null), null)));
        // WHEN Kit's retry arrives (the first attempt died before its write)
        Response retry = signed(body);
        // THEN it is applied at once; a further retry is a duplicate
        assertEquals(200, status(retry), retry.asString());
        assertEquals(1, body(retry).getInt("applied"));
        assertEquals("active", mirror.get(ACCOUNT, id).orElseThrow().state());
        assertEquals(1, body(signed(body)).getInt("duplicates"));
    }

    @Test
    void should_answer_400_when_an_event_time_is_far_in_the_future_or_out_of_range() {
        // GIVEN deliveries whose event times no clock skew explains
        long id = nextId();
        Map<String, Object> person = subscriber(id, "future" + id + "@example.com", "active", null);
        Instant now = TestClock.current().instant();
        for (Instant created : List.of(now.plus(Duration.ofDays(365)), Instant.parse("1971-01-01T00:00:00Z"))) {
            // WHEN Kit delivers one
            Response r = signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.activated",
                    created, person, null))));
            // THEN that delivery gets 400 (never a 5xx) and nothing is written
            assertEquals(400, status(r), r.asString());
            assertTrue(body(r).getString("error").contains("created time"), r.asString());
        }
        assertTrue(mirror.get(ACCOUNT, id).isEmpty());
        // AND an event whose id is too long for a key is applied once, deduplicated by its digest
        String longId = "x".repeat(3_000);
        String body = signedBody(List.of(signedEvent(longId, "subscriber.activated", now.minusSeconds(1), person, null)));
        assertEquals(1, body(signed(body)).getInt("applied"));
        assertEquals(1, body(signed(body)).getInt("duplicates"));
    }

    @Test
    void should_apply_every_event_when_a_delivery_carries_100() {
        // GIVEN one delivery of 100 events: activate + tag_add for 50 people
        Instant t = Instant.now().minusSeconds(120);
        List<Map<String, Object>> events = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long id = nextId();
            ids.add(id);
            Map<String, Object> s = subscriber(id, "bulk" + id + "@example.com", "active", Map.of("n", "" + i));
            events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.tag_add", t.plusMillis(i + 1), s,
                    tagData(700, "Batch")));
            events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_activate", t.plusMillis(i), s, null));
        }
        String body = signedBody(events);
        // WHEN it is delivered
        long started = System.nanoTime();
        Response r = signed(body);
        long millis = (System.nanoTime() - started) / 1_000_000;
        // THEN all 100 are applied, each person has the tag
        assertEquals(200, status(r), r.asString());
        assertEquals(100, body(r).getInt("received"));
        assertEquals(100, body(r).getInt("applied"));
        for (long id : ids) {
            MirrorRecord record = mirror.get(ACCOUNT, id).orElseThrow();
            assertEquals(List.of("Batch"), record.tags());
            assertEquals("active", record.state());
        }
        System.out.println("[webhook] 100-event delivery (" + body.length() + " bytes) handled in " + millis + " ms");
    }

    @Test
    void should_answer_413_when_body_exceeds_the_size_limit() {
        // GIVEN a correctly signed delivery just over the default limit (1 MiB)
        long id = nextId();
        String big = "x".repeat(1024 * 1024 + 1);
        String body = signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_activate",
                Instant.now(), subscriber(id, "big" + id + "@example.com", "active", Map.of("blob", big)), null)));
        // WHEN it arrives as text, base64-encoded, and as a legacy delivery
        Response text = signed(body);
        Response base64 = Lambda.invoke(post(ACCOUNT, "", Map.of(KitSignature.HEADER,
                signature(SECRET, Instant.now().getEpochSecond(), body)), body, true));
        Response legacy = legacy("subscriber.subscriber_activate", null, TOKEN,
                legacyBody(subscriber(id, "big" + id + "@example.com", "active", Map.of("blob", big))));
        // THEN each is 413 and nothing is written
        assertEquals(413, status(text));
        assertEquals(413, status(base64));
        assertEquals(413, status(legacy));
        assertTrue(mirror.get(ACCOUNT, id).isEmpty());
    }

    @Test
    void should_answer_400_when_authenticated_body_is_malformed_and_401_first_when_not_authenticated() {
        long now = Instant.now().getEpochSecond();
        // WHEN authenticated deliveries are not JSON or not the documented shape
        String notJson = "{\"delivery_id\": \"x\", \"events\": [";
        assertEquals(400, status(signedWith(notJson, signature(SECRET, now, notJson))));
        assertEquals(400, status(signedWith("[]", signature(SECRET, now, "[]"))));
        String noEvents = "{\"delivery_id\": \"x\"}";
        assertEquals(400, status(signedWith(noEvents, signature(SECRET, now, noEvents))));
        assertEquals(400, status(legacy("subscriber.subscriber_activate", null, TOKEN, "not json at all")));
        assertEquals(400, status(legacy("subscriber.subscriber_activate", null, TOKEN, "{\"foo\": 1}")));
        assertEquals(400, status(legacy("subscriber.subscriber_activate", null, TOKEN, "{\"subscriber\": {\"email_address\": \"a@b.co\"}}")));
        assertEquals(400, status(legacy("subscriber.subscriber_activate", null, TOKEN, "")));
        // THEN 400; but the same garbage without valid credentials is 401 (authentication comes first)
        assertEquals(401, status(signedWith(notJson, signature("wrong", now, notJson))));
        assertEquals(401, status(legacy("subscriber.subscriber_activate", null, "nope", "not json at all")));
        // AND other methods and routes are refused without a 5xx
        assertEquals(405, status(Lambda.invoke(ApiGatewayEvents.event("GET", "/webhooks/default", ACCOUNT, "", Map.of(),
                null, false))));
        assertEquals(404, status(Lambda.invoke(ApiGatewayEvents.event("POST", "/webhooks/bad%20name", "bad name", "",
                Map.of(), "{}", false))));
    }

    @Test
    void should_decode_base64_bodies_before_verifying_and_parsing() {
        // GIVEN deliveries API Gateway passes base64-encoded (signature over the decoded bytes)
        long id = nextId();
        String body = activateDelivery(id, Instant.now());
        long id2 = nextId();
        String legacyBody = legacyBody(subscriber(id2, "b64" + id2 + "@example.com", "active", null));
        // WHEN they are handled
        Response signed = Lambda.invoke(post(ACCOUNT, "", Map.of(KitSignature.HEADER,
                signature(SECRET, Instant.now().getEpochSecond(), body)), body, true));
        Response legacy = Lambda.invoke(post(ACCOUNT, "event=subscriber.subscriber_activate&token=" + TOKEN, Map.of(),
                legacyBody, true));
        Map<String, Object> broken = post(ACCOUNT, "event=subscriber.subscriber_activate&token=" + TOKEN, Map.of(), null, true);
        broken.put("body", "%%% not base64 %%%");
        Response invalid = Lambda.invoke(broken);
        // THEN both are applied; an undecodable body is a 400
        assertEquals(200, status(signed), signed.asString());
        assertEquals(1, body(signed).getInt("applied"));
        assertEquals(200, status(legacy), legacy.asString());
        assertTrue(mirror.get(ACCOUNT, id).isPresent());
        assertEquals("b64" + id2 + "@example.com", mirror.get(ACCOUNT, id2).orElseThrow().email());
        assertEquals(400, status(invalid));
    }

    @Test
    void should_store_and_acknowledge_events_it_cannot_apply() {
        // GIVEN a delivery with an unknown event type, an event without subscriber, and one that is not an object
        long id = nextId();
        String email = "unknown" + id + "@example.com";
        String unknownId = UUID.randomUUID().toString();
        String noSubscriberId = UUID.randomUUID().toString();
        List<Object> events = List.of(
                signedEvent(unknownId, "subscriber.subscriber_teleport", Instant.now(),
                        subscriber(id, email, "active", null), null),
                signedEvent(noSubscriberId, "subscriber.tag_add", Instant.now(), null, tagData(1, "x")),
                42);
        String body = ApiGatewayEvents.write(Map.of("delivery_id", "d1", "events", events));
        // WHEN it is delivered, then redelivered
        Response r = signed(body);
        Response again = signed(body);
        // THEN all three are acknowledged and stored, none applied, and the redelivery is recognised
        assertEquals(200, status(r), r.asString());
        assertEquals(3, body(r).getInt("stored"));
        assertEquals(3, body(again).getInt("duplicates"));
        assertTrue(mirror.get(ACCOUNT, id).isEmpty());
        List<String> kept = world.dynamo().query(b -> b.tableName(world.tables().control())
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :kept)")
                .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                .expressionAttributeValues(Map.of(":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                        "webhook#" + ACCOUNT), ":kept", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("kept#"))))
                .items().stream().map(i -> i.get("eventId").s()).toList();
        assertTrue(kept.contains(unknownId), kept.toString());
        assertTrue(kept.contains(noSubscriberId), kept.toString());
        assertEquals("stored", mirror.history(ACCOUNT, email, 5).get(0).outcome());
    }

    @Test
    void should_reflect_every_event_kind_in_the_mirror() {
        // GIVEN one person's day in one delivery: activate, field update, click, purchase, form, course, bounce, complain
        long id = nextId();
        String email = "kinds" + id + "@example.com";
        Instant t = Instant.now().minusSeconds(300);
        List<Map<String, Object>> events = new ArrayList<>();
        events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_activate", t,
                subscriber(id, email, "active", Map.of("plan", "free")), null));
        events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.custom_field_value_update", t.plusSeconds(1),
                subscriber(id, email, "active", Map.of("plan", "gold")),
                Map.of("custom_field", Map.of("key", "plan", "old_value", "free", "new_value", "gold"))));
        events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.link_click", t.plusSeconds(2),
                subscriber(id, email, "active", Map.of("plan", "gold")), null));
        events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.product_purchase", t.plusSeconds(3),
                subscriber(id, email, "active", Map.of("plan", "gold")), null));
        events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.form_subscribe", t.plusSeconds(4),
                subscriber(id, email, "active", Map.of("plan", "gold")), null));
        events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.course_subscribe", t.plusSeconds(5),
                subscriber(id, email, "active", Map.of("plan", "gold")), null));
        events.add(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_bounce", t.plusSeconds(6),
                subscriber(id, email, "bounced", Map.of("plan", "gold")), null));
        // WHEN delivered (shuffled: Kit does not promise order inside a delivery either)
        java.util.Collections.reverse(events);
        Response r = signed(signedBody(events));
        // THEN the mirror shows the final state, and history the activity
        assertEquals(200, status(r), r.asString());
        MirrorRecord record = mirror.get(ACCOUNT, id).orElseThrow();
        assertEquals("bounced", record.state());
        assertEquals("gold", record.fields().get("plan"));
        List<AuditEntry> history = mirror.history(ACCOUNT, email, 20);
        assertEquals(List.of("webhook.subscriber_bounce", "webhook.course_subscribe", "webhook.form_subscribe",
                "webhook.product_purchase", "webhook.link_click", "webhook.custom_field_value_update",
                "webhook.subscriber_activate"), history.stream().map(AuditEntry::action).toList());
        AuditEntry click = history.get(4);
        assertEquals("recorded", click.outcome());
        assertTrue(click.detail().contains("link click"), click.detail());
        assertEquals("free", history.get(5).before().get("fields.plan"));
        assertEquals("gold", history.get(5).after().get("fields.plan"));

        // AND a complaint and an unsubscribe whose snapshot predates the change still set the state the event names
        long id2 = nextId();
        String email2 = "kinds2" + id2 + "@example.com";
        signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_unsubscribe",
                t, subscriber(id2, email2, "active", null), null))));
        assertEquals("cancelled", mirror.get(ACCOUNT, id2).orElseThrow().state());
        signed(signedBody(List.of(signedEvent(UUID.randomUUID().toString(), "subscriber.subscriber_complain",
                t.plusSeconds(1), subscriber(id2, email2, "cancelled", null), null))));
        assertEquals("complained", mirror.get(ACCOUNT, id2).orElseThrow().state());
    }

    @Test
    void should_answer_503_with_retry_after_when_dynamodb_is_unavailable_and_apply_the_retry() {
        // GIVEN secrets are cached and then the mirror table (records and their remembered events) becomes unavailable
        assertEquals(200, status(signed(activateDelivery(nextId(), Instant.now()))));
        long id = nextId();
        String body = activateDelivery(id, Instant.now());
        world.dynamo().deleteTable(b -> b.tableName(world.tables().mirror()));
        Response during;
        try {
            // WHEN a delivery arrives
            during = signed(body);
        } finally {
            TableSetup.createMissing(world.dynamo(), world.tables());
        }
        // THEN Kit is told to retry later, and nothing was half-applied
        assertEquals(503, status(during), during.asString());
        assertEquals("30", during.jsonPath().getString("headers.retry-after"));
        assertTrue(mirror.get(ACCOUNT, id).isEmpty());
        // AND when Kit retries after DynamoDB is back, the event is applied: nothing was lost
        Response retry = signed(body);
        assertEquals(200, status(retry));
        assertEquals(1, body(retry).getInt("applied"));
        assertTrue(mirror.get(ACCOUNT, id).isPresent());
    }
}
