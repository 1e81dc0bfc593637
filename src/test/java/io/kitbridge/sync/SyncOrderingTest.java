package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.TestClock;
import io.kitbridge.testing.World;
import io.kitbridge.store.AccountWebhooks;
import io.kitbridge.webhook.ApiGatewayEvents;
import io.kitbridge.webhook.KitSignature;
import io.kitbridge.webhook.WebhookSecrets;
import io.kitbridge.webhook.WebhookService;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mirror's ordering rule across sync and webhooks, with explicit interleavings: every sync-page invocation does
 * one unit of work (max-units-per-invocation 1, as in SyncRecoveryTest, whose configuration this shares), and the
 * webhook is delivered by hand (in-process, signed) between units. Guards issue 14.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "6000"),
        // one unit per invocation by count: a 1 ms time budget also gave every DynamoDB call only its 100 ms floor
        @ResourceArg(name = "kitbridge.sync.max-units-per-invocation", value = "1"),
        @ResourceArg(name = "kitbridge.sync.lease-ttl", value = "8s"),
        @ResourceArg(name = "kitbridge.sync.error-backoff", value = "1s"),
        @ResourceArg(name = "kitbridge.kit.circuit-breaker.delay", value = "1s")})
class SyncOrderingTest {
    static final String SECRET = "ordering-secret-" + UUID.randomUUID();

    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    ConnectionStore connections;

    @Inject
    WebhookSecrets secrets;

    @Inject
    WebhookService webhooks;

    @BeforeEach
    void seed() {
        world.kit().faults().clear();
        world.kit().admin().seed(new SeedSpec(300, 3, List.of("company"), 17L));
        world.kit().log().clear();
    }

    @AfterEach
    void clockBack() {
        TestClock.current().reset();
    }

    private String account(String name) {
        connections.putApiKey(name, KitWorld.API_KEY);
        secrets.save(new AccountWebhooks(name, AccountWebhooks.MODE_SIGNED, null, SECRET, 1L, null, null, 0, List.of()));
        return name;
    }

    /** One sync-page invocation (one unit of work) of the run owned by {@code execution}. */
    private static Response step(String account, String mode, String execution) {
        Response r = Lambda.invoke(Map.of("account", account, "mode", mode, "execution", execution));
        assertEquals(200, r.statusCode(), r.asString());
        return r;
    }

    /** What {@link #mirroredThenTagged} set up. */
    private record Tagged(String account, long person, long tag) {
    }

    /** A person mirrored by a full sync of a fresh account, then given a new tag in Kit (the mirror does not know yet). */
    private Tagged mirroredThenTagged(String name, String tagName, String email, String firstName) {
        String account = account(name);
        SimAdmin kit = world.kit().admin();
        long tag = kit.createTag(tagName);
        long person = kit.createSubscriber(email, firstName);
        runUntil(account, "full", "exec-" + name + "-full", "done");
        kit.tag(person, tag);
        return new Tagged(account, person, tag);
    }

    private static void runUntil(String account, String mode, String execution, String phase) {
        for (int i = 0; i < 200; i++) {
            Response r = step(account, mode, execution);
            if (r.jsonPath().getBoolean("done") || phase.equals(r.jsonPath().getString("phase"))) {
                return;
            }
        }
        throw new AssertionError("sync did not reach " + phase);
    }

    /** A signed delivery of one catalog event, as Kit's endpoint would send it, handled in-process. */
    private HttpApiResponse deliver(String account, String type, Instant created, long subscriberId, String email,
            long tagId, String tagName) {
        return deliver(UUID.randomUUID().toString(), account, type, created, subscriberId, email, tagId, tagName);
    }

    private HttpApiResponse deliver(String eventId, String account, String type, Instant created, long subscriberId,
            String email, long tagId, String tagName) {
        String body = ApiGatewayEvents.signedBody(List.of(ApiGatewayEvents.signedEvent(eventId, type,
                created, ApiGatewayEvents.subscriber(subscriberId, email, "active", null),
                Map.of("tag", Map.of("id", tagId, "name", tagName)))));
        String signature = ApiGatewayEvents.signature(SECRET, TestClock.current().instant().getEpochSecond(), body);
        HttpApiEvent event = ApiGatewayEvents.JSON.convertValue(ApiGatewayEvents.post(account, "",
                Map.of(KitSignature.HEADER, signature), body, false), HttpApiEvent.class);
        return webhooks.handle(event);
    }

