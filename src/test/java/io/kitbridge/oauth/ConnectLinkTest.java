package io.kitbridge.oauth;

import static io.kitbridge.oauth.OAuthFlow.body;
import static io.kitbridge.oauth.OAuthFlow.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.kit.CredentialKind;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.Attr;
import io.kitbridge.store.Connection;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.Items;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.SecretsManagerStandIn;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 13: only the operator (a direct invoke of oauth) can start a connection, the callback checks which Kit
 * account approved (GET /v4/account) before it keeps anything, and secrets come by ARN through the AWS SDK from a
 * local GetSecretValue stand-in (this world configures no secret value at all).
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "oauth"),
        @ResourceArg(name = "secretsManager", value = "true"),
        @ResourceArg(name = "kitbridge.oauth.client-id", value = "kb-client"),
        @ResourceArg(name = "kitbridge.oauth.redirect-uri", value = ConnectLinkTest.REDIRECT),
        @ResourceArg(name = "kitbridge.oauth.authorize-url", value = "${kitbridge.kit.base-url}/oauth/authorize"),
        // the older key: connect links use it through kitbridge.public-api.base-url
        @ResourceArg(name = "kitbridge.webhook.base-url", value = "https://hooks.kitbridge.example.com/")})
class ConnectLinkTest {
    static final String REDIRECT = "https://kitbridge.example.com/oauth/callback";

    World world;

    @Inject
    ConnectionStore connections;

    @Inject
    MirrorStore mirror;

    @Inject
    KitGateway gateway;

    private SimAdmin kit() {
        return world.kit().admin();
    }

    private Map<String, AttributeValue> rawItem(String account) {
        return world.dynamo().getItem(b -> b.tableName(world.tables().connections())
                .key(Map.of(Attr.ACCOUNT, Items.s(account))).consistentRead(true)).item();
    }

    private long tokenRequests() {
        return world.kit().log().count("POST", "/oauth/token");
    }

    @Test
    void should_answer_403_and_store_nothing_when_start_has_no_spent_expired_or_other_account_link() {
        // GIVEN a spent link, an expired link and a link minted for another account
        String spent = OAuthFlow.link("target", false, false);
        assertEquals(302, status(OAuthFlow.start("target", spent)));
        String expired = OAuthFlow.link("target", false, false);
        world.dynamo().updateItem(b -> b.tableName(world.tables().control())
                .key(Map.of(Attr.PK, Items.s(ConnectLinks.pk(expired)), Attr.SK, Items.s(ConnectLinks.SK)))
                .updateExpression("SET #e = :past").expressionAttributeNames(Map.of("#e", Attr.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":past", Items.n(Instant.now().getEpochSecond() - 1))));
        String otherAccount = OAuthFlow.link("someone-else", false, false);
        long statesBefore = pendingStates();
        // WHEN /oauth/start is called without a link, with a forged one, and with each of them for "target"
        List<Response> refused = List.of(OAuthFlow.start("target"), OAuthFlow.start("target", "forged-link-value-0123456789"),
                OAuthFlow.start("target", spent), OAuthFlow.start("target", expired), OAuthFlow.start("target", otherAccount));
        // THEN each is a 403 page with no Location that never echoes the link, and nothing was stored
        for (Response r : refused) {
            assertEquals(403, status(r), r.asString());
            assertTrue(r.jsonPath().getString("headers.content-type").startsWith("text/html"));
            assertNull(r.jsonPath().getString("headers.location"));
            for (String link : List.of(spent, expired, otherAccount, "forged-link-value-0123456789")) {
                assertFalse(r.asString().contains(link), "the link value is never echoed");
            }
        }
        assertEquals(statesBefore, pendingStates(), "no OAuth state was stored");
        assertTrue(connections.state("target").isEmpty());
        // AND the other account's link was not spent by being shown for the wrong account
        assertEquals(302, status(OAuthFlow.start("someone-else", otherAccount)));
    }

