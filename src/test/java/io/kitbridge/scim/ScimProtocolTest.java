package io.kitbridge.scim;

import static io.kitbridge.scim.ScimCalls.call;
import static io.kitbridge.scim.ScimCalls.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.scim.ScimCalls.Answer;
import io.kitbridge.sim.Fault;
import io.kitbridge.sim.FaultKind;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.ManualClock;
import io.kitbridge.testing.World;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Authentication, token rotation, discovery, malformed input and the 429/503 mapping of the scim function. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "scim"),
        @ResourceArg(name = "limit", value = "6000"),
        @ResourceArg(name = "kitbridge.deprovision.max-per-hour", value = "1"),
        @ResourceArg(name = "kitbridge.scim.work-budget", value = "0s")})
class ScimProtocolTest {
    World world;

    @Inject
    ScimTokens tokens;

    @Inject
    ConnectionStore connections;

    @Inject
    io.kitbridge.store.MirrorStore mirror;

    private Clock realClock;

    @AfterEach
    void restore() {
        world.kit().faults().clear();
        if (realClock != null) {
            ((ScimTokens) ClientProxy.unwrap(tokens)).clock = realClock;
        }
    }

    private String account(String prefix) {
        String account = prefix + System.nanoTime();
        connections.putApiKey(account, KitWorld.API_KEY);
        return account;
    }

