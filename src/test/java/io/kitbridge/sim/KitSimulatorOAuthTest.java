package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OAuth 2.0: authorization code + PKCE, refresh rotation, expiry and revocation. */
class KitSimulatorOAuthTest {
    private static final String REDIRECT = "http://localhost:9999/oauth/callback?account=acme";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private KitSimulator sim;
    private SimTestClient anon;

    @BeforeEach
    void start() {
        sim = KitSimulator.start(SimConfig.defaults());
        anon = SimTestClient.anonymous(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String authorize(String clientId) {
        SimTestClient.Res r = anon.get("/oauth/authorize?response_type=code&client_id=" + clientId + "&redirect_uri="
                + enc(REDIRECT) + "&scope=public&state=xyz-123&code_challenge=" + OAuthServer.s256(VERIFIER)
                + "&code_challenge_method=S256");
        if (r.status() != 302) {
            return "status:" + r.status();
        }
        return r.headers().firstValue("Location").orElseThrow();
    }

    private SimTestClient.Res form(String path, Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        return anon.send(anon.builder(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(sb.toString())).build());
    }

    private static String param(String location, String name) {
        for (String p : URI.create(location).getRawQuery().split("&")) {
            if (p.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " missing in " + location);
    }

    @Test
    void should_issue_tokens_when_code_is_exchanged_with_a_valid_pkce_verifier() {
        // GIVEN user consent redirects back with a code and the state
        String location = authorize("kb-client");
        assertTrue(location.startsWith(REDIRECT + "&code="), location);
        assertEquals("xyz-123", param(location, "state"));
        String code = param(location, "code");
        // WHEN the code is exchanged with the verifier (no client secret: PKCE)
        SimTestClient.Res r = form("/oauth/token", Map.of("grant_type", "authorization_code", "code", code,
                "client_id", "kb-client", "redirect_uri", REDIRECT, "code_verifier", VERIFIER));
        // THEN a Bearer token pair with a 172800 s lifetime is issued and works
        assertEquals(200, r.status(), r.body());
        JsonNode t = r.json();
        assertEquals("Bearer", t.get("token_type").asText());
        assertEquals(172800, t.get("expires_in").asLong());
        assertEquals("public", t.get("scope").asText());
        assertTrue(t.get("created_at").isNumber());
        assertEquals(200, SimTestClient.bearer(sim, t.get("access_token").asText()).get("/v4/account").status());
        // AND the code is single-use
        SimTestClient.Res reuse = form("/oauth/token", Map.of("grant_type", "authorization_code", "code", code,
                "client_id", "kb-client", "redirect_uri", REDIRECT, "code_verifier", VERIFIER));
        assertEquals(400, reuse.status());
        assertEquals("invalid_grant", reuse.json().get("error").asText());
        assertTrue(reuse.json().has("error_description"));
        // AND no secret ever reaches the request log
        String logged = sim.log().all().toString();
        assertFalse(logged.contains(code) || logged.contains(VERIFIER) || logged.contains(t.get("access_token").asText()));
    }

    @Test
    void should_answer_account_identity_per_credential_when_consent_is_approved_by_another_kit_account() {
        // GIVEN a second simulated Kit account, and a browser signed in to it on the consent screen
        long other = sim.admin().addKitAccount("Other Co");
        SimTestClient.Res consent = anon.send(anon.builder("/oauth/authorize?response_type=code&client_id=kb-client"
                + "&redirect_uri=" + enc(REDIRECT) + "&state=s&code_challenge=" + OAuthServer.s256(VERIFIER)
                + "&code_challenge_method=S256").header("Cookie", SimAdmin.sessionCookie(other)).GET().build());
        assertEquals(302, consent.status());
        String code = param(consent.headers().firstValue("Location").orElseThrow(), "code");
        JsonNode t = form("/oauth/token", Map.of("grant_type", "authorization_code", "code", code,
                "client_id", "kb-client", "redirect_uri", REDIRECT, "code_verifier", VERIFIER)).json();
        // WHEN each credential asks GET /v4/account
        JsonNode viaOther = SimTestClient.bearer(sim, t.get("access_token").asText()).get("/v4/account").json();
        JsonNode viaKey = SimTestClient.apiKey(sim, "test-api-key").get("/v4/account").json();
        JsonNode viaDefaultConsent = SimTestClient.bearer(sim, sim.admin().grantTokensDirectly().accessToken())
                .get("/v4/account").json();
        // THEN each names its own Kit account, in the shape Kit documents (kit-v4-deltas.md "Account identity")
        assertEquals(other, viaOther.at("/account/id").asLong());
        assertEquals("Other Co", viaOther.at("/account/name").asText());
        assertEquals(sim.admin().primaryKitAccountId(), viaKey.at("/account/id").asLong());
        assertEquals(sim.admin().primaryKitAccountId(), viaDefaultConsent.at("/account/id").asLong());
        assertNotEquals(viaOther.at("/user/id").asLong(), viaKey.at("/user/id").asLong());
        for (String field : new String[] {"/user/email", "/account/plan_type", "/account/primary_email_address",
                "/account/created_at"}) {
            assertFalse(viaOther.at(field).isMissingNode(), field);
        }
        // AND a browser whose session names no Kit account cannot approve anything
        SimTestClient.Res unknown = anon.send(anon.builder("/oauth/authorize?response_type=code&client_id=kb-client"
                + "&redirect_uri=" + enc(REDIRECT)).header("Cookie", SimAdmin.sessionCookie(999)).GET().build());
        assertEquals(401, unknown.status());
    }

    @Test
    void should_reject_when_verifier_is_wrong_or_client_is_unknown() {
        // GIVEN a code
        String code = param(authorize("kb-client"), "code");
        // WHEN exchanged with a wrong verifier (JSON body this time)
        SimTestClient.Res r = anon.post("/oauth/token", SimTestClient.json(Map.of("grant_type", "authorization_code",
                "code", code, "client_id", "kb-client", "client_secret", "kb-secret", "redirect_uri", REDIRECT,
                "code_verifier", "wrong-verifier-wrong-verifier-wrong-verifier")));
        // THEN invalid_grant; a bad client_id on authorize is 400; a wrong secret is invalid_client
        assertEquals(400, r.status());
        assertEquals("invalid_grant", r.json().get("error").asText());
        assertEquals("status:400", authorize("someone-else"));
        SimTestClient.Res badSecret = form("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", "x",
                "client_id", "kb-client", "client_secret", "nope"));
        assertEquals(401, badSecret.status());
        assertEquals("invalid_client", badSecret.json().get("error").asText());
    }

    @Test
    void should_rotate_refresh_token_and_invalidate_old_tokens_when_refreshed() {
        // GIVEN a token pair
        OAuthTokens t = sim.admin().grantTokensDirectly();
        // WHEN refreshed
        SimTestClient.Res r = form("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token",
                t.refreshToken(), "client_id", "kb-client", "client_secret", "kb-secret"));
        // THEN a new pair with 7200 s lifetime; old refresh and old access are dead
        assertEquals(200, r.status(), r.body());
        String newAccess = r.json().get("access_token").asText();
        String newRefresh = r.json().get("refresh_token").asText();
        assertEquals(7200, r.json().get("expires_in").asLong());
        assertNotEquals(t.refreshToken(), newRefresh);
        assertFalse(sim.admin().isRefreshTokenValid(t.refreshToken()));
        assertTrue(sim.admin().isRefreshTokenValid(newRefresh));
        assertEquals(1, sim.admin().tokenRefreshes());
        SimTestClient.Res old = SimTestClient.bearer(sim, t.accessToken()).get("/v4/subscribers");
        assertEquals(401, old.status());
        assertEquals("The access token is invalid", old.json().at("/errors/0").asText());
        assertEquals(200, SimTestClient.bearer(sim, newAccess).get("/v4/subscribers").status());
        // AND reusing the old refresh token is invalid_grant
        SimTestClient.Res reuse = form("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token",
                t.refreshToken(), "client_id", "kb-client", "client_secret", "kb-secret"));
        assertEquals(400, reuse.status());
        assertEquals("invalid_grant", reuse.json().get("error").asText());
        assertEquals(1, sim.admin().tokenRefreshes());
    }

