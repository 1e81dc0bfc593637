package io.kitbridge.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * kitbridge.dynamodb.* — how long one DynamoDB call may take inside an invocation that knows its deadline
 * ({@link DeadlineTimeouts}). A store that stops answering must turn into a typed error or a 503 well before the
 * Lambda timeout, never into the timeout itself.
 */
@ConfigMapping(prefix = "kitbridge.dynamodb")
public interface StoreTimeoutConfig {
    /** Longest one API call (all its attempts) may take; less when the invocation has less time left. */
    @WithDefault("2s")
    Duration apiCallTimeout();

    /** Longest one attempt may take (a stuck connection is retried once within the call's time). */
    @WithDefault("1s")
    Duration apiCallAttemptTimeout();

    /** Time kept back from the invocation's remaining time for answering after a call failed. */
    @WithDefault("300ms")
    Duration answerMargin();

    /** Shortest timeout ever given to a call (a call with less cannot succeed anyway). */
    @WithDefault("100ms")
    Duration minimumTimeout();
}