    static Map<String, Object> user(String email) {
        return Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User"), "userName", email,
                "name", Map.of("givenName", "Pro", "familyName", "Tocol"), "active", true);
    }

    static void assertScimError(Answer a, int status) {
        assertEquals(status, a.status(), a.toString());
        assertEquals("urn:ietf:params:scim:api:messages:2.0:Error", a.json().path("schemas").get(0).asText(), a.toString());
        assertEquals(Integer.toString(status), a.json().path("status").asText());
        assertFalse(a.rawBody().contains("Exception") || a.rawBody().contains("\tat "), "no stack trace: " + a.rawBody());
    }

    @Test
    void should_answer_401_with_www_authenticate_and_reveal_nothing_without_a_valid_token() {
        // GIVEN an account with a token, and another account with its own
        String acme = account("acme");
        String other = account("other");
        String acmeToken = ScimCalls.mint(acme);
        String otherToken = ScimCalls.mint(other);
        // WHEN requests come without a token, with a wrong one, with another account's, or for an unknown account
        List<Answer> refused = List.of(call("GET", acme, "/Users", null, null), call("GET", acme, "/Users", "nope", null),
                call("GET", acme, "/Users", otherToken, null), call("GET", "no-such-account", "/Users", acmeToken, null),
                call("GET", "bad account!", "/Users", acmeToken, null), call("POST", acme, "/Users", "Basic " + acmeToken, user("x@example.com")));
        // THEN every one is the same 401 with WWW-Authenticate: Bearer
        for (Answer a : refused) {
            assertScimError(a, 401);
            assertTrue(a.header("www-authenticate").startsWith("Bearer"), a.toString());
            assertEquals(refused.get(0).json().path("detail").asText(), a.json().path("detail").asText());
        }
        assertEquals(200, call("GET", acme, "/Users", acmeToken, null).status());
    }

    @Test
    void should_keep_the_previous_token_valid_for_the_overlap_then_refuse_it() {
        // GIVEN a controllable clock and two tokens minted one after the other
        ManualClock clock = new ManualClock(Instant.now());
        ScimTokens target = (ScimTokens) ClientProxy.unwrap(tokens);
        realClock = target.clock;
        target.clock = clock;
        String account = account("rotate");
        String first = ScimCalls.mint(account);
        String second = ScimCalls.mint(account);
        // WHEN the IdP still uses the first one within the overlap
        assertEquals(200, call("GET", account, "/Users", first, null).status());
        assertEquals(200, call("GET", account, "/Users", second, null).status());
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertEquals(200, call("GET", account, "/Users", first, null).status());
        // THEN after kitbridge.scim.token-overlap (24 h) only the new one works
        clock.advance(Duration.ofSeconds(2));
        assertEquals(401, call("GET", account, "/Users", first, null).status());
        assertEquals(200, call("GET", account, "/Users", second, null).status());
        // AND only hashes are stored
        Map<String, AttributeValue> stored = world.dynamo().getItem(b -> b.tableName(world.tables().control())
                .key(Map.of("pk", AttributeValue.fromS("scim#" + account), "sk", AttributeValue.fromS("token")))).item();
        assertFalse(stored.toString().contains(second) || stored.toString().contains(first), stored.toString());
        assertEquals(ScimTokens.hash(second), stored.get(ScimTokens.HASH).s());
        // WHEN the operator revokes the tokens THEN none works
        Response revoked = Lambda.invoke(Map.of("action", "revoke-tokens", "account", account));
        assertTrue(revoked.jsonPath().getBoolean("revoked"), revoked.asString());
        assertEquals(401, call("GET", account, "/Users", second, null).status());
        // AND each token change is audited, without the token
        List<io.kitbridge.store.AuditEntry> audit = mirror.history(account, ScimService.AUDIT_SUBJECT, 10);
        assertEquals(List.of("scim.revoke-tokens", "scim.token", "scim.token"), audit.stream().map(e -> e.action()).sorted()
                .toList());
        assertFalse(audit.toString().contains(first) || audit.toString().contains(second));
    }

    @Test
    void should_refuse_operator_actions_with_a_typed_error() {
        // WHEN an unknown action, or a token for an account with no Kit connection, is asked for
        Response unknown = Lambda.invoke(Map.of("action", "explode", "account", "default"));
        Response unconnected = Lambda.invoke(Map.of("action", "token", "account", "never-connected"));
        Response minted = Lambda.invoke(Map.of("action", "token", "account", "default"));
        // THEN typed InvalidInput errors; a good request returns the token once with its creation time
        assertEquals("InvalidInput", Lambda.errorType(unknown), unknown.asString());
        assertEquals("InvalidInput", Lambda.errorType(unconnected), unconnected.asString());
        assertEquals("default", minted.jsonPath().getString("account"));
        assertTrue(minted.jsonPath().getString("token").length() >= 40);
        assertNotNull(Instant.parse(minted.jsonPath().getString("createdAt")));
    }

    @Test
    void should_describe_what_is_supported() {
        String account = account("disco");
        String token = ScimCalls.mint(account);
        Answer spc = call("GET", account, "/ServiceProviderConfig", token, null);
        assertEquals(200, spc.status(), spc.toString());
        assertTrue(spc.json().path("patch").path("supported").asBoolean());
        assertFalse(spc.json().path("bulk").path("supported").asBoolean());
        assertTrue(spc.json().path("filter").path("supported").asBoolean());
        assertEquals(200, spc.json().path("filter").path("maxResults").asInt());
        assertFalse(spc.json().path("sort").path("supported").asBoolean());
        assertFalse(spc.json().path("etag").path("supported").asBoolean());
        assertFalse(spc.json().path("changePassword").path("supported").asBoolean());
        assertEquals("oauthbearertoken", spc.json().path("authenticationSchemes").get(0).path("type").asText());
        Answer types = call("GET", account, "/ResourceTypes", token, null);
        assertEquals(2, types.json().path("totalResults").asInt(), types.toString());
        assertEquals(200, call("GET", account, "/ResourceTypes/User", token, null).status());
        Answer schemas = call("GET", account, "/Schemas", token, null);
        assertEquals(2, schemas.json().path("Resources").size(), schemas.toString());
        assertEquals(200, call("GET", account, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", token, null).status());
    }

    @Test
    void should_answer_4xx_never_5xx_for_malformed_scim_input() {
        // GIVEN a user to aim at
        String account = account("malformed");
        String token = ScimCalls.mint(account);
        Answer created = call("POST", account, "/Users", token, user("target" + System.nanoTime() + "@example.com"));
        assertEquals(201, created.status(), created.toString());
        String id = created.json().path("id").asText();
        // WHEN the IdP sends every kind of malformed request
        List<Answer> answers = new ArrayList<>();
        answers.add(call("POST", account, "/Users", token, "{not json"));
        answers.add(call("POST", account, "/Users", token, "[1,2]"));
        answers.add(call("POST", account, "/Users", token, Map.of("userName", 5)));
        answers.add(call("POST", account, "/Users", token, Map.of("userName", "not-an-email")));
        answers.add(call("POST", account, "/Users", token, Map.of("name", Map.of("givenName", "No user name"))));
        answers.add(call("POST", account, "/Users", token, Map.of("userName", "a@example.com", "active", "maybe")));
        answers.add(call("POST", account, "/Users", token, null));
        answers.add(call("GET", account, "/Users?filter=" + enc("userName co \"jane\""), token, null));
        answers.add(call("GET", account, "/Users?filter=" + enc("not (userName eq \"a\")"), token, null));
        answers.add(call("GET", account, "/Users?filter=" + enc("title eq \"x\""), token, null));
        answers.add(call("GET", account, "/Users?filter=" + enc("userName eq \"unclosed"), token, null));
        answers.add(call("GET", account, "/Users?filter=" + enc("(userName eq \"a\""), token, null));
        answers.add(call("GET", account, "/Users?filter=" + enc("emails[value eq \"a\"].value eq \"a\""), token, null));
        answers.add(call("GET", account, "/Users?startIndex=abc", token, null));
        answers.add(call("GET", account, "/Users/abc", token, null));
        answers.add(call("GET", account, "/Users/999999999999", token, null));
        answers.add(call("PATCH", account, "/Users/" + id, token, Map.of("Operations", List.of(Map.of("op", "move", "path", "x")))));
        answers.add(call("PATCH", account, "/Users/" + id, token, Map.of("Operations", List.of())));
        answers.add(call("PATCH", account, "/Users/" + id, token, Map.of("Operations", List.of(Map.of("op", "replace")))));
        answers.add(call("PATCH", account, "/Users/" + id, token, Map.of("Operations", List.of(Map.of("op", "replace",
                "value", "not an object")))));
        answers.add(call("PATCH", account, "/Users/" + id, token, Map.of("Operations", List.of(Map.of("op", "remove")))));
        answers.add(call("PATCH", account, "/Users/" + id, token, Map.of("Operations", List.of(Map.of("op", "replace",
                "path", "name.givenName", "value", Map.of("deep", true))))));
        answers.add(call("PUT", account, "/Users", token, user("x@example.com")));
        answers.add(call("GET", account, "/Bulk", token, null));
        answers.add(call("POST", account, "/Users/.search", token, Map.of("filter", "userName eq \"a\"")));
        answers.add(call("GET", account, "/Groups?filter=" + enc("members eq \"1\""), token, null));
        answers.add(call("POST", account, "/Groups", token, Map.of("displayName", "")));
        answers.add(call("PATCH", account, "/Groups/123456789", token, Map.of("Operations", List.of())));
        answers.add(ScimCalls.send(ScimCalls.event("POST", account, "/Users", token, "userName=a@example.com",
                "application/x-www-form-urlencoded")));
        answers.add(ScimCalls.send(ScimCalls.event("POST", account, "/Users", token, "{\"userName\":\"" + "x".repeat(300_000)
                + "\"}", "application/scim+json")));
        // THEN each is a SCIM error in the 4xx range, with no stack trace, and nothing was written
        for (Answer a : answers) {
            assertTrue(a.status() >= 400 && a.status() < 500, a.toString());
            assertScimError(a, a.status());
        }
        assertEquals("invalidFilter", answers.get(7).json().path("scimType").asText());
        assertEquals("invalidFilter", answers.get(8).json().path("scimType").asText());
        assertEquals("invalidSyntax", answers.get(0).json().path("scimType").asText());
        assertEquals(405, answers.get(22).status());
        assertEquals(413, answers.get(answers.size() - 1).status());
        assertEquals(415, answers.get(answers.size() - 2).status());
    }

    @Test
    void should_answer_429_with_retry_after_when_kit_rate_limits() {
        // GIVEN Kit answers the next upsert with 429 and Retry-After: 2
        String account = account("limited");
        String token = ScimCalls.mint(account);
        world.kit().faults().inject(Fault.once("POST", "/v4/subscribers", FaultKind.RATE_LIMIT, 2));
        // WHEN the IdP creates a user
        String email = "limited" + System.nanoTime() + "@example.com";
        Answer limited = call("POST", account, "/Users", token, user(email));
        // THEN 429 with Retry-After, and a retry after that time succeeds
        assertScimError(limited, 429);
        assertTrue(Long.parseLong(limited.header("retry-after")) >= 1, limited.toString());
        Answer retried = call("POST", account, "/Users", token, user(email));
        assertEquals(201, retried.status(), retried.toString());
    }

    @Test
    void should_answer_503_with_retry_after_when_kit_is_unavailable() {
        // GIVEN Kit fails every upsert with 503
        String account = account("down");
        String token = ScimCalls.mint(account);
        world.kit().faults().inject(Fault.always("POST", "/v4/subscribers", FaultKind.STATUS, 503));
        // WHEN the IdP creates a user
        Answer down = call("POST", account, "/Users", token, user("down" + System.nanoTime() + "@example.com"));
        // THEN 503 with Retry-After (the IdP retries later)
        assertScimError(down, 503);
        assertTrue(Long.parseLong(down.header("retry-after")) >= 1, down.toString());
    }

    @Test
    void should_stop_a_long_membership_change_with_429_and_continue_where_it_stopped_on_retry() {
        // GIVEN kitbridge.scim.work-budget=0s (each request makes one Kit call, then hands over) and three users
        String account = account("paced");
        String token = ScimCalls.mint(account);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(call("POST", account, "/Users", token, user("paced" + i + "-" + System.nanoTime() + "@example.com"))
                    .json().path("id").asText());
        }
        String group = call("POST", account, "/Groups", token, Map.of("displayName", "Paced " + System.nanoTime()))
                .json().path("id").asText();
        Map<String, Object> patch = Map.of("Operations", List.of(Map.of("op", "add", "path", "members",
                "value", ids.stream().map(id -> Map.of("value", id)).toList())));
        long tagCalls = world.kit().log().count("POST", "/v4/tags/\\d+/subscribers/\\d+");
        // WHEN the IdP sends the PATCH and retries it after each 429
        List<Integer> statuses = new ArrayList<>();
        for (int attempt = 0; attempt < 5 && (statuses.isEmpty() || statuses.get(statuses.size() - 1) == 429); attempt++) {
            Answer a = call("PATCH", account, "/Groups/" + group, token, patch);
            statuses.add(a.status());
            if (a.status() == 429) {
                assertEquals("1", a.header("retry-after"), a.toString());
            }
        }
        // THEN each attempt made progress, no member was tagged twice, and the last attempt completed
        assertEquals(List.of(429, 429, 200), statuses);
        assertEquals(tagCalls + 3, world.kit().log().count("POST", "/v4/tags/\\d+/subscribers/\\d+"));
        for (String id : ids) {
            assertTrue(world.kit().admin().subscriber(Long.parseLong(id)).orElseThrow().tagIds().contains(Long.parseLong(group)));
        }
    }

    @Test
    void should_answer_429_when_the_hourly_deprovision_guard_is_reached_and_unsubscribe_nobody() {
        // GIVEN kitbridge.deprovision.max-per-hour=1 and two active users
        String account = account("guarded");
        String token = ScimCalls.mint(account);
        String a = call("POST", account, "/Users", token, user("ga" + System.nanoTime() + "@example.com")).json().path("id").asText();
        String b = call("POST", account, "/Users", token, user("gb" + System.nanoTime() + "@example.com")).json().path("id").asText();
        // WHEN both are deleted within the hour
        assertEquals(204, call("DELETE", account, "/Users/" + a, token, null).status());
        long unsubscribes = world.kit().log().count("POST", ".*/unsubscribe");
        Answer second = call("DELETE", account, "/Users/" + b, token, null);
        // THEN the second is paused with 429 + Retry-After, and stays active in Kit and visible in SCIM
        assertScimError(second, 429);
        assertTrue(Long.parseLong(second.header("retry-after")) >= 60, second.toString());
        assertEquals(unsubscribes, world.kit().log().count("POST", ".*/unsubscribe"));
        assertEquals("active", world.kit().admin().subscriber(Long.parseLong(b)).orElseThrow().state());
        assertEquals(200, call("GET", account, "/Users/" + b, token, null).status());
    }
}