    @Test
    void should_distinguish_expired_from_invalid_when_tokens_age_or_are_revoked() {
        // GIVEN two token pairs
        OAuthTokens a = sim.admin().grantTokensDirectly();
        OAuthTokens b = sim.admin().grantTokensDirectly();
        // WHEN one is expired and the other revoked
        sim.admin().expireAccessToken(a.accessToken());
        sim.admin().revokeToken(b.accessToken());
        SimTestClient.Res expired = SimTestClient.bearer(sim, a.accessToken()).get("/v4/subscribers");
        SimTestClient.Res revoked = SimTestClient.bearer(sim, b.accessToken()).get("/v4/subscribers");
        // THEN 401 "expired" vs 401 "invalid"; the expired token's refresh token still works
        assertEquals(401, expired.status());
        assertEquals("The access token expired", expired.json().at("/errors/0").asText());
        assertEquals(401, revoked.status());
        assertEquals("The access token is invalid", revoked.json().at("/errors/0").asText());
        assertTrue(sim.admin().isRefreshTokenValid(a.refreshToken()));
    }

    @Test
    void should_expire_access_token_when_clock_passes_its_lifetime() {
        // GIVEN a custom 60 s lifetime (used for both code exchange and refresh)
        sim.close();
        sim = KitSimulator.start(SimConfig.defaults().withAccessTokenLifetime(Duration.ofSeconds(60)));
        OAuthTokens t = sim.admin().grantTokensDirectly();
        SimTestClient kit = SimTestClient.bearer(sim, t.accessToken());
        assertEquals(200, kit.get("/v4/tags").status());
        // WHEN the simulator clock moves 61 s
        sim.admin().advanceClock(Duration.ofSeconds(61));
        // THEN the token is expired
        assertEquals("The access token expired", kit.get("/v4/tags").json().at("/errors/0").asText());
    }
}
