package io.kitbridge.oauth;

import io.kitbridge.kit.PageQuery;
import static io.kitbridge.oauth.OAuthFlow.body;
import static io.kitbridge.oauth.OAuthFlow.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.TagPage;
import io.kitbridge.lookup.LookupRequest;
import io.kitbridge.lookup.LookupService;
import io.kitbridge.provision.ProvisionService;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.Attr;
import io.kitbridge.store.Connection;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.Items;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.TestClock;
import io.kitbridge.testing.World;
import io.kitbridge.common.InvocationDeadline;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * The oauth function through the Lambda mock event server (API Gateway v2 events), against the Kit simulator's
 * OAuth server (PKCE S256, refresh rotation that invalidates the old refresh token) and dynalite.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "oauth"),
        @ResourceArg(name = "oauthLimit", value = "6000"),
        @ResourceArg(name = "kitbridge.oauth.client-id", value = "kb-client"),
        @ResourceArg(name = "kitbridge.oauth.client-secret", value = "kb-secret"),
        @ResourceArg(name = "kitbridge.oauth.redirect-uri", value = OAuthFunctionTest.REDIRECT),
        @ResourceArg(name = "kitbridge.oauth.authorize-url", value = "${kitbridge.kit.base-url}/oauth/authorize"),
        @ResourceArg(name = "kitbridge.oauth.scopes", value = "public,write_subscribers")})
class OAuthFunctionTest {
    static final String REDIRECT = "https://kitbridge.example.com/oauth/callback";

    World world;

    @Inject
    KitGateway gateway;

    @Inject
    ConnectionStore connections;

    @Inject
    CredentialResolver credentials;

    @Inject
    MirrorStore mirror;

    @Inject
    LookupService lookup;

    @Inject
    io.kitbridge.budget.BudgetConfig budgetConfig;

    @Inject
    TestClock clock;

    @Inject
    ProvisionService provision;

    @Inject
    InvocationDeadline deadline;

    private SimAdmin kit() {
        return world.kit().admin();
    }

    private TagPage listTags(String account) {
        return gateway.call(KitCall.interactive(account, "list-tags", true, Duration.ofSeconds(20)),
                api -> api.listTags(account, PageQuery.DEFAULT));
    }

    private long oauthTokenRequests() {
        return world.kit().log().count("POST", "/oauth/token");
    }

    // ------------------------------------------------------------------ connect

    @Test
    void should_connect_account_and_call_kit_with_its_token_when_start_authorize_and_callback_complete() {
        List<String> logLines = new ArrayList<>();
        Handler capture = capture(logLines);
        try {
            // GIVEN an account that is not connected
            String account = "acme";
            // WHEN the browser goes through /oauth/start, Kit's consent screen and /oauth/callback
            OAuthFlow.RoundTrip trip = OAuthFlow.connect(account);
            // THEN start sent it to Kit's authorize URL with PKCE S256 and a state, never the verifier
            Map<String, String> authorize = OAuthFlow.query(trip.authorizeUrl());
            assertTrue(trip.authorizeUrl().startsWith(world.kit().baseUrl() + "/oauth/authorize?"), trip.authorizeUrl());
            assertEquals("code", authorize.get("response_type"));
            assertEquals("kb-client", authorize.get("client_id"));
            assertEquals(REDIRECT, authorize.get("redirect_uri"));
            assertEquals("public write_subscribers", authorize.get("scope"));
            assertEquals("S256", authorize.get("code_challenge_method"));
            assertEquals(43, authorize.get("code_challenge").length());
            assertTrue(authorize.get("state").length() >= 43, "state must be unguessable");
            assertFalse(trip.authorizeUrl().contains("kb-secret"));
            // AND the callback answered a page saying the account is connected
            assertEquals(200, status(trip.page()), trip.page().asString());
            assertTrue(trip.page().jsonPath().getString("headers.content-type").startsWith("text/html"));
            assertEquals("no-referrer", trip.page().jsonPath().getString("headers.referrer-policy"));
            assertTrue(body(trip.page()).contains("acme") && body(trip.page()).contains("connected"), body(trip.page()));
            // AND the connection is stored with tokens, Kit's expiry, scopes and kind
            Connection stored = connections.find(account).orElseThrow();
            assertEquals(Connection.KIND_OAUTH, stored.kind());
            assertEquals(Connection.STATUS_CONNECTED, stored.status());
            long expiresIn = stored.accessExpiresAt() - clock.instant().getEpochSecond(); // the app stamps expiry by its clock
            assertTrue(expiresIn > 172_000 && expiresIn <= 172_800, "code exchange tokens live 172800 s, got " + expiresIn);
            assertEquals(List.of("public", "write_subscribers"), stored.scopes());
            assertTrue(kit().isRefreshTokenValid(stored.refreshToken()));
            // AND every function now calls Kit with the OAuth token, on the OAuth budget
            world.kit().log().clear();
            listTags(account);
            assertEquals("oauth", world.kit().log().all().get(0).credentialKind());
            assertEquals(io.kitbridge.kit.CredentialKind.OAUTH, gateway.credential(account).kind());
            // AND the connection was audited, and no token, code or secret reached a page, an output or a log line
            List<AuditEntry> history = mirror.history(account, ConnectionAudit.SUBJECT, 5);
            assertEquals("oauth.connect", history.get(0).action());
            List<String> secrets = List.of(stored.accessToken(), stored.refreshToken(), trip.code(), "kb-secret");
            String everything = trip.page().asString() + OAuthFlow.start("acme2").asString() + history + String.join("\n", logLines);
            secrets.forEach(secret -> assertFalse(everything.contains(secret), "a secret leaked"));
            assertTrue(logLines.stream().anyMatch(l -> l.contains("account acme connected")), "the log captures our lines");
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
        }
    }

