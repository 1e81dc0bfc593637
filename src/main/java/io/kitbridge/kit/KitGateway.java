package io.kitbridge.kit;

import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.RateBudget;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * The only way to call Kit. Each attempt first takes a permit from the credential's shared rate budget;
 * transient failures of repeatable requests are retried with jittered exponential backoff; a circuit
 * breaker per account stops hammering a Kit that is down; a 429 is never retried here — its wait goes to
 * the shared budget (every function pauses) and to the caller.
 */
@ApplicationScoped
public class KitGateway {
    private static final Logger LOG = Logger.getLogger(KitGateway.class);

    @Inject
    @RestClient
    KitApi api;

    @Inject
    CredentialResolver credentials;

    @Inject
    RateBudget budget;

    @Inject
    BudgetConfig budgetConfig;

    @Inject
    KitConfig config;

    @Inject
    jakarta.enterprise.inject.Instance<TokenRefresher> tokenRefresher;

    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong requestsSent = new java.util.concurrent.atomic.AtomicLong();

    /** Kit requests this process has sent (each attempt counts); functions report their delta. */
    public long requestsSent() {
        return requestsSent.get();
    }

    public KitCredential credential(String account) {
        return credentials.resolve(account);
    }

    public <T> T call(KitCall call, Function<KitApi, T> request) {
        try {
            return guarded(call, request);
        } catch (KitException e) {
            if (e.kind() == KitErrorKind.TOKEN_EXPIRED && tokenRefresher.isResolvable()) {
                // Kit said the OAuth access token expired: refresh once (single-flight across Lambdas) and retry
                tokenRefresher.get().refreshAfterExpiry(call.account());
                credentials.invalidate(call.account());
                return guarded(call, request);
            }
            if (e.kind() == KitErrorKind.UNAUTHORIZED && tokenRefresher.isResolvable()) {
                tokenRefresher.get().markBroken(call.account(), e.getMessage());
                credentials.invalidate(call.account());
            }
            throw e;
        }
    }

    private <T> T guarded(KitCall call, Function<KitApi, T> request) {
        KitCredential credential = credentials.resolve(call.account());
        Guard guard = guards.computeIfAbsent(credential.account(), a -> newGuard());
        Supplier<Object> attempt = () -> {
            budget.acquire(credential.budgetKey(), credential.kind(), call.priority(), call.maxWait());
            requestsSent.incrementAndGet();
            try {
                return request.apply(api);
            } catch (RuntimeException failure) {
                KitException kit = KitErrors.fromThrowable(failure);
                if (kit.kind() == KitErrorKind.RATE_LIMITED) {
                    Duration pause = budget.reportThrottled(credential.budgetKey(), kit.retryAfter());
                    LOG.warnf("Kit answered 429 to %s for account %s; every function pauses %d ms", call.operation(),
                            call.account(), pause.toMillis());
                    throw new KitException(KitErrorKind.RATE_LIMITED, 429, kit.kitMessages(), pause,
                            "Kit rate limit hit during " + call.operation() + "; resume in " + pause.toSeconds() + " s", kit);
                }
                throw kit.repeatable(call.repeatable() && kit.isTransient());
            }
        };
        try {
            @SuppressWarnings("unchecked")
            T result = (T) guard.get(attempt, Object.class);
            return result;
        } catch (CircuitBreakerOpenException open) {
            throw new KitException(KitErrorKind.CIRCUIT_OPEN, 0, List.of(), null, "Kit has been failing for account "
                    + call.account() + "; calls are paused for " + config.circuitBreaker().delay().toSeconds() + " s", open);
        }
    }

    private Guard newGuard() {
        KitConfig.Retry retry = config.retry();
        KitConfig.CircuitBreaker breaker = config.circuitBreaker();
        return Guard.create()
                .withRetry()
                .maxRetries(retry.maxRetries())
                .delay(retry.delay().toMillis(), ChronoUnit.MILLIS)
                .jitter(retry.jitter().toMillis(), ChronoUnit.MILLIS)
                .maxDuration(Math.max(retry.maxDelay().toMillis() * (retry.maxRetries() + 1), 1), ChronoUnit.MILLIS)
                .whenException(e -> e instanceof KitException kit && kit.isRepeatable())
                .withExponentialBackoff().factor(2).maxDelay(retry.maxDelay().toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .withCircuitBreaker()
                .requestVolumeThreshold(breaker.requestVolumeThreshold())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .when(e -> e instanceof KitException kit && kit.isTransient())
                .done()
                .build();
    }
}
