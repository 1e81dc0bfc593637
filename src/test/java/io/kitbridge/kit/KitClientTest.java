package io.kitbridge.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.sim.Fault;
import io.kitbridge.sim.FaultKind;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.TestClock;
import io.kitbridge.testing.World;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one Kit client, through the gateway, against the stateful simulator: every endpoint, every error class. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @io.quarkus.test.common.ResourceArg(name = "limit", value = "6000"),
        @io.quarkus.test.common.ResourceArg(name = "oauthLimit", value = "6000"),
        @io.quarkus.test.common.ResourceArg(name = "quarkus.rest-client.kit.read-timeout", value = "3000"),
        @io.quarkus.test.common.ResourceArg(name = "kitbridge.kit.circuit-breaker.delay", value = "1s")})
class KitClientTest {
    static final String ACCOUNT = "default";
    static final String OAUTH_ACCOUNT = "oauth-acct";

    World world;

    @Inject
    KitGateway gateway;

    @Inject
    ConnectionStore connections;

    @Inject
    CredentialResolver credentials;

    @Inject
    TestClock clock;

    @BeforeEach
    void reset() {
        world.kit().faults().clear();
    }

    private <T> T kit(Function<KitApi, T> request) {
        return gateway.call(KitCall.interactive(ACCOUNT, "test", true, Duration.ofSeconds(10)), request);
    }

    private <T> T kitOnce(Function<KitApi, T> request) {
        return gateway.call(KitCall.interactive(ACCOUNT, "test", false, Duration.ofSeconds(10)), request);
    }

    /** Fault tests each use their own account (same key): the circuit breaker is per account. */
    private String isolatedAccount() {
        String account = "faulty" + System.nanoTime();
        connections.putApiKey(account, KitWorld.API_KEY);
        return account;
    }

    private <T> T on(String account, boolean repeatable, Function<KitApi, T> request) {
        return gateway.call(KitCall.interactive(account, "test", repeatable, Duration.ofSeconds(10)), request);
    }

    private String unique(String prefix) {
        return prefix + System.nanoTime() + "@example.com";
    }

    // ------------------------------------------------------------------ subscribers

    @Test
    void should_answer_201_then_200_when_upserting_the_same_email_twice() {
        // GIVEN a new address
        String email = unique("upsert");
        // WHEN it is upserted twice
        RestResponse<SubscriberEnvelope> first = kit(api -> api.upsertSubscriber(ACCOUNT, new SubscriberUpsert(email, "Ann", null, null)));
        RestResponse<SubscriberEnvelope> second = kit(api -> api.upsertSubscriber(ACCOUNT, new SubscriberUpsert(email, "Anne", null, null)));
        // THEN Kit created, then updated the same subscriber
        assertEquals(201, first.getStatus());
        assertEquals(200, second.getStatus());
        assertEquals(first.getEntity().subscriber().id(), second.getEntity().subscriber().id());
        assertEquals("Anne", kit(api -> api.getSubscriber(ACCOUNT, first.getEntity().subscriber().id())).subscriber().firstName());
    }

    @Test
    void should_surface_warnings_when_upserting_unknown_custom_field() {
        // GIVEN no custom field "nosuchfield" in the account
        String email = unique("warn");
        // WHEN a subscriber is upserted with it
        RestResponse<SubscriberEnvelope> r = kit(api -> api.upsertSubscriber(ACCOUNT,
                new SubscriberUpsert(email, null, null, Map.of("nosuchfield", "x"))));
        // THEN Kit's warnings reach the caller and the value was dropped
        assertFalse(r.getEntity().warningsOrEmpty().isEmpty(), "warnings expected");
        assertFalse(r.getEntity().subscriber().fieldsOrEmpty().containsKey("nosuchfield"));
    }

