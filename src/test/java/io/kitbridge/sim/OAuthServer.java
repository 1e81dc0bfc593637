package io.kitbridge.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kitbridge.sim.SimStore.NODES;

/** Kit's (Doorkeeper-style) OAuth 2.0 server: authorization code + PKCE S256, refresh-token rotation. */
final class OAuthServer {
    static final String INVALID_GRANT = "The provided authorization grant is invalid, expired, revoked, does not "
            + "match the redirection URI used in the authorization request, or was issued to another client.";
    private static final long CODE_TTL_MS = 10 * 60 * 1000L;

    enum Check { VALID, EXPIRED, INVALID }

    private final SimConfig config;
    private final SimClock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger refreshes = new AtomicInteger();

    /** {@code kitAccountId}: the Kit account whose owner approved the consent screen. */
    private static final class Grant {
        final String scope;
        final boolean pkce;
        final long kitAccountId;

        Grant(String scope, boolean pkce, long kitAccountId) {
            this.scope = scope;
            this.pkce = pkce;
            this.kitAccountId = kitAccountId;
        }
    }

    private static final class Access {
        final Grant grant;
        volatile long expiresAtMs;
        volatile boolean revoked;

        Access(Grant grant, long expiresAtMs) {
            this.grant = grant;
            this.expiresAtMs = expiresAtMs;
        }
    }

    private static final class Refresh {
        final Grant grant;
        final String accessToken;

        Refresh(Grant grant, String accessToken) {
            this.grant = grant;
            this.accessToken = accessToken;
        }
    }

    private record Code(String redirectUri, String challenge, String scope, long expiresAtMs, long kitAccountId) {
    }

    private final Map<String, Access> access = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refresh = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();

    private final SimAccounts accounts;

    OAuthServer(SimConfig config, SimClock clock, SimAccounts accounts) {
        this.config = config;
        this.clock = clock;
        this.accounts = accounts;
    }

    /** Thrown to answer an OAuth error. */
    static final class OAuthError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int status;
        final String error;

        OAuthError(int status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }

        ObjectNode body() {
            ObjectNode o = NODES.objectNode();
            o.put("error", error);
            o.put("error_description", getMessage());
            return o;
        }
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    Check check(String accessToken) {
        Access a = access.get(accessToken);
        if (a == null || a.revoked) {
            return Check.INVALID;
        }
        return clock.nowMillis() >= a.expiresAtMs ? Check.EXPIRED : Check.VALID;
    }

    // ---------------------------------------------------------------- authorize

    /** The Kit account a valid access token belongs to. */
    long accountOf(String accessToken) {
        Access a = access.get(accessToken);
        return a == null ? 0 : a.grant.kitAccountId;
    }