    @Test
    void should_keep_a_tag_removal_delivered_between_the_tag_pass_and_the_page_pass() {
        // GIVEN a person tagged VIP in Kit, and a full sync reading memberships from the tag lists (Kit ignored
        // include=tags) whose tag pass has read VIP's members (the person included)
        String account = account("between");
        SimAdmin kit = world.kit().admin();
        long vip = kit.createTag("Ordering VIP");
        long person = kit.createSubscriber("between.person@example.com", "Bea");
        kit.tag(person, vip);
        kit.setIgnoreIncludeTags(true);
        try {
            runUntil(account, "full", "exec-between", "pages"); // the catalog
            assertEquals("tags", step(account, "full", "exec-between").jsonPath().getString("phase"), "fell back");
            runUntil(account, "full", "exec-between", "pages"); // every tag's members
        } finally {
            kit.setIgnoreIncludeTags(false);
        }
        // WHEN the tag is removed in Kit and its webhook is delivered before the page pass
        kit.untag(person, vip);
        HttpApiResponse delivered = deliver(account, "subscriber.tag_removed", TestClock.current().instant(), person,
                "between.person@example.com", vip, "Ordering VIP");
        assertEquals(200, delivered.statusCode(), delivered.body());
        runUntil(account, "full", "exec-between", "done");
        // THEN the page pass (newer profile, older tag list) does not bring the tag back: the mirror matches Kit
        MirrorRecord r = mirror.get(account, person).orElseThrow();
        assertEquals(List.of(), r.tags(), r.toString());
        assertEquals("active", r.state());
        assertEquals(List.of(), MirrorMatch.differences(kit, mirror, account));
    }

    @Test
    void should_apply_a_late_tag_removal_created_after_a_subscriber_page_was_read_but_before_it_was_written() {
        // GIVEN a person tagged GOLD in Kit, and a full sync whose subscriber page (tags included) is answered, then
        // 10 s pass before its write (a page read ahead, or a slow invocation), driven by the clock when Kit answers
        String account = account("inline");
        SimAdmin kit = world.kit().admin();
        long gold = kit.createTag("Inline Gold");
        long person = kit.createSubscriber("inline.person@example.com", "Ina");
        kit.tag(person, gold);
        world.kit().afterRequests("GET", "/v4/subscribers", 1, () -> TestClock.current().advance(Duration.ofSeconds(10)));
        Instant beforeRead = TestClock.current().instant();
        runUntil(account, "full", "exec-inline", "done");
        assertEquals(List.of("Inline Gold"), mirror.get(account, person).orElseThrow().tags());
        // WHEN the removal of GOLD, created 5 s after that read (and so before the write), is delivered late
        // THEN it is applied: the page's tags are stamped with the page's read time, not the write's
        assertLateRemovalApplied(account, person, "inline.person@example.com", gold, "Inline Gold", beforeRead.plusSeconds(5));
    }

    /** Kit removes the tag; its webhook, created at {@code createdAt}, is delivered now and must be applied. */
    private void assertLateRemovalApplied(String account, long person, String email, long tagId, String tagName,
            Instant createdAt) {
        world.kit().admin().untag(person, tagId);
        HttpApiResponse late = deliver(account, "subscriber.tag_removed", createdAt, person, email, tagId, tagName);
        assertEquals(200, late.statusCode(), late.body());
        assertTrue(late.body().contains("\"applied\":1"), late.body());
        assertEquals(List.of(), mirror.get(account, person).orElseThrow().tags());
    }

