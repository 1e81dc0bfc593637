package io.kitbridge.oauth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** kitbridge.oauth.* — the registered Kit OAuth application and how we keep its tokens fresh. */
@ConfigMapping(prefix = "kitbridge.oauth")
public interface OAuthConfig {
    /** The OAuth application's client id (developers.kit.com). Without it, connections cannot be made or refreshed. */
    Optional<String> clientId();

    /** Client secret; optional with PKCE, sent when set; wins over client-secret-arn. Never logged, never echoed. */
    Optional<String> clientSecret();

    /** Secrets Manager ARN of the client secret (deployments): read at first use, cached for kitbridge.secrets.cache-ttl. */
    Optional<String> clientSecretArn();

    /** How long a connect link (minted by a direct invoke of oauth) may wait before its /oauth/start. */
    @WithDefault("15m")
    Duration linkTtl();

    /** This deployment's callback, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/oauth/callback. */
    Optional<String> redirectUri();

    @WithDefault("https://app.kit.com/oauth/authorize")
    String authorizeUrl();

    /** Defaults to ${kitbridge.kit.base-url}/oauth/token; must end with /oauth/token. */
    Optional<String> tokenUrl();

    /** Space- or comma-separated scopes asked for at /oauth/start. */
    @WithDefault("public")
    String scopes();

    /** How long a started connection (state + PKCE verifier) may take to come back to the callback. */
    @WithDefault("10m")
    Duration stateTtl();

    /** Refresh this long before the access token expires (Kit's refreshed tokens live 7200 s). */
    @WithDefault("5m")
    Duration refreshSkew();

    /**
     * How long one Lambda may hold an account's refresh lease; must exceed the token request's connect +
     * read timeout so a slow refresh is never duplicated.
     */
    @WithDefault("30s")
    Duration refreshLeaseTtl();

    /**
     * Connect timeout of token endpoint requests. Connect + read must stay below the shortest function Timeout in
     * template.yaml (10 s), so a refresh always fits in an invocation that has time for it (TemplateTest proves it).
     */
    @WithDefault("2s")
    Duration tokenConnectTimeout();

    /** Read timeout of token endpoint requests (see {@link #tokenConnectTimeout()}). */
    @WithDefault("5s")
    Duration tokenReadTimeout();

    /**
     * A refresh starts only with at least token connect + read timeout + this margin left in the invocation: a
     * refresh cut off after Kit rotated the token would lose the new refresh token and break the account.
     */
    @WithDefault("1s")
    Duration refreshTimeMargin();
}