    @Test
    void should_page_through_every_subscriber_when_listing_with_status_all() {
        // GIVEN a seeded account with mixed states
        world.kit().admin().seed(new SeedSpec(2_500, 5, List.of("plan", "company"), 7));
        long total = world.kit().admin().subscriberCount();
        // WHEN we follow cursors with status=all until has_next_page is false
        Set<Long> ids = new HashSet<>();
        Set<String> states = new HashSet<>();
        String after = null;
        int pages = 0;
        do {
            String cursor = after;
            SubscriberPage page = kit(api -> api.listSubscribersIncluding(ACCOUNT, "all", null, null,
                    PageQuery.of(1000, cursor)));
            page.items().forEach(s -> {
                ids.add(s.id());
                states.add(s.state());
            });
            after = page.hasNextPage() ? page.pagination().endCursor() : null;
            pages++;
        } while (after != null);
        // THEN every subscriber is seen once, in ceil(N/1000) pages, in several states
        assertEquals(total, ids.size());
        assertEquals((int) Math.ceil(total / 1000.0), pages);
        assertTrue(states.size() >= 3, "mixed states expected, got " + states);
    }

    @Test
    void should_find_subscriber_by_email_filter_when_listing() {
        String email = unique("filter");
        long id = kit(api -> api.upsertSubscriber(ACCOUNT, new SubscriberUpsert(email, null, null, null))).getEntity().subscriber().id();
        SubscriberPage page = kit(api -> api.findSubscribersByEmail(ACCOUNT, email.toUpperCase()));
        assertEquals(List.of(id), page.items().stream().map(Subscriber::id).toList());
    }

    @Test
    void should_merge_fields_when_updating_subscriber() {
        // GIVEN a subscriber with two custom fields set
        world.kit().admin().createCustomField("dept");
        world.kit().admin().createCustomField("plan");
        String email = unique("update");
        long id = kit(api -> api.upsertSubscriber(ACCOUNT, new SubscriberUpsert(email, null, null,
                Map.of("dept", "it", "plan", "pro")))).getEntity().subscriber().id();
        // WHEN only one field is updated
        SubscriberEnvelope updated = kit(api -> api.updateSubscriber(ACCOUNT, id, new SubscriberUpdate(null, "Zed", Map.of("plan", "team"))));
        // THEN the other field is kept
        assertEquals("team", updated.subscriber().fields().get("plan"));
        assertEquals("it", updated.subscriber().fields().get("dept"));
        assertEquals("Zed", updated.subscriber().firstName());
    }

    @Test
    void should_report_unsubscribed_and_keep_tags_when_unsubscribing() {
        // GIVEN a tagged subscriber
        String email = unique("unsub");
        long id = kit(api -> api.upsertSubscriber(ACCOUNT, new SubscriberUpsert(email, null, null, null))).getEntity().subscriber().id();
        long tagId = kitOnce(api -> api.createTag(ACCOUNT, new TagCreate("unsub-tag-" + System.nanoTime()))).getEntity().tag().id();
        kit(api -> api.tagSubscriber(ACCOUNT, tagId, id));
        // WHEN unsubscribed (204 in Kit's public dialect)
        RestResponse<SubscriberEnvelope> r = kit(api -> api.unsubscribe(ACCOUNT, id));
        // THEN the state reads as unsubscribed and the tag survives
        assertTrue(r.getStatus() == 200 || r.getStatus() == 204);
        assertTrue(kit(api -> api.getSubscriber(ACCOUNT, id)).subscriber().subscriberState().isUnsubscribed());
        assertEquals(List.of(tagId), kit(api -> api.listSubscriberTags(ACCOUNT, id, PageQuery.DEFAULT)).items().stream().map(Tag::id).toList());
    }

    // ------------------------------------------------------------------ tags

    @Test
    void should_be_idempotent_when_creating_and_applying_tags() {
        String name = "idem-" + System.nanoTime();
        RestResponse<TagEnvelope> created = kitOnce(api -> api.createTag(ACCOUNT, new TagCreate(name)));
        RestResponse<TagEnvelope> again = kitOnce(api -> api.createTag(ACCOUNT, new TagCreate(name)));
        assertEquals(201, created.getStatus());
        assertEquals(200, again.getStatus());
        long tagId = created.getEntity().tag().id();
        assertEquals(tagId, again.getEntity().tag().id());

        String email = unique("tagged");
        long id = kit(api -> api.upsertSubscriber(ACCOUNT, new SubscriberUpsert(email, null, null, null))).getEntity().subscriber().id();
        assertEquals(201, kit(api -> api.tagSubscriberByEmail(ACCOUNT, tagId, new TagSubscriberByEmail(email))).getStatus());
        assertEquals(200, kit(api -> api.tagSubscriber(ACCOUNT, tagId, id)).getStatus());
        SubscriberPage members = kit(api -> api.listTagSubscribers(ACCOUNT, tagId, "all", null, PageQuery.of(100, null)));
        assertEquals(List.of(id), members.items().stream().map(Subscriber::id).toList());
        assertNotNull(members.items().get(0).taggedAt());

        assertEquals(204, kit(api -> api.removeTag(ACCOUNT, tagId, id)).getStatus());
        KitException notTagged = assertThrows(KitException.class, () -> kit(api -> api.removeTag(ACCOUNT, tagId, id)));
        assertEquals(KitErrorKind.NOT_FOUND, notTagged.kind());
    }