    @Test
    void should_refuse_forged_replayed_and_expired_state_when_callback_arrives() {
        // GIVEN a completed connection and its callback URL
        OAuthFlow.RoundTrip trip = OAuthFlow.connect("replayed");
        assertEquals(200, status(trip.page()));
        long tokenCalls = oauthTokenRequests();
        // WHEN the same callback is replayed, THEN it is refused: a state is single use
        Response replay = OAuthFlow.callback(trip.callbackQuery());
        assertEquals(400, status(replay));
        assertTrue(body(replay).contains("already used"), body(replay));
        // WHEN a forged state arrives with a code, THEN it is refused
        Response forged = OAuthFlow.callback(Map.of("code", "some-code", "state", "forged-state-value"));
        assertEquals(400, status(forged));
        assertFalse(body(forged).contains("forged-state-value"), "the state is not echoed");
        // WHEN a state older than its 10 minutes comes back, THEN it is refused too
        String[] urls = OAuthFlow.authorize("late");
        Map<String, String> late = OAuthFlow.query(urls[1]);
        world.dynamo().updateItem(b -> b.tableName(world.tables().control())
                .key(Map.of(Attr.PK, Items.s(OAuthStates.pk(late.get("state"))), Attr.SK, Items.s(OAuthStates.SK)))
                .updateExpression("SET #e = :past").expressionAttributeNames(Map.of("#e", Attr.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":past", Items.n(System.currentTimeMillis() / 1000 - 1))));
        assertEquals(400, status(OAuthFlow.callback(late)));
        // THEN none of them reached Kit's token endpoint, and no connection was made for the late one
        assertEquals(tokenCalls, oauthTokenRequests());
        assertTrue(connections.find("late").isEmpty());
    }

    @Test
    void should_answer_clear_400_pages_when_code_missing_kit_denied_or_account_bad() {
        // GIVEN a started connection whose callback lost its code
        String[] urls = OAuthFlow.authorize("nocode");
        String state = OAuthFlow.query(urls[1]).get("state");
        // WHEN the callback has no code, THEN a 400 page says so and the state stays usable
        Response noCode = OAuthFlow.callback(Map.of("state", state));
        assertEquals(400, status(noCode));
        assertTrue(body(noCode).contains("no authorisation code"), body(noCode));
        // WHEN Kit reports the user denied access, THEN the page explains it, escaped
        Response denied = OAuthFlow.callback(Map.of("error", "access_denied", "error_description", "<script>x</script>",
                "state", state));
        assertEquals(400, status(denied));
        assertTrue(body(denied).contains("access_denied") && body(denied).contains("&lt;script&gt;"), body(denied));
        assertFalse(body(denied).contains("<script>"));
        // WHEN start gets no account or a malformed one, THEN 400 naming it
        for (String account : new String[] {null, "bad name<>"}) {
            Response r = OAuthFlow.start(account);
            assertEquals(400, status(r), r.asString());
            assertTrue(body(r).contains("account"), body(r));
            assertFalse(body(r).contains("<>"));
        }
        // AND no connect link can be minted for "default", which uses the configured API key
        Response defaultLink = OAuthFlow.connectLink("default", true, true);
        assertEquals(500, defaultLink.statusCode());
        assertEquals("InvalidInput", io.kitbridge.testing.Lambda.errorType(defaultLink));
        // WHEN an unknown path or method arrives, THEN 404 / 405
        assertEquals(404, status(io.kitbridge.testing.Lambda.invoke(OAuthFlow.event("/oauth/other", Map.of()))));
        Map<String, Object> post = new java.util.HashMap<>(OAuthFlow.event("/prod/oauth/start", Map.of("account", "x")));
        post.put("requestContext", Map.of("http", Map.of("method", "POST")));
        assertEquals(405, status(io.kitbridge.testing.Lambda.invoke(post)));
        // AND a stage prefix in the path is fine
        assertEquals(302, status(io.kitbridge.testing.Lambda.invoke(OAuthFlow.event("/prod/oauth/start",
                Map.of("account", "staged", "link", OAuthFlow.link("staged", false, false))))));
    }

