package io.kitbridge.kit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** kitbridge.kit.* — where Kit is and how we authenticate and protect calls to it. */
@ConfigMapping(prefix = "kitbridge.kit")
public interface KitConfig {
    /** Kit's API origin; api.convertkit.com still answers, api.kit.com is current. */
    @WithDefault("https://api.kit.com")
    String baseUrl();

    /** API key of the account named "default" (single-account deployments); wins over api-key-secret-arn. */
    Optional<String> apiKey();

    /** Secrets Manager ARN of that API key (deployments): read at first use, cached for kitbridge.secrets.cache-ttl. */
    Optional<String> apiKeySecretArn();

    /** x-kit-api-key (Kit's docs) or bearer (the seed document's "Authorization: Bearer <secret>"). */
    @WithDefault("x-kit-api-key")
    AuthStyle authStyle();

    /** How long a resolved credential is reused before the connections table is read again. */
    @WithDefault("30s")
    Duration credentialCacheTtl();

    Retry retry();

    CircuitBreaker circuitBreaker();

    interface Retry {
        /** Retries of a transient failure (5xx, timeout, reset) for requests safe to repeat. */
        @WithDefault("3")
        int maxRetries();

        @WithDefault("200ms")
        Duration delay();

        @WithDefault("4s")
        Duration maxDelay();

        @WithDefault("150ms")
        Duration jitter();
    }

    interface CircuitBreaker {
        @WithDefault("10")
        int requestVolumeThreshold();

        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker turns calls away before letting a probe through. */
        @WithDefault("15s")
        Duration delay();
    }

    enum AuthStyle {
        X_KIT_API_KEY, BEARER
    }
}