    @Test
    void should_follow_cursors_when_listing_tags() {
        for (int i = 0; i < 5; i++) {
            world.kit().admin().createTag("page-tag-" + i + "-" + System.nanoTime());
        }
        List<Tag> all = new ArrayList<>();
        int pages = 0;
        String after = null;
        do {
            String cursor = after;
            TagPage page = kit(api -> api.listTags(ACCOUNT, PageQuery.of(2, cursor)));
            // guards the page query (a bean parameter): per_page and after must reach Kit, not just compile
            assertTrue(page.items().size() <= 2, "per_page=2 not applied: " + page.items().size() + " items");
            all.addAll(page.items());
            pages++;
            after = page.hasNextPage() ? page.pagination().endCursor() : null;
        } while (after != null);
        assertEquals(world.kit().admin().tagIdsByName().size(), all.size());
        assertEquals((all.size() + 1) / 2, pages);
    }

    // ------------------------------------------------------------------ custom fields

    @Test
    void should_list_and_create_custom_fields_when_paginating() {
        String label = "Cost Centre " + System.nanoTime();
        CustomField created = kitOnce(api -> api.createCustomField(ACCOUNT, new CustomFieldCreate(label))).customField();
        assertTrue(created.key().startsWith("cost_centre_"));
        List<String> keys = new ArrayList<>();
        String after = null;
        do {
            String cursor = after;
            CustomFieldPage page = kit(api -> api.listCustomFields(ACCOUNT, PageQuery.of(1, cursor)));
            page.items().forEach(f -> keys.add(f.key()));
            after = page.hasNextPage() ? page.pagination().endCursor() : null;
        } while (after != null);
        assertTrue(keys.contains(created.key()));
        KitException duplicate = assertThrows(KitException.class,
                () -> kitOnce(api -> api.createCustomField(ACCOUNT, new CustomFieldCreate(label))));
        assertEquals(KitErrorKind.UNPROCESSABLE, duplicate.kind());
        assertFalse(duplicate.kitMessages().isEmpty(), "Kit's 422 message is kept");
    }

    // ------------------------------------------------------------------ bulk