    @Test
    void should_connect_and_record_the_kit_account_when_a_valid_link_is_used_once() {
        // GIVEN the operator mints a connect link (a direct invoke, not an API Gateway event)
        Response minted = OAuthFlow.connectLink("acme", false, false);
        assertEquals(200, minted.statusCode(), minted.asString());
        String url = minted.jsonPath().getString("url");
        String link = OAuthFlow.query(url).get("link");
        // THEN it has the contract's shape: the public base URL, the account, >= 128 random bits, an expiry ~15 min ahead
        assertEquals("acme", minted.jsonPath().getString("account"));
        assertFalse(minted.jsonPath().getBoolean("replace"));
        assertTrue(url.startsWith("https://hooks.kitbridge.example.com/oauth/start?account=acme&link="), url);
        assertTrue(link.length() >= 43, "256 bits, base64url");
        long ttl = Instant.parse(minted.jsonPath().getString("expiresAt")).getEpochSecond() - Instant.now().getEpochSecond();
        assertTrue(ttl > 14 * 60 && ttl <= 15 * 60, "expires in " + ttl + " s");
        // AND only its hash is stored
        assertTrue(world.dynamo().scan(b -> b.tableName(world.tables().control())).items().stream()
                .noneMatch(item -> item.toString().contains(link)), "the link value is not stored");
        long identityChecks = world.kit().log().count("GET", "/v4/account");
        // WHEN the browser follows it through Kit's consent screen and the callback
        String[] urls = OAuthFlow.authorize("acme", link, null);
        Response page = OAuthFlow.callback(OAuthFlow.query(urls[1]));
        // THEN the account is connected to the Kit account that approved, as GET /v4/account says
        assertEquals(200, status(page), page.asString());
        ConnectionStore.State state = connections.state("acme").orElseThrow();
        assertEquals(kit().primaryKitAccountId(), state.kitAccountId());
        assertEquals("Kit Simulator", state.kitAccountName());
        assertTrue(state.connectedAt() > 0);
        assertEquals(identityChecks + 1, world.kit().log().count("GET", "/v4/account"));
        // AND the link is spent
        assertEquals(403, status(OAuthFlow.start("acme", link)));
        // AND the outcome is audited with account, Kit account id and link id, and no token
        AuditEntry entry = mirror.history("acme", ConnectionAudit.SUBJECT, 1).get(0);
        assertEquals("connected", entry.outcome());
        assertEquals(String.valueOf(kit().primaryKitAccountId()), entry.after().get("kitAccountId"));
        assertEquals("acme", entry.after().get("account"));
        String linkId = entry.after().get("linkId");
        assertTrue(linkId != null && !linkId.isBlank());
        Connection stored = connections.find("acme").orElseThrow();
        assertFalse(entry.toString().contains(stored.accessToken()) || entry.toString().contains(stored.refreshToken()));
    }

    @Test
    void should_answer_409_and_leave_the_stored_item_byte_for_byte_when_replace_is_false_on_a_connected_name() {
        // GIVEN a name connected by API key and one connected by OAuth that is broken
        connections.putApiKey("keyed", "kit-api-key-of-keyed");
        OAuthTokens tokens = kit().grantTokensDirectly();
        connections.connectOauth("brokenone", tokens.accessToken(), tokens.refreshToken(), 1, List.of("public"),
                kit().primaryKitAccountId(), "Kit Simulator", null);
        Connection broken = connections.find("brokenone").orElseThrow();
        connections.markBroken("brokenone", broken.version(), broken.version() + 1, "revoked at Kit");
        for (String account : List.of("keyed", "brokenone")) {
            Map<String, AttributeValue> before = rawItem(account);
            // WHEN someone completes a connection for it with a link that does not allow replacing
            OAuthFlow.RoundTrip trip = OAuthFlow.connect(account);
            // THEN 409 "already connected", and the stored item is exactly as it was
            assertEquals(409, status(trip.page()), trip.page().asString());
            assertTrue(body(trip.page()).contains("already connected"), body(trip.page()));
            assertEquals(before, rawItem(account), account + ": the stored connection must not change");
            assertEquals("refused:already-connected", mirror.history(account, ConnectionAudit.SUBJECT, 1).get(0).outcome());
        }
    }

