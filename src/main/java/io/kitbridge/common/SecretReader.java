package io.kitbridge.common;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Reads secret strings by ARN through the AWS SDK and keeps each for {@code ttl}: one GetSecretValue per secret
 * per TTL per process, and a rotated value arrives within one TTL. Values are registered with {@link Secrets} so
 * they are redacted wherever they might be echoed.
 */
public final class SecretReader {
    private final SecretsManagerClient client;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public SecretReader(SecretsManagerClient client, Clock clock, Duration ttl) {
        this.client = client;
        this.clock = clock;
        this.ttl = ttl;
    }

    public String read(String arn) {
        long now = clock.millis();
        Cached cached = cache.get(arn);
        if (cached != null && cached.until > now) {
            return cached.value;
        }
        GetSecretValueResponse response;
        try {
            response = client.getSecretValue(b -> b.secretId(arn));
        } catch (RuntimeException e) {
            // the SDK's message names the ARN and the error code, never the value
            throw new KitbridgeException("SecretUnavailable", "cannot read secret " + arn + " from Secrets Manager: "
                    + Secrets.redact(e.getMessage()), e);
        }
        String value = response.secretString();
        if (value == null || value.isBlank()) {
            throw new KitbridgeException("SecretUnavailable", "secret " + arn + " has no SecretString (store the value as "
                    + "plain text)");
        }
        value = value.trim();
        Secrets.register(value);
        cache.put(arn, new Cached(value, now + ttl.toMillis()));
        return value;
    }

    private record Cached(String value, long until) {
    }
}
