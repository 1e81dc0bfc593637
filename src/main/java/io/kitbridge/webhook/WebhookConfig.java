package io.kitbridge.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** kitbridge.webhook.* — where Kit delivers to, and how the handler guards itself. */
@ConfigMapping(prefix = "kitbridge.webhook")
public interface WebhookConfig {
    /**
     * Public origin of the HTTP API (e.g. https://abc.execute-api.eu-west-1.amazonaws.com); setup registers
     * {@code <base-url>/webhooks/<account>}. No default: setup refuses to run without it.
     */
    Optional<String> baseUrl();

    /** Larger deliveries are answered 413 without being read (a 100-event delivery is ~100-200 KB). */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Signed deliveries whose {@code t=} is further than this from our clock are rejected (replay guard). */
    @WithDefault("5m")
    Duration signatureTolerance();

    /**
     * How far ahead of our clock a signed event's {@code created} time may be; a later one (or one before 2000) is
     * refused with 400, since a far-future time could never be superseded in the mirror.
     */
    @WithDefault("1h")
    Duration eventTimeTolerance();

    /** How long a signed event id is remembered (Kit retries a delivery for up to ~24 h). */
    @WithDefault("72h")
    Duration dedupeWindow();

    /**
     * How long a legacy delivery digest is remembered. Legacy bodies carry no event id or time, so an identical
     * genuine repeat (tag added, removed, added again) inside this window would be taken for a duplicate; kept
     * short because Kit only re-sends what we did not acknowledge.
     */
    @WithDefault("1h")
    Duration legacyDedupeWindow();

    /** A claim on an event being processed; if the invocation dies, a retry may take over after this. */
    @WithDefault("2m")
    Duration processingLease();

    /** Retry-After sent with a 503 (DynamoDB or the tag-name lookup unavailable). */
    @WithDefault("30s")
    Duration retryAfter();

    /** How long webhook secrets are reused from memory before the connections table is read again. */
    @WithDefault("60s")
    Duration secretCacheTtl();

    /** Accounts whose webhook secrets (or their absence) are kept in memory at most (least recently used go first). */
    @WithDefault("1000")
    int secretCacheSize();

    /** How long unknown or unprocessable events are kept in the control table for inspection. */
    @WithDefault("30d")
    Duration unknownRetention();

    /** After setup replaces a signing secret, deliveries signed with the old one are accepted this long. */
    @WithDefault("24h")
    Duration previousSecretGrace();

    /**
     * Longest the handler waits for a legacy tag event's tag name when the cache misses and Kit must be asked
     * (through the shared budget); past it the delivery gets 503 and the lookup finishes in the background.
     */
    @WithDefault("4s")
    Duration tagLookupTimeout();

    /**
     * The handler's time budget from the start of an invocation (below the function's Lambda timeout, 10 s in
     * template.yaml, so there is always time to answer). Funqy does not pass the Lambda context, so this configured
     * time stands for its remaining-time; every DynamoDB call gets timeouts derived from what is left of it
     * (kitbridge.dynamodb.*), so a store that stops answering yields 503 + Retry-After in about 2 s.
     */
    @WithDefault("8s")
    Duration maxInvocationTime();

    /** Subscribers of one delivery processed concurrently (events of one subscriber stay in order). */
    @WithDefault("8")
    int parallelism();
}