    @Test
    void should_apply_a_late_webhook_created_after_the_incremental_tag_read_but_before_its_write() {
        // GIVEN a mirrored account and a person tagged GOLD in Kit since
        Tagged p = mirroredThenTagged("late", "Ordering Gold", "late.person@example.com", "Lou");
        // AND an incremental sync whose GOLD member page is answered, then 10 s pass before its write (a slow
        // invocation), driven by the clock at the moment Kit answers
        world.kit().afterRequests("GET", "/v4/tags/" + p.tag() + "/subscribers", 1,
                () -> TestClock.current().advance(Duration.ofSeconds(10)));
        Instant beforeRead = TestClock.current().instant();
        runUntil(p.account(), "incremental", "exec-late-incr", "done");
        assertEquals(List.of("Ordering Gold"), mirror.get(p.account(), p.person()).orElseThrow().tags());
        // WHEN the removal of GOLD, created 5 s after that read (and so before the write), is delivered late
        // THEN it is applied: it is newer than what the sync saw (the sync's write is stamped with its read time)
        assertLateRemovalApplied(p.account(), p.person(), "late.person@example.com", p.tag(), "Ordering Gold",
                beforeRead.plusSeconds(5));
    }

    @Test
    void should_answer_a_redelivered_webhook_as_a_duplicate_when_a_sync_rewrote_the_person_meanwhile() {
        // guards: sync rewrote whole mirror items, so it could drop the webhook's dedupe memory (recentEvents)
        // GIVEN a mirrored person and a tag_added webhook event applied to them
        Tagged p = mirroredThenTagged("dedupe", "Dedupe Silver", "dedupe.person@example.com", "Dee");
        String eventId = UUID.randomUUID().toString();
        HttpApiResponse first = deliver(eventId, p.account(), "subscriber.tag_added", TestClock.current().instant(),
                p.person(), "dedupe.person@example.com", p.tag(), "Dedupe Silver");
        assertTrue(first.body().contains("\"applied\":1"), first.body());
        // WHEN the person is renamed in Kit and a full sync rewrites their mirror record
        world.kit().admin().rename(p.person(), "Deirdre");
        TestClock.current().advance(Duration.ofSeconds(1));
        runUntil(p.account(), "full", "exec-dedupe-2", "done");
        MirrorRecord rewritten = mirror.get(p.account(), p.person()).orElseThrow();
        assertEquals("Deirdre", rewritten.firstName());
        // THEN the record still remembers the event, and Kit's redelivery of it is answered as a duplicate
        assertTrue(rewritten.recentEvents().keySet().stream().anyMatch(k -> k.contains(eventId)), rewritten.toString());
        HttpApiResponse again = deliver(eventId, p.account(), "subscriber.tag_added", TestClock.current().instant(),
                p.person(), "dedupe.person@example.com", p.tag(), "Dedupe Silver");
        assertEquals(200, again.statusCode(), again.body());
        assertTrue(again.body().contains("\"duplicates\":1"), again.body());
    }

    @Test
    void should_keep_a_webhooks_audit_entry_in_the_old_addresss_history_when_a_sync_brings_a_new_email() {
        // guards: sync's UpdateItem carried the audit entries kept on the item unchanged, so after an email change
        // the history of the old address lost its webhook entries (kept entries are found through the item's email)
        // GIVEN a mirrored person and a webhook event applied (and audited) under their address
        Tagged p = mirroredThenTagged("moved", "Moved Gold", "before.move@example.com", "Mo");
        HttpApiResponse applied = deliver(UUID.randomUUID().toString(), p.account(), "subscriber.tag_added",
                TestClock.current().instant(), p.person(), "before.move@example.com", p.tag(), "Moved Gold");
        assertTrue(applied.body().contains("\"applied\":1"), applied.body());
        int before = mirror.history(p.account(), "before.move@example.com", 20).size();
        // WHEN the address changes in Kit and a full sync brings it to the mirror
        world.kit().admin().changeEmail(p.person(), "after.move@example.com");
        TestClock.current().advance(Duration.ofSeconds(1));
        runUntil(p.account(), "full", "exec-moved-2", "done");
        // THEN the mirror has the new address, and the old address's history still holds every entry it had
        assertEquals("after.move@example.com", mirror.get(p.account(), p.person()).orElseThrow().email());
        assertEquals(before, mirror.history(p.account(), "before.move@example.com", 20).size());
        assertTrue(before >= 1, "the webhook's entry was in the old address's history");
    }
}