    /** @param kitAccountId the account signed in to Kit in the approving browser @return the redirect Location */
    String authorize(Map<String, String> q, long kitAccountId) {
        if (!"code".equals(q.get("response_type"))) {
            throw new OAuthError(400, "unsupported_response_type",
                    "The authorization server does not support this response type.");
        }
        if (!config.oauthClientId().equals(q.get("client_id"))) {
            throw new OAuthError(400, "invalid_client", "Client authentication failed due to unknown client.");
        }
        String redirect = q.get("redirect_uri");
        if (redirect == null || redirect.isBlank()) {
            throw new OAuthError(400, "invalid_request", "The request is missing a required parameter: redirect_uri.");
        }
        String challenge = q.get("code_challenge");
        String method = q.get("code_challenge_method");
        if (challenge != null && method != null && !"S256".equals(method)) {
            throw new OAuthError(400, "invalid_request", "Code challenge method must be S256.");
        }
        if (challenge == null && method != null) {
            throw new OAuthError(400, "invalid_request", "The request is missing a required parameter: code_challenge.");
        }
        String scope = q.getOrDefault("scope", "public");
        String code = token();
        codes.put(code, new Code(redirect, challenge, scope, clock.nowMillis() + CODE_TTL_MS, kitAccountId));
        StringBuilder loc = new StringBuilder(redirect).append(redirect.contains("?") ? '&' : '?')
                .append("code=").append(enc(code));
        if (q.get("state") != null) {
            loc.append("&state=").append(enc(q.get("state")));
        }
        return loc.toString();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- token

    ObjectNode token(Map<String, String> p) {
        String grantType = p.get("grant_type");
        if (grantType == null) {
            throw new OAuthError(400, "invalid_request", "The request is missing a required parameter: grant_type.");
        }
        if (!config.oauthClientId().equals(p.get("client_id"))) {
            throw new OAuthError(401, "invalid_client", "Client authentication failed due to unknown client, no client "
                    + "authentication included, or unsupported authentication method.");
        }
        String secret = p.get("client_secret");
        if (secret != null && !config.oauthClientSecret().equals(secret)) {
            throw new OAuthError(401, "invalid_client", "Client authentication failed due to unknown client, no client "
                    + "authentication included, or unsupported authentication method.");
        }
        switch (grantType) {
            case "authorization_code":
                return exchangeCode(p, secret != null);
            case "refresh_token":
                return refresh(p, secret != null);
            default:
                throw new OAuthError(400, "unsupported_grant_type",
                        "The authorization grant type is not supported by the authorization server.");
        }
    }

    private ObjectNode exchangeCode(Map<String, String> p, boolean clientAuthenticated) {
        String codeValue = p.get("code");
        if (codeValue == null) {
            throw new OAuthError(400, "invalid_request", "The request is missing a required parameter: code.");
        }
        Code code = codes.remove(codeValue); // single use, even when the exchange fails
        if (code == null || clock.nowMillis() >= code.expiresAtMs()) {
            throw new OAuthError(400, "invalid_grant", INVALID_GRANT);
        }
        if (!code.redirectUri().equals(p.get("redirect_uri"))) {
            throw new OAuthError(400, "invalid_grant", INVALID_GRANT);
        }
        boolean pkce = code.challenge() != null;
        if (pkce) {
            String verifier = p.get("code_verifier");
            if (verifier == null || !s256(verifier).equals(code.challenge())) {
                throw new OAuthError(400, "invalid_grant", INVALID_GRANT);
            }
        } else if (!clientAuthenticated) {
            throw new OAuthError(401, "invalid_client", "Client authentication failed: client_secret is required "
                    + "without PKCE.");
        }
        return issue(new Grant(code.scope(), pkce, code.kitAccountId()), config.codeExchangeLifetimeSeconds());
    }

    private ObjectNode refresh(Map<String, String> p, boolean clientAuthenticated) {
        String rt = p.get("refresh_token");
        if (rt == null) {
            throw new OAuthError(400, "invalid_request", "The request is missing a required parameter: refresh_token.");
        }
        Refresh r;
        synchronized (this) {
            r = refresh.get(rt);
            if (r == null) {
                throw new OAuthError(400, "invalid_grant", INVALID_GRANT);
            }
            if (!r.grant.pkce && !clientAuthenticated) {
                throw new OAuthError(401, "invalid_client", "Client authentication failed: client_secret is required.");
            }
            refresh.remove(rt);
            Access old = access.get(r.accessToken);
            if (old != null) {
                old.revoked = true;
            }
        }
        refreshes.incrementAndGet();
        return issue(r.grant, config.refreshLifetimeSeconds());
    }

    private ObjectNode issue(Grant grant, long lifetimeSeconds) {
        String at = token();
        String rt = token();
        long now = clock.nowMillis();
        access.put(at, new Access(grant, now + lifetimeSeconds * 1000L));
        refresh.put(rt, new Refresh(grant, at));
        ObjectNode o = NODES.objectNode();
        o.put("access_token", at);
        o.put("token_type", "Bearer");
        o.put("refresh_token", rt);
        o.put("expires_in", lifetimeSeconds);
        o.put("scope", grant.scope);
        o.put("created_at", Math.floorDiv(now, 1000L));
        return o;
    }

    static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- admin

    OAuthTokens grantDirectly(String scope) {
        return grantDirectly(scope, accounts.primary().id());
    }

    OAuthTokens grantDirectly(String scope, long kitAccountId) {
        accounts.get(kitAccountId);
        ObjectNode o = issue(new Grant(scope, false, kitAccountId), config.codeExchangeLifetimeSeconds());
        return new OAuthTokens(o.get("access_token").asText(), o.get("refresh_token").asText());
    }

    void expire(String accessToken) {
        Access a = access.get(accessToken);
        if (a == null) {
            throw new IllegalArgumentException("unknown access token");
        }
        a.expiresAtMs = clock.nowMillis();
    }

    /** Revoke an access token, or a refresh token together with its access token. Unknown tokens are ignored. */
    void revoke(String token) {
        Access a = access.get(token);
        if (a != null) {
            a.revoked = true;
        }
        Refresh r;
        synchronized (this) {
            r = refresh.remove(token);
        }
        if (r != null) {
            Access ra = access.get(r.accessToken);
            if (ra != null) {
                ra.revoked = true;
            }
        }
    }

    boolean isRefreshValid(String token) {
        return token != null && refresh.containsKey(token);
    }

    boolean isAccessKnown(String token) {
        return access.containsKey(token);
    }

    int refreshes() {
        return refreshes.get();
    }
}