    @Test
    void should_refuse_bulk_for_api_key_and_serve_it_for_oauth() {
        // GIVEN an API-key account and an OAuth account
        KitException forbidden = assertThrows(KitException.class, () -> kitOnce(api -> api.bulkCreateSubscribers(ACCOUNT,
                new BulkSubscribersRequest(List.of(new BulkSubscriber(unique("b"), null, null)), null))));
        assertEquals(KitErrorKind.FORBIDDEN, forbidden.kind());

        connectOauth();
        List<BulkSubscriber> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(new BulkSubscriber(unique("bulk" + i + "-"), "B" + i, null));
        }
        // WHEN 100 rows are sent (synchronous) and then 101 (asynchronous)
        RestResponse<BulkResult> sync = gateway.call(KitCall.interactive(OAUTH_ACCOUNT, "bulk", false, Duration.ofSeconds(5)),
                api -> api.bulkCreateSubscribers(OAUTH_ACCOUNT, new BulkSubscribersRequest(rows, null)));
        assertEquals(200, sync.getStatus());
        assertEquals(100, sync.getEntity().subscribers().size());
        List<BulkSubscriber> more = new ArrayList<>(rows);
        more.add(new BulkSubscriber(unique("bulk-extra"), null, null));
        RestResponse<BulkResult> async = gateway.call(KitCall.interactive(OAUTH_ACCOUNT, "bulk", false, Duration.ofSeconds(5)),
                api -> api.bulkCreateSubscribers(OAUTH_ACCOUNT, new BulkSubscribersRequest(more, "http://127.0.0.1:9/cb")));
        assertEquals(202, async.getStatus());
        // AND bulk tagging works too
        long tagId = world.kit().admin().createTag("bulk-tag-" + System.nanoTime());
        List<Tagging> taggings = sync.getEntity().subscribers().stream().map(s -> new Tagging(tagId, s.id())).toList();
        RestResponse<BulkResult> tagged = gateway.call(KitCall.interactive(OAUTH_ACCOUNT, "bulk-tag", true, Duration.ofSeconds(5)),
                api -> api.bulkTagSubscribers(OAUTH_ACCOUNT, new BulkTaggingsRequest(taggings, null)));
        assertEquals(200, tagged.getStatus());
        assertTrue(tagged.getEntity().failuresOrEmpty().isEmpty());
    }

    @Test
    void should_map_413_when_bulk_is_over_quota() {
        connectOauth();
        List<BulkSubscriber> rows = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            rows.add(new BulkSubscriber("q" + i + "@example.com", null, null));
        }
        KitException tooLarge = assertThrows(KitException.class, () -> gateway.call(
                KitCall.interactive(OAUTH_ACCOUNT, "bulk", false, Duration.ofSeconds(5)),
                api -> api.bulkCreateSubscribers(OAUTH_ACCOUNT, new BulkSubscribersRequest(rows, "http://127.0.0.1:9/cb"))));
        assertEquals(KitErrorKind.PAYLOAD_TOO_LARGE, tooLarge.kind());
    }

    // ------------------------------------------------------------------ webhooks

    @Test
    void should_create_list_and_delete_both_webhook_kinds() {
        String target = "https://hooks.example.com/webhooks/default?token=s3cr3t-token-value&event=subscriber.subscriber_activate";
        LegacyWebhook hook = kitOnce(api -> api.createWebhook(ACCOUNT,
                new LegacyWebhookCreate(target, WebhookEvent.named("subscriber.subscriber_activate")))).webhook();
        assertTrue(kit(api -> api.listWebhooks(ACCOUNT, PageQuery.DEFAULT)).items().stream().anyMatch(w -> w.id() == hook.id()));
        assertEquals(204, kit(api -> api.deleteWebhook(ACCOUNT, hook.id())).getStatus());
        assertFalse(kit(api -> api.listWebhooks(ACCOUNT, PageQuery.DEFAULT)).items().stream().anyMatch(w -> w.id() == hook.id()));

        WebhookEndpoint endpoint = kitOnce(api -> api.createWebhookEndpoint(ACCOUNT, new WebhookEndpointCreate(
                "https://hooks.example.com/webhooks/default", List.of("subscriber.activated"), "kitbridge"))).webhookEndpoint();
        assertNotNull(endpoint.secret(), "secret is returned on creation");
        WebhookEndpoint listed = kit(api -> api.listWebhookEndpoints(ACCOUNT, PageQuery.DEFAULT)).items().stream()
                .filter(e -> e.id() == endpoint.id()).findFirst().orElseThrow();
        assertNull(listed.secret(), "secret is never listed");
        assertEquals(204, kit(api -> api.deleteWebhookEndpoint(ACCOUNT, endpoint.id())).getStatus());
        assertFalse(endpoint.toString().contains(endpoint.secret()));
    }

    // ------------------------------------------------------------------ oauth token endpoint

    @Test
    void should_exchange_code_with_pkce_and_rotate_on_refresh() throws Exception {
        // GIVEN a PKCE authorisation code from the simulator's authorize endpoint
        String verifier = "verifier-" + System.nanoTime() + "-abcdefghijklmnopqrstuvwxyz0123456789";
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirect = "https://app.example.com/oauth/callback";
        HttpResponse<String> authorize = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(world.kit().baseUrl()
                + "/oauth/authorize?response_type=code&client_id=kb-client&redirect_uri=" + java.net.URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&scope=public&state=st1&code_challenge=" + challenge + "&code_challenge_method=S256")).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = authorize.headers().firstValue("Location").orElseThrow();
        String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
        // WHEN the code is exchanged and the refresh token used
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("grant_type", "authorization_code");
        form.putSingle("code", code);
        form.putSingle("client_id", "kb-client");
        form.putSingle("client_secret", "kb-secret");
        form.putSingle("redirect_uri", redirect);
        form.putSingle("code_verifier", verifier);
        TokenResponse tokens = kitOnce(api -> api.token(form));
        assertEquals(172800L, tokens.expiresIn());
        MultivaluedHashMap<String, String> refresh = new MultivaluedHashMap<>();
        refresh.putSingle("grant_type", "refresh_token");
        refresh.putSingle("refresh_token", tokens.refreshToken());
        refresh.putSingle("client_id", "kb-client");
        refresh.putSingle("client_secret", "kb-secret");
        TokenResponse rotated = kitOnce(api -> api.token(refresh));
        // THEN a new refresh token replaces the old, which is dead
        assertFalse(tokens.refreshToken().equals(rotated.refreshToken()));
        KitException reuse = assertThrows(KitException.class, () -> kitOnce(api -> api.token(refresh)));
        assertEquals(400, reuse.status());
        assertTrue(reuse.getMessage().contains("invalid_grant"));
        assertFalse(reuse.getMessage().contains(tokens.refreshToken()), "refresh token must not leak into errors");
    }

    // ------------------------------------------------------------------ errors and fault tolerance

    @Test
    void should_distinguish_expired_from_invalid_token_when_kit_answers_401() {
        OAuthTokens tokens = world.kit().admin().grantTokensDirectly();
        connections.putOauth("expiring", tokens.accessToken(), tokens.refreshToken(), Long.MAX_VALUE / 2000, List.of("public"));
        credentials.invalidate("expiring");
        world.kit().admin().expireAccessToken(tokens.accessToken());
        KitException expired = assertThrows(KitException.class, () -> gateway.call(
                KitCall.interactive("expiring", "test", true, Duration.ofSeconds(5)), api -> api.listTags("expiring", PageQuery.DEFAULT)));
        assertTrue(expired.kind() == KitErrorKind.TOKEN_EXPIRED || "AccountDisconnected".equals(expired.errorType())
                || expired.kind() == KitErrorKind.UNAUTHORIZED, expired.toString());

        connections.putApiKey("wrongkey", "not-a-real-key-123456");
        credentials.invalidate("wrongkey");
        KitException invalid = assertThrows(KitException.class, () -> gateway.call(
                KitCall.interactive("wrongkey", "test", true, Duration.ofSeconds(5)), api -> api.listTags("wrongkey", PageQuery.DEFAULT)));
        assertEquals(KitErrorKind.UNAUTHORIZED, invalid.kind());
        assertEquals(401, invalid.status());
        assertFalse(invalid.toString().contains("not-a-real-key-123456"), "the key never appears in errors");
    }

    @Test
    void should_keep_kit_message_when_kit_answers_422() {
        KitException bad = assertThrows(KitException.class,
                () -> kit(api -> api.upsertSubscriber(ACCOUNT, new SubscriberUpsert("not-an-email", null, null, null))));
        assertEquals(KitErrorKind.UNPROCESSABLE, bad.kind());
        assertEquals(422, bad.status());
        assertFalse(bad.kitMessages().isEmpty());
        assertTrue(bad.getMessage().contains(bad.kitMessages().get(0)));
    }

    @Test
    void should_map_404_when_subscriber_does_not_exist() {
        KitException missing = assertThrows(KitException.class, () -> kit(api -> api.getSubscriber(ACCOUNT, 987_654_321L)));
        assertEquals(KitErrorKind.NOT_FOUND, missing.kind());
    }

    @Test
    void should_hand_wait_to_caller_and_budget_when_429_has_no_retry_after() {
        // guards: the pause was waited out with a sleep; the application's clock is frozen and moved instead
        String acct = isolatedAccount();
        clock.freeze();
        try {
            // GIVEN Kit answers 429 with the plain-text body and no Retry-After
            world.kit().faults().inject(Fault.once("GET", "/v4/tags", FaultKind.RATE_LIMIT, 0));
            long before = world.kit().log().count("GET", "/v4/tags");
            // WHEN we call
            KitException limited = assertThrows(KitException.class, () -> on(acct, true, api -> api.listTags(acct, PageQuery.DEFAULT)));
            // THEN it is a typed 429, not retried blindly, with a backoff wait handed back
            assertEquals(KitErrorKind.RATE_LIMITED, limited.kind());
            assertEquals(before + 1, world.kit().log().count("GET", "/v4/tags"));
            assertTrue(limited.retryAfter().isPresent());
            Duration pause = limited.retryAfter().get();
            assertTrue(pause.toMillis() > 0 && pause.toSeconds() <= 60, pause.toString());
            // AND the budget holds every caller of the key: one that may not wait is told how long, nothing is sent
            long sent = world.kit().log().size();
            io.kitbridge.budget.BudgetExhaustedException held = assertThrows(io.kitbridge.budget.BudgetExhaustedException.class,
                    () -> gateway.call(KitCall.interactive(ACCOUNT, "test", true, Duration.ZERO), api -> api.listTags(ACCOUNT, PageQuery.DEFAULT)));
            assertTrue(held.waitHint().compareTo(pause) >= 0, held.waitHint() + " < " + pause);
            assertEquals(sent, world.kit().log().size());
            // WHEN the pause has passed
            clock.advance(pause);
            // THEN calls reach Kit again
            assertNotNull(kit(api -> api.listTags(ACCOUNT, PageQuery.DEFAULT)));
            assertEquals(sent + 1, world.kit().log().size());
        } finally {
            clock.resume();
        }
    }

    @Test
    void should_retry_repeatable_call_when_kit_fails_transiently() {
        String acct = isolatedAccount();
        // GIVEN one 500, one 502 HTML page and one connection reset in front of a GET
        world.kit().faults().inject(Fault.once("GET", "/v4/custom_fields", FaultKind.STATUS, 500));
        world.kit().faults().inject(Fault.once("GET", "/v4/custom_fields", FaultKind.HTML_ERROR, 502));
        world.kit().faults().inject(Fault.once("GET", "/v4/custom_fields", FaultKind.RESET, 0));
        long before = world.kit().log().count("GET", "/v4/custom_fields");
        // WHEN we list custom fields
        CustomFieldPage page = on(acct, true, api -> api.listCustomFields(acct, PageQuery.DEFAULT));
        // THEN the call succeeds after retries, each retry a separate request
        assertNotNull(page);
        assertEquals(before + 4, world.kit().log().count("GET", "/v4/custom_fields"));
    }

    @Test
    void should_not_retry_when_request_is_not_repeatable() {
        String acct = isolatedAccount();
        world.kit().faults().inject(Fault.once("POST", "/v4/tags", FaultKind.STATUS, 503));
        long before = world.kit().log().count("POST", "/v4/tags");
        KitException failed = assertThrows(KitException.class,
                () -> on(acct, false, api -> api.createTag(acct, new TagCreate("once-" + System.nanoTime()))));
        assertEquals(KitErrorKind.SERVER_ERROR, failed.kind());
        assertEquals("KitUnavailable", failed.errorType());
        assertEquals(before + 1, world.kit().log().count("POST", "/v4/tags"));
    }

    @Test
    void should_give_typed_errors_when_body_is_malformed_empty_html_or_late() {
        String acct = isolatedAccount();
        world.kit().faults().inject(Fault.once("GET", "/v4/subscribers", FaultKind.MALFORMED_JSON, 200));
        KitException malformed = assertThrows(KitException.class, () -> on(acct, false, api -> api.listSubscribersIncluding(acct,
                "all", null, null, PageQuery.of(1, null))));
        assertEquals(KitErrorKind.PROTOCOL, malformed.kind());

        world.kit().faults().inject(Fault.once("GET", "/v4/webhooks", FaultKind.HTML_ERROR, 502));
        KitException html = assertThrows(KitException.class, () -> on(acct, false, api -> api.listWebhooks(acct, PageQuery.DEFAULT)));
        assertEquals(502, html.status());
        assertFalse(html.getMessage().contains("<"), "HTML is flattened: " + html.getMessage());

        world.kit().faults().inject(Fault.latency("GET", "/v4/webhook_endpoints", 10_000).withTimes(1));
        KitException late = assertThrows(KitException.class, () -> on(acct, false, api -> api.listWebhookEndpoints(acct, PageQuery.DEFAULT)));
        assertEquals(KitErrorKind.TRANSPORT, late.kind());

        // guards: an empty 200 was accepted either as an error or as an empty page; an empty page would read as
        // "the account has no tags", so it must be a protocol error like any other body that is not Kit's JSON
        world.kit().faults().inject(Fault.once("GET", "/v4/tags", FaultKind.EMPTY_200, 200));
        KitException empty = assertThrows(KitException.class, () -> on(acct, false, api -> api.listTags(acct, PageQuery.DEFAULT)));
        assertEquals(KitErrorKind.PROTOCOL, empty.kind());
        assertEquals("KitProtocolError", empty.errorType());
        assertTrue(empty.getMessage().contains("empty body"), empty.getMessage());
    }

    @Test
    void should_open_the_circuit_then_probe_half_open_and_close_again_when_kit_fails_and_recovers() {
        // guards: the breaker test slept 1.2 s against the breaker delay and never asserted recovery. Each step
        // below waits for a condition (bounded), and what it asserts holds however slow the machine is.
        String acct = isolatedAccount();
        long subscriber = world.kit().admin().createSubscriber(unique("breaker"), "Breaker");
        String path = "/v4/subscribers/" + subscriber;
        // GIVEN Kit answers 503 to every request for this account's subscriber
        world.kit().faults().inject(Fault.always("GET", path, FaultKind.STATUS, 503));
        // WHEN calls keep failing
        Attempt opened = untilBreaker(acct, subscriber, path, true, 40);
        // THEN the breaker opens after the volume threshold (10) of failures, and an open breaker sends nothing
        assertTrue(world.kit().log().count("GET", path) >= 10, "requests before opening");
        assertEquals(0, opened.sent(), "an open breaker sends nothing");
        assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.OPEN, gateway.circuitState(acct));
        // WHEN the delay has passed while Kit still fails
        Attempt probe = untilBreaker(acct, subscriber, path, false, Integer.MAX_VALUE);
        // THEN one half-open probe reached Kit, failed, and the breaker opened again
        assertEquals(1, probe.sent());
        assertEquals(KitErrorKind.SERVER_ERROR, probe.error().kind());
        assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.OPEN, gateway.circuitState(acct));
        // WHEN Kit recovers and the delay passes again
        world.kit().faults().clear();
        Attempt recovered = untilBreaker(acct, subscriber, path, false, Integer.MAX_VALUE);
        // THEN the half-open probe succeeds, the breaker closes, and calls flow again
        assertEquals(1, recovered.sent());
        assertNull(recovered.error(), String.valueOf(recovered.error()));
        assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.CLOSED, gateway.circuitState(acct));
        long before = world.kit().log().count("GET", path);
        for (int i = 0; i < 3; i++) {
            assertEquals(subscriber, on(acct, false, api -> api.getSubscriber(acct, subscriber)).subscriber().id());
        }
        assertEquals(before + 3, world.kit().log().count("GET", path));
    }

    /** One call's outcome: requests it sent to Kit and its error (null when it succeeded). */
    record Attempt(long sent, KitException error) {
    }

    /**
     * Calls until the outcome is (open = true) refused by the open breaker or (open = false) anything else, for at
     * most maxCalls calls or 30 s; calls refused while waiting for the breaker to let a probe through must send nothing.
     */
    private Attempt untilBreaker(String acct, long subscriber, String path, boolean open, int maxCalls) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; i < maxCalls && System.nanoTime() < deadline; i++) {
            long before = world.kit().log().count("GET", path);
            KitException error = null;
            try {
                on(acct, false, api -> api.getSubscriber(acct, subscriber));
            } catch (KitException e) {
                error = e;
            }
            long sent = world.kit().log().count("GET", path) - before;
            boolean refused = error != null && error.kind() == KitErrorKind.CIRCUIT_OPEN;
            if (refused == open) {
                return new Attempt(sent, error);
            }
            if (refused) {
                assertEquals(0, sent, "an open breaker sends nothing");
                pause(20);
            }
        }
        throw new AssertionError("the breaker never " + (open ? "opened" : "let a call through") + " for " + acct);
    }

    @Test
    void should_send_x_kit_api_key_header_when_auth_style_is_default() {
        world.kit().log().clear();
        kit(api -> api.listTags(ACCOUNT, PageQuery.DEFAULT));
        assertEquals("api-key", world.kit().log().all().get(0).credentialKind());
    }

    private void connectOauth() {
        OAuthTokens tokens = world.kit().admin().grantTokensDirectly();
        connections.putOauth(OAUTH_ACCOUNT, tokens.accessToken(), tokens.refreshToken(),
                System.currentTimeMillis() / 1000 + 7200, List.of("public", "write_subscribers"));
        credentials.invalidate(OAUTH_ACCOUNT);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