    // ------------------------------------------------------------------ refresh

    @Test
    void should_refresh_once_and_keep_newest_refresh_token_when_8_invocations_meet_an_expired_token() throws Exception {
        // GIVEN an OAuth account whose access token Kit has expired (its stored expiry still looks fine)
        String account = "eight";
        OAuthTokens old = kit().grantTokensDirectly();
        connections.putOauth(account, old.accessToken(), old.refreshToken(), System.currentTimeMillis() / 1000 + 3600,
                List.of("public"));
        credentials.invalidate(account);
        kit().expireAccessToken(old.accessToken());
        int refreshesBefore = kit().tokenRefreshes();
        // WHEN 8 invocations call Kit through the gateway at once
        List<Throwable> failures = Concurrently.run(8, i -> listTags(account));
        // THEN all 8 succeed after exactly one refresh
        assertEquals(List.of(), failures);
        assertEquals(refreshesBefore + 1, kit().tokenRefreshes());
        // AND the stored refresh token is the newest (valid) one; the old one is dead
        Connection stored = connections.find(account).orElseThrow();
        assertNotEquals(old.refreshToken(), stored.refreshToken());
        assertTrue(kit().isRefreshTokenValid(stored.refreshToken()));
        assertFalse(kit().isRefreshTokenValid(old.refreshToken()));
        assertEquals(Connection.STATUS_CONNECTED, stored.status());
        long expiresIn = stored.accessExpiresAt() - clock.instant().getEpochSecond(); // the app stamps expiry by its clock
        assertTrue(expiresIn > 7000 && expiresIn <= 7200, "refreshed tokens live 7200 s, got " + expiresIn);
    }

    @Test
    void should_refresh_once_when_two_lambdas_refresh_the_same_account_concurrently() throws Exception {
        // GIVEN an expired token and two independent refreshers (two Lambdas: separate in-process locks)
        String account = "twolambdas";
        OAuthTokens old = kit().grantTokensDirectly();
        connections.putOauth(account, old.accessToken(), old.refreshToken(), System.currentTimeMillis() / 1000 + 3600,
                List.of("public"));
        kit().expireAccessToken(old.accessToken());
        OAuthTokenRefresher lambdaA = Refreshers.independent();
        OAuthTokenRefresher lambdaB = Refreshers.independent();
        int refreshesBefore = kit().tokenRefreshes();
        // WHEN 8 invocations, half in each Lambda, each refresh after Kit's 401 and then call Kit
        List<Throwable> failures = Concurrently.run(8, i -> {
            (i % 2 == 0 ? lambdaA : lambdaB).refreshAfterExpiry(account, old.accessToken());
            credentials.invalidate(account);
            return listTags(account);
        });
        // THEN one refresh request reached Kit (the DynamoDB lease), the losers used the winner's token
        assertEquals(List.of(), failures);
        assertEquals(refreshesBefore + 1, kit().tokenRefreshes());
        Connection stored = connections.find(account).orElseThrow();
        assertTrue(kit().isRefreshTokenValid(stored.refreshToken()));
        assertTrue(world.dynamo().getItem(b -> b.tableName(world.tables().control()).key(Map.of(Attr.PK,
                Items.s(OAuthTokenRefresher.leasePk(account)), Attr.SK, Items.s(OAuthTokenRefresher.LEASE_SK)))).item().isEmpty(),
                "the refresh lease is released");
    }

