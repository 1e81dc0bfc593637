package io.kitbridge.kit;

import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.RateBudget;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
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

    @Inject CredentialResolver credentials;

    @Inject RateBudget budget;

    @Inject BudgetConfig budgetConfig;

    @Inject KitConfig config;

    @Inject Instance<TokenRefresher> tokenRefresher;

    /** '#' cannot occur in an account name, so this guard never shares state with an account's. */
    private static final String NO_CREDENTIAL_GUARD = "#oauth-token";

    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> breakerStates = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong requestsSent = new java.util.concurrent.atomic.AtomicLong();

    /** Kit requests this process has sent (each attempt counts); functions report their delta. */
    public long requestsSent() {
        return requestsSent.get();
    }

    /**
     * The account's circuit breaker as of its last transition (CLOSED until it first opens). An open breaker moves
     * to HALF_OPEN only when a call arrives after the delay, so this changes only as calls are made.
     */
    public CircuitBreakerState circuitState(String account) {
        return breakerStates.getOrDefault(account, CircuitBreakerState.CLOSED);
    }

    public KitCredential credential(String account) {
        return credentials.resolve(account);
    }

    /**
     * Reserves {@code count} permits of the account's budget in one write, for requests about to be sent one after
     * another with {@link KitCall#using}.
     */
    public io.kitbridge.budget.Reservation reserve(String account, Duration maxWait, int count) {
        KitCredential credential = credentials.resolve(account);
        return budget.reserve(credential.budgetKey(), credential.kind().limit(budgetConfig),
                io.kitbridge.budget.Priority.INTERACTIVE, maxWait, count);
    }

    public <T> T call(KitCall call, Function<KitApi, T> request) {
        KitCredential used = credentials.resolveForCall(call.account()); // refreshes an OAuth token ahead of expiry
        try {
            return guarded(call, request);
        } catch (KitException e) {
            if (!recoverFromAuthFailure(call.account(), used, e)) {
                throw e;
            }
        }
        // one retry with the account's current token (refreshed by us, or rotated by another caller)
        KitCredential current = credentials.resolve(call.account());
        try {
            return guarded(call, request);
        } catch (KitException e) {
            if (e.kind() == KitErrorKind.UNAUTHORIZED && current.kind() == CredentialKind.OAUTH
                    && tokenRefresher.isResolvable()) {
                try {
                    tokenRefresher.get().markBroken(call.account(), e.getMessage(), current.secret());
                } finally {
                    credentials.invalidate(call.account());
                }
            }
            throw e;
        }
    }

    /**
     * Kit refused an OAuth token: an expired one is refreshed (single-flight across Lambdas), an invalid one
     * marks the connection broken, unless a concurrent refresh had already replaced (and so revoked) it.
     * True when a retry with the account's current token may succeed.
     */
    private boolean recoverFromAuthFailure(String account, KitCredential used, KitException e) {
        if (used.kind() != CredentialKind.OAUTH || !tokenRefresher.isResolvable()
                || (e.kind() != KitErrorKind.TOKEN_EXPIRED && e.kind() != KitErrorKind.UNAUTHORIZED)) {
            return false;
        }
        try {
            if (e.kind() == KitErrorKind.TOKEN_EXPIRED) {
                tokenRefresher.get().refreshAfterExpiry(account, used.secret());
                return true;
            }
            return !tokenRefresher.get().markBroken(account, e.getMessage(), used.secret());
        } finally {
            credentials.invalidate(account);
        }
    }

    /**
     * A request that carries no account credential and is outside Kit's API rate limit (the OAuth token
     * endpoint): no budget permit, but the same retries of transient faults, with a circuit breaker of its own.
     */
    public <T> T callWithoutCredential(KitCall call, Function<KitApi, T> request) {
        Guard guard = guards.computeIfAbsent(NO_CREDENTIAL_GUARD, this::newGuard);
        Supplier<Object> attempt = () -> {
            requestsSent.incrementAndGet();
            try {
                return nonEmpty(call, request.apply(api));
            } catch (RuntimeException failure) {
                KitException kit = KitErrors.fromThrowable(failure);
                throw kit.repeatable(call.repeatable() && kit.isTransient());
            }
        };
        return through(guard, attempt, "Kit's OAuth token endpoint has been failing");
    }

    /**
     * A request with an OAuth access token that is not stored yet (the callback asks Kit whose it is before
     * deciding to keep it): the account's OAuth budget and guard, no refresh, no broken-marking.
     */
    public <T> T callWithAccessToken(KitCall call, String accessToken, Function<KitApi, T> request) {
        return guarded(call, KitCredential.oauth(call.account(), accessToken), request);
    }

    private <T> T guarded(KitCall call, Function<KitApi, T> request) {
        return guarded(call, credentials.resolve(call.account()), request);
    }

    private <T> T guarded(KitCall call, KitCredential credential, Function<KitApi, T> request) {
        Guard guard = guards.computeIfAbsent(credential.account(), this::newGuard);
        java.util.concurrent.atomic.AtomicReference<KitException> lastFailure = new java.util.concurrent.atomic.AtomicReference<>();
        Supplier<Object> attempt = () -> {
            try {
                if (call.reserved() == null || !call.reserved().take()) {
                    budget.acquire(credential.budgetKey(), credential.kind().limit(budgetConfig), call.priority(),
                            call.maxWait());
                }
            } catch (io.kitbridge.budget.BudgetExhaustedException noPermit) {
                KitException previous = lastFailure.get();
                if (previous != null) {
                    // a retry we cannot afford right now: report the Kit failure that made it necessary
                    throw previous.repeatable(false);
                }
                throw noPermit;
            }
            requestsSent.incrementAndGet();
            try {
                return nonEmpty(call, request.apply(api));
            } catch (RuntimeException failure) {
                KitException kit = KitErrors.fromThrowable(failure);
                lastFailure.set(kit);
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
        return through(guard, attempt, "Kit has been failing for account " + call.account());
    }

    /** Runs an attempt through retries and the circuit breaker; an open breaker says what has been failing. */
    private <T> T through(Guard guard, Supplier<Object> attempt, String failing) {
        try {
            @SuppressWarnings("unchecked")
            T result = (T) guard.get(attempt, Object.class);
            return result;
        } catch (CircuitBreakerOpenException open) {
            throw new KitException(KitErrorKind.CIRCUIT_OPEN, 0, List.of(), null, failing + "; calls are paused for "
                    + config.circuitBreaker().delay().toSeconds() + " s", open);
        }
    }

    /**
     * Every Kit call we make expects a JSON body (no-content answers are typed RestResponse&lt;Void&gt;): the REST
     * client hands back null for an empty 200, which must not read as "nothing there" (an empty page).
     */
    private static <T> T nonEmpty(KitCall call, T result) {
        if (result == null) {
            throw KitErrors.emptyBody(call.operation());
        }
        return result;
    }

    private Guard newGuard(String key) {
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
                .onStateChange(state -> {
                    breakerStates.put(key, state);
                    if (state == CircuitBreakerState.OPEN) {
                        LOG.warnf("Kit circuit breaker for %s opened: calls pause %d ms", key, breaker.delay().toMillis());
                    } else {
                        LOG.infof("Kit circuit breaker for %s: %s", key, state);
                    }
                })
                .done()
                .build();
    }
}
