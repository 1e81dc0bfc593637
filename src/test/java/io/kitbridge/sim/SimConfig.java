package io.kitbridge.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable simulator configuration. Start from {@link #defaults()} and adjust with the {@code with*} methods.
 *
 * @param dialect             which reference document wins where they differ
 * @param apiKeyLimit         accepted requests per {@code window} per API key
 * @param oauthLimit          accepted requests per {@code window} per OAuth access token
 * @param window              sliding rate-limit window
 * @param apiKeys             API keys the account accepts (X-Kit-Api-Key or Authorization: Bearer)
 * @param oauthClientId       the registered OAuth application's client id
 * @param oauthClientSecret   the registered OAuth application's client secret
 * @param accessTokenLifetime lifetime of refreshed access tokens (and of code-exchange tokens when not 7200 s)
 * @param randomSeed          seed for fault probabilities and other simulator randomness
 * @param webhookRetryDelay   first webhook retry delay (doubles per attempt, 8 attempts max)
 */
public record SimConfig(Dialect dialect, int apiKeyLimit, int oauthLimit, Duration window,
                        Set<String> apiKeys, String oauthClientId, String oauthClientSecret,
                        Duration accessTokenLifetime, long randomSeed, Duration webhookRetryDelay) {

    /** Kit's documented default lifetime of a refreshed access token. */
    public static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(7200);
    /** Kit's documented lifetime of an access token obtained by code exchange. */
    public static final Duration CODE_EXCHANGE_ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(172800);

    public SimConfig {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(oauthClientId, "oauthClientId");
        Objects.requireNonNull(oauthClientSecret, "oauthClientSecret");
        Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime");
        Objects.requireNonNull(webhookRetryDelay, "webhookRetryDelay");
        if (apiKeyLimit < 1 || oauthLimit < 1) {
            throw new IllegalArgumentException("rate limits must be >= 1");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        if (accessTokenLifetime.isNegative() || webhookRetryDelay.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        apiKeys = Set.copyOf(apiKeys);
    }

    /** PUBLIC, 120 / 600 per 60 s, key "test-api-key", client "kb-client"/"kb-secret", 7200 s, seed 42, retry 1 s. */
    public static SimConfig defaults() {
        return new SimConfig(Dialect.PUBLIC, 120, 600, Duration.ofSeconds(60), Set.of("test-api-key"),
                "kb-client", "kb-secret", DEFAULT_ACCESS_TOKEN_LIFETIME, 42L, Duration.ofSeconds(1));
    }

    public SimConfig withDialect(Dialect v) {
        return new SimConfig(v, apiKeyLimit, oauthLimit, window, apiKeys, oauthClientId, oauthClientSecret,
                accessTokenLifetime, randomSeed, webhookRetryDelay);
    }

    public SimConfig withApiKeyLimit(int v) {
        return new SimConfig(dialect, v, oauthLimit, window, apiKeys, oauthClientId, oauthClientSecret,
                accessTokenLifetime, randomSeed, webhookRetryDelay);
    }

    public SimConfig withOauthLimit(int v) {
        return new SimConfig(dialect, apiKeyLimit, v, window, apiKeys, oauthClientId, oauthClientSecret,
                accessTokenLifetime, randomSeed, webhookRetryDelay);
    }

    public SimConfig withWindow(Duration v) {
        return new SimConfig(dialect, apiKeyLimit, oauthLimit, v, apiKeys, oauthClientId, oauthClientSecret,
                accessTokenLifetime, randomSeed, webhookRetryDelay);
    }

    public SimConfig withApiKeys(Set<String> v) {
        return new SimConfig(dialect, apiKeyLimit, oauthLimit, window, v, oauthClientId, oauthClientSecret,
                accessTokenLifetime, randomSeed, webhookRetryDelay);
    }

    public SimConfig withOauthClientId(String v) {
        return new SimConfig(dialect, apiKeyLimit, oauthLimit, window, apiKeys, v, oauthClientSecret,
                accessTokenLifetime, randomSeed, webhookRetryDelay);
    }

    public SimConfig withOauthClientSecret(String v) {
        return new SimConfig(dialect, apiKeyLimit, oauthLimit, window, apiKeys, oauthClientId, v,
                accessTokenLifetime, randomSeed, webhookRetryDelay);
    }

    public SimConfig withAccessTokenLifetime(Duration v) {
        return new SimConfig(dialect, apiKeyLimit, oauthLimit, window, apiKeys, oauthClientId, oauthClientSecret,
                v, randomSeed, webhookRetryDelay);
    }

    public SimConfig withRandomSeed(long v) {
        return new SimConfig(dialect, apiKeyLimit, oauthLimit, window, apiKeys, oauthClientId, oauthClientSecret,
                accessTokenLifetime, v, webhookRetryDelay);
    }

    public SimConfig withWebhookRetryDelay(Duration v) {
        return new SimConfig(dialect, apiKeyLimit, oauthLimit, window, apiKeys, oauthClientId, oauthClientSecret,
                accessTokenLifetime, randomSeed, v);
    }

    /** Lifetime (seconds) of an access token issued by an authorization_code exchange. */
    long codeExchangeLifetimeSeconds() {
        return accessTokenLifetime.equals(DEFAULT_ACCESS_TOKEN_LIFETIME)
                ? CODE_EXCHANGE_ACCESS_TOKEN_LIFETIME.getSeconds()
                : accessTokenLifetime.getSeconds();
    }

    /** Lifetime (seconds) of an access token issued by a refresh_token grant. */
    long refreshLifetimeSeconds() {
        return accessTokenLifetime.getSeconds();
    }
}