    @Test
    void should_never_overwrite_a_newer_rotation_when_a_writer_holds_an_older_version() {
        // GIVEN a connection item that also carries another capability's attribute (a webhook secret)
        String account = "cas";
        connections.putOauth(account, "access-1-xxxxxxxx", "refresh-1-xxxxxxxx", 1, List.of("public"));
        world.dynamo().updateItem(b -> b.tableName(world.tables().connections()).key(Map.of(Attr.ACCOUNT, Items.s(account)))
                .updateExpression("SET #w = :w").expressionAttributeNames(Map.of("#w", "webhookSecret"))
                .expressionAttributeValues(Map.of(":w", Items.s("kept"))));
        Connection seen = connections.find(account).orElseThrow();
        // WHEN one writer rotates from the version both saw, and a slower one then tries the same
        boolean first = connections.rotateTokens(account, seen.version(), seen.version() + 1, "access-2-xxxxxxxx",
                "refresh-2-xxxxxxxx", 2, List.of("public"));
        boolean second = connections.rotateTokens(account, seen.version(), seen.version() + 1, "access-old-xxxxxxxx",
                "refresh-old-xxxxxxxx", 3, List.of("public"));
        // THEN only the first wins; the newest refresh token and the other attribute survive
        assertTrue(first);
        assertFalse(second);
        assertEquals("refresh-2-xxxxxxxx", connections.find(account).orElseThrow().refreshToken());
        assertEquals("kept", world.dynamo().getItem(b -> b.tableName(world.tables().connections())
                .key(Map.of(Attr.ACCOUNT, Items.s(account)))).item().get("webhookSecret").s());
    }

    @Test
    void should_refresh_ahead_of_expiry_without_waiting_for_a_401() {
        // GIVEN a connection whose access token expires within the refresh skew (5 min)
        String account = "ahead";
        OAuthTokens old = kit().grantTokensDirectly();
        connections.putOauth(account, old.accessToken(), old.refreshToken(), System.currentTimeMillis() / 1000 + 60,
                List.of("public"));
        credentials.invalidate(account);
        int refreshesBefore = kit().tokenRefreshes();
        world.kit().log().clear();
        // WHEN a function that never calls Kit (lookup) validates the account, THEN nothing is refreshed
        assertEquals("NotFound", assertThrows(KitbridgeException.class,
                () -> lookup.lookup(new LookupRequest(account, "nobody@example.com", null, null, null))).errorType());
        assertEquals(refreshesBefore, kit().tokenRefreshes());
        // WHEN a function calls Kit
        listTags(account);
        // THEN the token was refreshed first and Kit never answered 401
        assertEquals(refreshesBefore + 1, kit().tokenRefreshes());
        assertTrue(world.kit().log().all().stream().noneMatch(r -> r.status() == 401), world.kit().log().all().toString());
        Connection stored = connections.find(account).orElseThrow();
        assertTrue(stored.accessExpiresAt() > System.currentTimeMillis() / 1000 + 7000);
        assertEquals("oauth.refresh", mirror.history(account, ConnectionAudit.SUBJECT, 1).get(0).action());
    }

    @Test
    void should_not_start_a_refresh_near_the_invocation_deadline_and_refresh_when_time_allows() {
        // GIVEN a connection due for a refresh ahead of expiry (guards issue 14: a refresh started inside the
        // webhook's 4 s tag lookup could be frozen after Kit rotated the token, losing the new refresh token)
        String account = "deadline";
        OAuthTokens old = kit().grantTokensDirectly();
        connections.putOauth(account, old.accessToken(), old.refreshToken(), clock.millis() / 1000 + 60, List.of("public"));
        credentials.invalidate(account);
        int refreshesBefore = kit().tokenRefreshes();
        // WHEN a Kit call runs with 3 s left in the invocation (a refresh needs 2 s + 5 s token timeouts + 1 s margin)
        deadline.within(clock.millis() + 3_000, () -> listTags(account));
        // THEN no refresh was started: the still-valid token was used
        assertEquals(refreshesBefore, kit().tokenRefreshes());
        assertEquals(old.accessToken(), connections.find(account).orElseThrow().accessToken());
        // WHEN Kit says the token expired and there is still too little time
        kit().expireAccessToken(old.accessToken());
        io.kitbridge.kit.KitException tooLate = assertThrows(io.kitbridge.kit.KitException.class,
                () -> deadline.within(clock.millis() + 3_000, () -> listTags(account)));
        // THEN the call fails transiently without touching the token endpoint, and the account stays connected
        assertTrue(tooLate.isTransient(), tooLate.toString());
        assertTrue(tooLate.getMessage().contains("not enough time left"), tooLate.getMessage());
        assertEquals(refreshesBefore, kit().tokenRefreshes());
        assertEquals(Connection.STATUS_CONNECTED, connections.find(account).orElseThrow().status());
        // WHEN the next invocation has time enough
        deadline.within(clock.millis() + 30_000, () -> listTags(account));
        // THEN it refreshes once and goes on with the new token
        assertEquals(refreshesBefore + 1, kit().tokenRefreshes());
        assertTrue(!old.accessToken().equals(connections.find(account).orElseThrow().accessToken()));
    }

