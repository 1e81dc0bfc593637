package io.kitbridge.store;

import io.kitbridge.common.InvocationDeadline;
import io.quarkus.arc.Arc;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Gives every DynamoDB call made under an {@link InvocationDeadline} an API-call and attempt timeout derived from
 * the time left: {@code min(api-call-timeout, remaining - answer-margin)}. Funqy does not pass the Lambda context,
 * so "remaining" is the function's configured max invocation time counted from the invocation's start (webhook,
 * lookup, sync-page set it). Calls on threads without a deadline keep the SDK's defaults. Registered on the client
 * through {@code quarkus.dynamodb.interceptors} (the SDK instantiates it; it finds {@link Timeouts} through Arc).
 */
public final class DeadlineTimeouts implements ExecutionInterceptor {
    private volatile Timeouts timeouts;

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof AwsRequest request) || !Arc.container().isRunning()) {
            return context.request();
        }
        Timeouts t = timeouts;
        if (t == null) {
            t = Arc.container().instance(Timeouts.class).get();
            timeouts = t;
        }
        Optional<Duration[]> limits = t.forThisThread();
        if (limits.isEmpty()) {
            return context.request();
        }
        AwsRequestOverrideConfiguration.Builder override = request.overrideConfiguration()
                .map(AwsRequestOverrideConfiguration::toBuilder).orElseGet(AwsRequestOverrideConfiguration::builder);
        return request.toBuilder()
                .overrideConfiguration(override.apiCallTimeout(limits.get()[0]).apiCallAttemptTimeout(limits.get()[1])
                        .build())
                .build();
    }

    /** {api-call timeout, attempt timeout} for a call started with {@code remainingMillis} left. */
    static Duration[] timeouts(long remainingMillis, StoreTimeoutConfig c) {
        long call = Math.max(c.minimumTimeout().toMillis(),
                Math.min(c.apiCallTimeout().toMillis(), remainingMillis - c.answerMargin().toMillis()));
        long attempt = Math.min(call, c.apiCallAttemptTimeout().toMillis());
        return new Duration[] {Duration.ofMillis(call), Duration.ofMillis(attempt)};
    }

    /** The configuration and the thread's deadline, as a bean (a config mapping nobody injects is not kept). */
    @ApplicationScoped
    @Unremovable
    public static class Timeouts {
        @Inject StoreTimeoutConfig config;

        @Inject InvocationDeadline deadline;

        /** The timeouts for a call made now on this thread; empty when it has no deadline. */
        Optional<Duration[]> forThisThread() {
            OptionalLong remaining = deadline.remainingMillis();
            return remaining.isEmpty() ? Optional.empty() : Optional.of(timeouts(remaining.getAsLong(), config));
        }
    }
}