    @Test
    void should_replace_the_connection_when_replace_is_true_and_the_same_kit_account_approves() {
        // GIVEN an account connected by OAuth to the primary Kit account
        assertEquals(200, status(OAuthFlow.connect("sameacct").page()));
        Connection first = connections.find("sameacct").orElseThrow();
        // WHEN the operator issues a replace link and the same Kit account approves again
        OAuthFlow.RoundTrip trip = OAuthFlow.connect("sameacct", true, false, null);
        // THEN the connection is replaced with the new tokens
        assertEquals(200, status(trip.page()), trip.page().asString());
        Connection second = connections.find("sameacct").orElseThrow();
        assertFalse(first.refreshToken().equals(second.refreshToken()));
        assertEquals(kit().primaryKitAccountId(), connections.state("sameacct").orElseThrow().kitAccountId());
        assertEquals("replaced", mirror.history("sameacct", ConnectionAudit.SUBJECT, 1).get(0).outcome());
    }

    @Test
    void should_refuse_a_different_kit_account_unless_the_link_allows_it() {
        // GIVEN an account connected to the primary Kit account, and another Kit account's owner at the consent screen
        assertEquals(200, status(OAuthFlow.connect("switching").page()));
        Map<String, AttributeValue> before = rawItem("switching");
        long other = kit().addKitAccount("Stranger Ltd");
        String strangerBrowser = SimAdmin.sessionCookie(other);
        // WHEN a replace link without allowDifferentKitAccount is approved by the other Kit account
        OAuthFlow.RoundTrip refused = OAuthFlow.connect("switching", true, false, strangerBrowser);
        // THEN 409 naming both Kit accounts, and nothing changed
        assertEquals(409, status(refused.page()), refused.page().asString());
        assertTrue(body(refused.page()).contains(String.valueOf(kit().primaryKitAccountId()))
                && body(refused.page()).contains(String.valueOf(other)), body(refused.page()));
        assertEquals(before, rawItem("switching"));
        AuditEntry audit = mirror.history("switching", ConnectionAudit.SUBJECT, 1).get(0);
        assertEquals("refused:different-kit-account", audit.outcome());
        assertEquals(String.valueOf(other), audit.after().get("kitAccountId"));
        // WHEN the operator explicitly allows another Kit account
        OAuthFlow.RoundTrip allowed = OAuthFlow.connect("switching", true, true, strangerBrowser);
        // THEN the connection now reaches that Kit account, and functions use its token
        assertEquals(200, status(allowed.page()), allowed.page().asString());
        assertEquals(other, connections.state("switching").orElseThrow().kitAccountId());
        assertEquals("Stranger Ltd", connections.state("switching").orElseThrow().kitAccountName());
        assertEquals(CredentialKind.OAUTH, gateway.credential("switching").kind());
    }

    @Test
    void should_replace_an_api_key_connection_only_by_the_kit_account_its_key_reaches_when_replace_is_true() {
        // GIVEN a name connected by an API key of the primary Kit account (Kit says so at GET /v4/account)
        connections.putApiKey("keyedsame", KitWorld.API_KEY);
        Map<String, AttributeValue> before = rawItem("keyedsame");
        long other = kit().addKitAccount("Another Ltd");
        // WHEN another Kit account approves a replace link, THEN 409 and nothing changed
        OAuthFlow.RoundTrip refused = OAuthFlow.connect("keyedsame", true, false, SimAdmin.sessionCookie(other));
        assertEquals(409, status(refused.page()), refused.page().asString());
        assertEquals(before, rawItem("keyedsame"));
        // WHEN the Kit account the key reaches approves it, THEN the key is replaced by the OAuth connection
        OAuthFlow.RoundTrip replaced = OAuthFlow.connect("keyedsame", true, false, null);
        assertEquals(200, status(replaced.page()), replaced.page().asString());
        assertEquals("oauth", connections.state("keyedsame").orElseThrow().kind());
        assertNull(connections.find("keyedsame").orElseThrow().apiKey());
    }

    @Test
    void should_store_nothing_and_audit_when_kit_cannot_say_which_account_approved() {
        // GIVEN Kit's GET /v4/account keeps failing (401: the account lost API access)
        world.kit().faults().inject(io.kitbridge.sim.Fault.always("GET", "/v4/account", io.kitbridge.sim.FaultKind.STATUS, 401));
        try {
            // WHEN a connection completes with a valid link
            OAuthFlow.RoundTrip trip = OAuthFlow.connect("unidentified");
            // THEN the callback answers an error page and no connection was stored
            assertEquals(502, status(trip.page()), trip.page().asString());
            assertTrue(connections.state("unidentified").isEmpty());
            assertEquals("failed:identity-unknown", mirror.history("unidentified", ConnectionAudit.SUBJECT, 1).get(0).outcome());
        } finally {
            world.kit().faults().clear();
        }
    }