    // ------------------------------------------------------------------ broken connections

    @Test
    void should_report_account_disconnected_from_every_function_when_token_revoked_until_reconnected() throws Exception {
        // GIVEN two OAuth accounts, one of whose access token is revoked at Kit
        OAuthTokens revoked = kit().grantTokensDirectly();
        OAuthTokens healthy = kit().grantTokensDirectly();
        long later = System.currentTimeMillis() / 1000 + 3600;
        connections.putOauth("revoked", revoked.accessToken(), revoked.refreshToken(), later, List.of("public"));
        connections.putOauth("healthy", healthy.accessToken(), healthy.refreshToken(), later, List.of("public"));
        kit().revokeToken(revoked.accessToken());
        // WHEN a function calls Kit for it, THEN Kit's 401 "invalid" marks the connection broken
        KitbridgeException first = assertThrows(KitbridgeException.class, () -> listTags("revoked"));
        assertEquals("AccountDisconnected", first.errorType());
        Connection broken = connections.find("revoked").orElseThrow();
        assertEquals(Connection.STATUS_BROKEN, broken.status());
        assertTrue(broken.statusReason().contains("invalid"), broken.statusReason());
        // AND from then on every function reports AccountDisconnected without calling Kit
        int kitRequests = world.kit().log().size();
        assertEquals("AccountDisconnected", assertThrows(KitbridgeException.class, () -> listTags("revoked")).errorType());
        assertEquals("AccountDisconnected", assertThrows(KitbridgeException.class,
                () -> lookup.lookup(new LookupRequest("revoked", "a@example.com", null, null, null))).errorType());
        assertEquals("AccountDisconnected", assertThrows(KitbridgeException.class, () -> provision.provision(
                new ObjectMapper().readTree("{\"account\":\"revoked\",\"email\":\"a@example.com\"}"))).errorType());
        assertEquals(kitRequests, world.kit().log().size());
        assertFalse(first.getMessage().contains(revoked.accessToken()));
        // AND the other account is unaffected
        listTags("healthy");
        // WHEN the account is reconnected through /oauth/start and the callback
        // (connected before kitbridge recorded Kit account ids: replacing it needs allowDifferentKitAccount)
        assertEquals(200, status(OAuthFlow.connect("revoked", true, true, null).page()));
        // THEN it works again
        assertEquals(Connection.STATUS_CONNECTED, connections.find("revoked").orElseThrow().status());
        listTags("revoked");
    }

    @Test
    void should_mark_connection_broken_when_kit_refuses_the_refresh_token() {
        // GIVEN a connection due for refresh whose refresh token Kit no longer accepts
        String account = "stale";
        OAuthTokens old = kit().grantTokensDirectly();
        connections.putOauth(account, old.accessToken(), old.refreshToken(), System.currentTimeMillis() / 1000 + 10,
                List.of("public"));
        credentials.invalidate(account);
        kit().revokeToken(old.refreshToken());
        // WHEN a function calls Kit
        KitbridgeException e = assertThrows(KitbridgeException.class, () -> listTags(account));
        // THEN it reports AccountDisconnected and the connection is broken, saying why, without the token
        assertEquals("AccountDisconnected", e.errorType());
        Connection stored = connections.find(account).orElseThrow();
        assertTrue(stored.isBroken());
        assertTrue(stored.statusReason().contains("refresh token"), stored.statusReason());
        assertFalse(e.toString().contains(old.refreshToken()) || stored.statusReason().contains(old.refreshToken()));
    }

    // ------------------------------------------------------------------ budgets per credential kind

