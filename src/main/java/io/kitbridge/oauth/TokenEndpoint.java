package io.kitbridge.oauth;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.SecretValues;
import io.kitbridge.common.Secrets;
import io.kitbridge.kit.KitApi;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitConfig;
import io.kitbridge.kit.KitErrors;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.TokenResponse;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Kit's OAuth token endpoint (code exchange, refresh), called through {@link KitGateway#callWithoutCredential}:
 * transient faults are retried and a breaker guards it, but it takes no rate-budget permit (it is not a /v4
 * request and carries no account credential). When token-url is on another origin than kitbridge.kit.base-url,
 * an instance of the one {@link KitApi} interface is built for it, with the token timeouts (kitbridge.oauth.token-*).
 */
@ApplicationScoped
public class TokenEndpoint {
    private static final String TOKEN_PATH = "/oauth/token";

    @Inject KitGateway gateway;

    @Inject OAuthConfig config;

    @Inject KitConfig kitConfig;

    @Inject SecretValues secrets;

    private volatile KitApi client;

    /** grant_type=authorization_code with the PKCE verifier. A code is single use: never retried. */
    TokenResponse exchangeCode(String account, String code, String redirectUri, String verifier) {
        Secrets.register(code);
        Secrets.register(verifier);
        MultivaluedMap<String, String> form = clientForm("authorization_code");
        form.putSingle("code", code);
        form.putSingle("redirect_uri", redirectUri);
        form.putSingle("code_verifier", verifier);
        return post(account, "oauth-code-exchange", form);
    }

    /**
     * grant_type=refresh_token. Not retried either: if Kit rotated the token but the answer was lost, a retry
     * is refused anyway, and the refresh lease must outlast one attempt.
     */
    TokenResponse refresh(String account, String refreshToken) {
        MultivaluedMap<String, String> form = clientForm("refresh_token");
        form.putSingle("refresh_token", refreshToken);
        return post(account, "oauth-refresh", form);
    }

    /** Kit (Doorkeeper) answers 400 invalid_grant for a used, revoked or expired code or refresh token. */
    static boolean isInvalidGrant(KitException e) {
        return e.status() == 400 && e.kitMessages().stream().anyMatch(m -> m.startsWith("invalid_grant"));
    }

    static boolean isInvalidClient(KitException e) {
        return e.kitMessages().stream().anyMatch(m -> m.startsWith("invalid_client"));
    }

    boolean configured() {
        return config.clientId().filter(id -> !id.isBlank()).isPresent();
    }

    String clientId() {
        return config.clientId().filter(id -> !id.isBlank()).orElseThrow(() -> new KitbridgeException(
                "OAuthNotConfigured", "kitbridge.oauth.client-id (KITBRIDGE_OAUTH_CLIENT_ID) is not set"));
    }

    private MultivaluedMap<String, String> clientForm(String grantType) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("grant_type", grantType);
        form.putSingle("client_id", clientId());
        secrets.resolve(config.clientSecret(), config.clientSecretArn()).ifPresent(secret -> {
            Secrets.register(secret);
            form.putSingle("client_secret", secret);
        });
        return form;
    }

    private TokenResponse post(String account, String operation, MultivaluedMap<String, String> form) {
        KitApi target = client();
        KitCall call = KitCall.interactive(account, operation, false, Duration.ZERO);
        try {
            TokenResponse response = gateway.callWithoutCredential(call, ignored -> target.token(form));
            if (response == null || response.accessToken() == null || response.accessToken().isBlank()) {
                throw KitErrors.emptyBody(operation);
            }
            Secrets.register(response.accessToken());
            Secrets.register(response.refreshToken());
            return response;
        } catch (KitException e) {
            if (isInvalidClient(e)) {
                throw new KitbridgeException("OAuthNotConfigured", "Kit refused this deployment's OAuth client ("
                        + "kitbridge.oauth.client-id / client-secret): " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * A client of its own for the token endpoint (on Kit's origin or another), with the token timeouts rather than
     * the API client's longer read timeout: a refresh must fit in the invocation that starts it.
     */
    KitApi client() {
        KitApi c = client;
        if (c == null) {
            c = build(tokenBase(), config.tokenConnectTimeout(), config.tokenReadTimeout());
            client = c;
        }
        return c;
    }

    /** Connect + read timeout of one token request: the longest a refresh can take (it is never retried). */
    Duration requestTimeout() {
        return config.tokenConnectTimeout().plus(config.tokenReadTimeout());
    }

    /** token-url without its /oauth/token path: the base URI the client's @Path is relative to. */
    String tokenBase() {
        String url = stripSlash(config.tokenUrl().filter(u -> !u.isBlank()).orElse(stripSlash(kitConfig.baseUrl()) + TOKEN_PATH));
        if (!url.endsWith(TOKEN_PATH)) {
            throw new KitbridgeException("OAuthNotConfigured", "kitbridge.oauth.token-url must end with " + TOKEN_PATH);
        }
        return url.substring(0, url.length() - TOKEN_PATH.length());
    }

    static KitApi build(String base) {
        var cfg = ConfigProvider.getConfig();
        return build(base, cfg.getOptionalValue("kitbridge.oauth.token-connect-timeout", Duration.class)
                .orElse(Duration.ofSeconds(2)), cfg.getOptionalValue("kitbridge.oauth.token-read-timeout", Duration.class)
                .orElse(Duration.ofSeconds(5)));
    }

    static KitApi build(String base, Duration connect, Duration read) {
        return QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(base))
                .connectTimeout(connect.toMillis(), TimeUnit.MILLISECONDS).readTimeout(read.toMillis(), TimeUnit.MILLISECONDS)
                .build(KitApi.class);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
