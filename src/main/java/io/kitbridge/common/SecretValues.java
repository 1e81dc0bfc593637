package io.kitbridge.common;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Clock;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * A secret given either directly (local runs, outside test harnesses) or as a Secrets Manager ARN (deployments):
 * the direct value wins. The client is built at first use, so functions that never need a secret never build it.
 */
@ApplicationScoped
public class SecretValues {
    @Inject SecretsConfig config;

    @Inject Clock clock;

    private volatile SecretReader reader;
    private SecretsManagerClient client;

    /** The direct value if set, else the value of the secret {@code arn} names, else empty. */
    public Optional<String> resolve(Optional<String> direct, Optional<String> arn) {
        Optional<String> value = direct.map(String::trim).filter(v -> !v.isEmpty());
        if (value.isPresent()) {
            return value;
        }
        return arn.map(String::trim).filter(a -> !a.isEmpty()).map(a -> reader().read(a));
    }

    /** Whether a value or a reference is configured, without reading it. */
    public static boolean configured(Optional<String> direct, Optional<String> arn) {
        return direct.filter(v -> !v.isBlank()).isPresent() || arn.filter(a -> !a.isBlank()).isPresent();
    }

    private SecretReader reader() {
        SecretReader r = reader;
        if (r == null) {
            synchronized (this) {
                if (reader == null) {
                    client = build();
                    reader = new SecretReader(client, clock, config.cacheTtl());
                }
                r = reader;
            }
        }
        return r;
    }

    private SecretsManagerClient build() {
        // Lambda puts the role's credentials in the environment; no profile files, no instance metadata probing
        // bounded waits: a stuck connection costs seconds and is retried, never the SDK's 30 s socket default
        SecretsManagerClientBuilder b = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(4)).build())
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(4))
                        .apiCallTimeout(Duration.ofSeconds(9)))
                .credentialsProvider(AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create()));
        String region = config.region().filter(r -> !r.isBlank()).orElseGet(() -> Optional.ofNullable(System.getenv("AWS_REGION"))
                .filter(r -> !r.isBlank()).orElse("us-east-1"));
        b.region(Region.of(region));
        config.endpointOverride().filter(e -> !e.isBlank()).ifPresent(e -> b.endpointOverride(URI.create(e)));
        return b.build();
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