    @Test
    void should_spend_the_oauth_limit_for_oauth_accounts_and_the_api_key_limit_for_keys() {
        // guards: permits were counted during 2 s of wall time ("OAuth got >= 10" fails on a slow machine); the
        // application's clock is frozen and moved by exactly one second instead
        // GIVEN an OAuth account (budget 6000/min here) and the API-key account (120/min: one permit per ~0.5 s)
        OAuthTokens tokens = kit().grantTokensDirectly();
        connections.putOauth("budgeted", tokens.accessToken(), tokens.refreshToken(),
                System.currentTimeMillis() / 1000 + 3600, List.of("public"));
        clock.freeze();
        try {
            // AND both budgets used up at this instant
            grantedWithoutWaiting("budgeted");
            grantedWithoutWaiting(CredentialResolver.DEFAULT_ACCOUNT);
            // WHEN one second passes in 25 ms steps (less than a burst's worth of the faster schedule, so no permit
            // is lost to a full bucket), and at each step each calls Kit as often as its budget grants without waiting
            int oauth = 0;
            int apiKey = 0;
            for (int step = 0; step < 40; step++) {
                clock.advance(Duration.ofMillis(25));
                oauth += grantedWithoutWaiting("budgeted");
                apiKey += grantedWithoutWaiting(CredentialResolver.DEFAULT_ACCOUNT);
            }
            // THEN each got one second's worth of its own limit's schedule (the interval's phase decides +1)
            long keyInterval = gcra(budgetConfig.apiKeyLimit()).intervalMillis();
            long oauthInterval = gcra(budgetConfig.oauthLimit()).intervalMillis();
            assertTrue(apiKey >= 1000 / keyInterval && apiKey <= 1000 / keyInterval + 1,
                    "API key got " + apiKey + " at one permit per " + keyInterval + " ms");
            assertTrue(oauth >= 1000 / oauthInterval && oauth <= 1000 / oauthInterval + 1,
                    "OAuth got " + oauth + " at one permit per " + oauthInterval + " ms");
        } finally {
            clock.resume();
        }
        assertEquals(io.kitbridge.kit.CredentialKind.API_KEY, gateway.credential("default").kind());
        assertEquals(io.kitbridge.kit.CredentialKind.OAUTH, gateway.credential("budgeted").kind());
    }

    private io.kitbridge.budget.Gcra gcra(int limit) {
        return new io.kitbridge.budget.Gcra(budgetConfig.window().toMillis(), budgetConfig.safetyMargin().toMillis(), limit,
                budgetConfig.burst(), budgetConfig.interactiveReserve());
    }

    /** Calls Kit until the budget would make the caller wait (the clock is frozen, so it stops); the calls granted. */
    private int grantedWithoutWaiting(String account) {
        for (int granted = 0; granted < 1_000; granted++) {
            try {
                gateway.call(KitCall.interactive(account, "list-tags", true, Duration.ZERO), api -> api.listTags(account, PageQuery.DEFAULT));
            } catch (io.kitbridge.budget.BudgetExhaustedException paced) {
                return granted;
            }
        }
        throw new AssertionError("the budget of " + account + " never ran out at a frozen instant");
    }

    // ------------------------------------------------------------------ token endpoint on another origin

    @Test
    void should_reach_a_token_endpoint_on_another_origin_with_a_second_client_of_the_same_interface() {
        // GIVEN the token endpoint configured on another origin (same simulator, different host name)
        var other = TokenEndpoint.build(world.kit().baseUrl().replace("127.0.0.1", "localhost"));
        var form = new jakarta.ws.rs.core.MultivaluedHashMap<String, String>();
        form.putSingle("grant_type", "refresh_token");
        form.putSingle("client_id", "kb-client");
        form.putSingle("client_secret", "kb-secret");
        form.putSingle("refresh_token", kit().grantTokensDirectly().refreshToken());
        // WHEN a refresh goes through it, THEN it works; and Kit's OAuth errors arrive typed
        assertTrue(other.token(form).accessToken().length() > 10);
        io.kitbridge.kit.KitException refused = assertThrows(io.kitbridge.kit.KitException.class, () -> other.token(form));
        assertTrue(TokenEndpoint.isInvalidGrant(refused), refused.toString());
    }

    // ------------------------------------------------------------------ helpers

    private static Handler capture(List<String> lines) {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                synchronized (lines) {
                    lines.add(message + (record.getThrown() == null ? "" : " " + record.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger.getLogger("").addHandler(handler);
        return handler;
    }

}
