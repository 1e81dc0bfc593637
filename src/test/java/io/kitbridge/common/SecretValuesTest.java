package io.kitbridge.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kitbridge.testing.ManualClock;
import io.kitbridge.testing.SecretsManagerStandIn;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The AWS SDK's Secrets Manager client against the local GetSecretValue stand-in (endpoint override), time driven by hand. */
class SecretValuesTest {
    private static SecretsManagerStandIn standIn;
    private static SecretsManagerClient client;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeAll
    static void start() {
        standIn = SecretsManagerStandIn.start();
        client = SecretsManagerClient.builder().endpointOverride(URI.create(standIn.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder().build()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        standIn.close();
    }

    @Test
    void should_read_once_per_ttl_and_pick_up_a_rotation_after_it_when_secret_is_referenced_by_arn() {
        // GIVEN a secret in Secrets Manager and a reader caching for 5 minutes
        String arn = standIn.put("kit-api-key-rotating", "key-version-1");
        ManualClock clock = new ManualClock(START);
        SecretReader reader = new SecretReader(client, clock, Duration.ofMinutes(5));
        // WHEN it is read three times within the TTL
        assertEquals("key-version-1", reader.read(arn));
        clock.advance(Duration.ofMinutes(2));
        assertEquals("key-version-1", reader.read(arn));
        assertEquals("key-version-1", reader.read(arn));
        // THEN one GetSecretValue request was made
        assertEquals(1, standIn.reads(arn));
        // WHEN the secret is rotated, THEN the old value is served until the TTL ends, the new one after it
        standIn.put("kit-api-key-rotating", "key-version-2");
        assertEquals("key-version-1", reader.read(arn));
        clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        assertEquals("key-version-2", reader.read(arn));
        assertEquals(2, standIn.reads(arn));
    }

    @Test
    void should_prefer_a_direct_value_and_fail_typed_without_the_value_when_the_secret_is_missing() {
        // GIVEN SecretValues wired to the stand-in
        SecretValues values = new SecretValues();
        values.clock = new ManualClock(START);
        values.config = new SecretsConfig() {
            @Override
            public Duration cacheTtl() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Optional<String> endpointOverride() {
                return Optional.of(standIn.endpoint());
            }

            @Override
            public Optional<String> region() {
                return Optional.of("us-east-1");
            }
        };
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        String arn = standIn.put("oauth-client-secret", "client-secret-from-arn");
        try {
            // WHEN both a direct value and an ARN are configured, THEN the direct value wins, without a request
            assertEquals(Optional.of("direct-value"), values.resolve(Optional.of("direct-value"), Optional.of(arn)));
            assertEquals(0, standIn.reads(arn));
            // WHEN only the ARN is, THEN the SDK reads it; neither configured → empty
            assertEquals(Optional.of("client-secret-from-arn"), values.resolve(Optional.empty(), Optional.of(arn)));
            assertEquals(Optional.empty(), values.resolve(Optional.of(" "), Optional.empty()));
            // WHEN the ARN names no secret, THEN a typed error naming the ARN
            KitbridgeException missing = assertThrows(KitbridgeException.class,
                    () -> values.resolve(Optional.empty(), Optional.of(SecretsManagerStandIn.arn("nope"))));
            assertEquals("SecretUnavailable", missing.errorType());
            assertFalse(missing.getMessage().contains("client-secret-from-arn"));
        } finally {
            values.close();
        }
    }
}