    @Test
    void should_list_connections_without_any_secret_and_disconnect_when_the_operator_asks() {
        // GIVEN an OAuth connection, an API-key connection and the configured "default" key (read by ARN)
        assertEquals(200, status(OAuthFlow.connect("listed").page()));
        connections.putApiKey("listedkey", "kit-api-key-listed-123");
        Connection oauth = connections.find("listed").orElseThrow();
        // WHEN the operator lists connections
        Response list = Lambda.invoke(Map.of("action", "connections"));
        // THEN every account is there with kind, Kit account, state and expiry, and no secret anywhere
        assertEquals(200, list.statusCode(), list.asString());
        List<Map<String, Object>> rows = list.jsonPath().getList("connections");
        Map<String, Object> listed = rows.stream().filter(r -> "listed".equals(r.get("account"))).findFirst().orElseThrow();
        assertEquals("oauth", listed.get("kind"));
        assertEquals("ok", listed.get("state"));
        assertEquals(kit().primaryKitAccountId(), ((Number) listed.get("kitAccountId")).longValue());
        assertTrue(listed.get("tokenExpiresAt").toString().endsWith("Z"));
        assertTrue(listed.get("connectedAt").toString().endsWith("Z"));
        assertTrue(rows.stream().anyMatch(r -> "listedkey".equals(r.get("account")) && "api_key".equals(r.get("kind"))));
        assertTrue(rows.stream().anyMatch(r -> "default".equals(r.get("account")) && "configuration".equals(r.get("source"))));
        for (String secret : List.of(oauth.accessToken(), oauth.refreshToken(), "kit-api-key-listed-123", KitWorld.API_KEY,
                world.kit().config().oauthClientSecret())) {
            assertFalse(list.asString().contains(secret), "the operator list never contains a secret");
        }
        // WHEN the operator disconnects the OAuth account
        Response gone = Lambda.invoke(Map.of("action", "disconnect", "account", "listed"));
        // THEN it is gone from the list, unusable, and the disconnect is audited
        assertTrue(gone.jsonPath().getBoolean("disconnected"), gone.asString());
        assertTrue(connections.state("listed").isEmpty());
        assertFalse(Lambda.invoke(Map.of("action", "connections")).asString().contains("\"listed\""));
        assertEquals("disconnected", mirror.history("listed", ConnectionAudit.SUBJECT, 1).get(0).outcome());
        // AND an unknown action is a typed error
        assertEquals("InvalidInput", Lambda.errorType(Lambda.invoke(Map.of("action", "steal"))));
    }

    @Test
    void should_read_the_client_secret_and_api_key_through_the_sdk_once_per_ttl_when_only_arns_are_configured() {
        // GIVEN no secret value in the configuration, only ARNs served by the local GetSecretValue stand-in
        SecretsManagerStandIn secrets = SecretsManagerStandIn.shared();
        String clientSecretArn = SecretsManagerStandIn.arn(world.id() + "-oauth-client-secret");
        String apiKeyArn = SecretsManagerStandIn.arn(world.id() + "-kit-api-key");
        long tokenCalls = tokenRequests();
        // WHEN two accounts are connected (each a code exchange that Kit authenticates with the client secret)
        assertEquals(200, status(OAuthFlow.connect("viaarn1").page()));
        assertEquals(200, status(OAuthFlow.connect("viaarn2").page()));
        // AND the "default" account's API key is resolved
        assertEquals(CredentialKind.API_KEY, gateway.credential("default").kind());
        // THEN Kit accepted the secret read through the SDK, and each ARN was read at most once (cached 5 min)
        assertEquals(tokenCalls + 2, tokenRequests());
        assertTrue(world.kit().log().all().stream().filter(r -> r.path().equals("/oauth/token")).allMatch(r -> r.status() == 200));
        assertEquals(1, secrets.reads(clientSecretArn));
        assertEquals(1, secrets.reads(apiKeyArn));
    }

    private long pendingStates() {
        return world.dynamo().scan(b -> b.tableName(world.tables().control())).items().stream()
                .filter(i -> i.get(Attr.PK).s().startsWith(OAuthStates.PK_PREFIX)).count();
    }
}
