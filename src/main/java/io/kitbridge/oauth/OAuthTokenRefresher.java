package io.kitbridge.oauth;

import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.TokenRefresher;
import io.kitbridge.kit.TokenResponse;
import io.kitbridge.store.Connection;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.ControlStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Keeps OAuth tokens fresh with one refresh per rotation, however many Lambdas notice the expiry at once:
 * within a process refreshes of an account are serialised; across processes one lease in the control table
 * lets one Lambda call Kit while the others wait and then read its tokens; and the write itself is a
 * compare-and-set on the connection's version, so a rotated refresh token is never overwritten by an older one.
 */
@ApplicationScoped
public class OAuthTokenRefresher implements TokenRefresher {
    private static final Logger LOG = Logger.getLogger(OAuthTokenRefresher.class);
    private static final String LEASE_PK_PREFIX = "oauth-refresh#";
    static final String LEASE_SK = "lease";
    private static final long POLL_MIN_MS = 50;
    private static final long POLL_MAX_MS = 150;

    @Inject ConnectionStore connections;

    @Inject ControlStore control;

    @Inject TokenEndpoint tokens;

    @Inject ConnectionAudit audit;

    @Inject OAuthConfig config;

    @Inject Clock clock;

    @Inject InvocationDeadline deadline;

    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    @Override
    public void refreshAfterExpiry(String account) {
        refreshAfterExpiry(account, current(account).accessToken());
    }

    @Override
    public void refreshAfterExpiry(String account, String expiredAccessToken) {
        if (!tokens.configured()) {
            throw new KitException(KitErrorKind.TOKEN_EXPIRED, 401, List.of(), null, "the OAuth access token of account '"
                    + account + "' expired and cannot be refreshed: kitbridge.oauth.client-id is not set", null);
        }
        refresh(account, c -> Objects.equals(c.accessToken(), expiredAccessToken), "Kit said the access token expired");
    }

    @Override
    public Connection ensureFresh(Connection connection) {
        long now = clock.millis();
        if (now < refreshDueAtMillis(connection) || !tokens.configured()) {
            return connection;
        }
        try {
            return refresh(connection.account(), c -> clock.millis() >= refreshDueAtMillis(c), "ahead of expiry");
        } catch (KitException e) {
            if (e.isTransient() || e.kind() == KitErrorKind.CIRCUIT_OPEN
                    || e.kind() == KitErrorKind.RATE_LIMITED) {
                if (now < connection.accessExpiresAt() * 1000) {
                    // the token still works for a while: use it and try the refresh again on a later call
                    LOG.warnf("refresh ahead of expiry failed for account %s (%s); the current token is used until it expires",
                            connection.account(), e.getMessage());
                    return connection;
                }
            }
            throw e;
        }
    }

    @Override
    public long refreshDueAtMillis(Connection connection) {
        if (connection.accessExpiresAt() <= 0) {
            return Long.MAX_VALUE; // no known expiry (the seed's non-expiring tokens): refresh only on a 401
        }
        return connection.accessExpiresAt() * 1000 - config.refreshSkew().toMillis();
    }

    @Override
    public void markBroken(String account, String reason) {
        markBroken(account, reason, null);
    }

    @Override
    public boolean markBroken(String account, String reason, String refusedAccessToken) {
        ReentrantLock lock = locks.computeIfAbsent(account, a -> new ReentrantLock());
        lock.lock(); // a refresh in this process may be revoking the refused token right now: let it finish
        try {
            awaitNoRefreshElsewhere(account);
            for (int attempt = 0; attempt < 3; attempt++) {
                Optional<Connection> found = connections.find(account).filter(Connection::isOauth);
                if (found.isEmpty() || found.get().isBroken()) {
                    return true;
                }
                Connection c = found.get();
                if (refusedAccessToken != null && !refusedAccessToken.equals(c.accessToken())) {
                    return false; // superseded by a refresh, which revoked it: retry with the current token
                }
                if (connections.markBroken(account, c.version(), nextVersion(c), reason)) {
                    LOG.warnf("OAuth connection of account %s is broken: %s", account, reason);
                    audit.record(account, "oauth.broken", "broken", Map.of("status", Connection.STATUS_BROKEN), reason);
                    return true;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refreshes the account's tokens unless {@code needed} says the stored connection no longer needs it
     * (someone else refreshed first); either way returns the connection to use.
     */
    Connection refresh(String account, Predicate<Connection> needed, String why) {
        ReentrantLock lock = locks.computeIfAbsent(account, a -> new ReentrantLock());
        lock.lock();
        try {
            Connection c = current(account);
            if (!needed.test(c)) {
                return c;
            }
            String owner = UUID.randomUUID().toString();
            long deadline = clock.millis() + config.refreshLeaseTtl().toMillis() + 5_000;
            while (!control.acquireLease(leasePk(account), LEASE_SK, owner, config.refreshLeaseTtl(), Map.of())) {
                if (clock.millis() > deadline) {
                    throw new KitbridgeException("KitUnavailable", "another function has been refreshing the OAuth "
                            + "token of account '" + account + "' for too long; try again shortly");
                }
                pause();
                c = current(account);
                if (!needed.test(c)) {
                    return c; // the Lambda holding the lease won: use its token
                }
            }
            try {
                c = current(account); // re-read under the lease: the previous holder may have just written
                if (!needed.test(c)) {
                    return c;
                }
                requireTimeForRefresh(account);
                return rotate(c, why);
            } finally {
                control.releaseLease(leasePk(account), LEASE_SK, owner);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kit rotates the refresh token on every refresh: if this invocation were frozen or killed between Kit's answer
     * and our write, the new refresh token would be lost and the account broken. So a refresh starts only when the
     * token request's full timeout plus a margin fits in the time left; otherwise the caller uses the current token
     * while it lasts (ensureFresh) or gets a transient error (a retry or a later invocation refreshes).
     */
    private void requireTimeForRefresh(String account) {
        long needed = tokens.requestTimeout().plus(config.refreshTimeMargin()).toMillis();
        var left = deadline.remainingMillis();
        if (left.isPresent() && left.getAsLong() < needed) {
            throw new KitException(KitErrorKind.TRANSPORT, 0, List.of(), null, "not enough time left in this invocation "
                    + "to refresh the OAuth token of account '" + account + "' safely (" + Math.max(0, left.getAsLong())
                    + " ms left, a refresh needs " + needed + " ms); left to a later call", null);
        }
    }

    private Connection rotate(Connection c, String why) {
        String account = c.account();
        if (c.refreshToken() == null) {
            return broken(c, "the connection has no refresh token");
        }
        TokenResponse t;
        try {
            t = tokens.refresh(account, c.refreshToken());
        } catch (KitException e) {
            if (!TokenEndpoint.isInvalidGrant(e)) {
                throw e;
            }
            Connection now = current(account);
            if (now.version() != c.version()) {
                return now; // rotated meanwhile by a writer we could not see coming (a reconnect)
            }
            return broken(c, "Kit refused the refresh token (" + e.getMessage() + ")");
        }
        long expiresAt = t.expiresIn() == null ? 0 : clock.instant().getEpochSecond() + t.expiresIn();
        String refreshToken = t.refreshToken() != null && !t.refreshToken().isBlank() ? t.refreshToken() : c.refreshToken();
        List<String> scopes = t.scope() == null ? c.scopes() : scopes(t.scope());
        Connection next = new Connection(account, Connection.KIND_OAUTH, null, t.accessToken(), refreshToken, expiresAt,
                scopes, nextVersion(c), Connection.STATUS_CONNECTED, null);
        if (connections.rotateTokens(account, c.version(), next.version(), next.accessToken(), next.refreshToken(),
                expiresAt, scopes)) {
            LOG.infof("refreshed the OAuth token of account %s (%s); valid for %d s", account, why, t.expiresIn());
            audit.record(account, "oauth.refresh", "refreshed", Map.of("expiresAt", Long.toString(expiresAt),
                    "version", Long.toString(next.version())), why);
            return next;
        }
        // lost the optimistic lock to a newer write (a reconnect): its tokens win, ours are dropped
        LOG.infof("the connection of account %s changed during a refresh; using the newer one", account);
        return current(account);
    }

    private Connection broken(Connection c, String reason) {
        connections.markBroken(c.account(), c.version(), nextVersion(c), reason);
        LOG.warnf("OAuth connection of account %s is broken: %s", c.account(), reason);
        audit.record(c.account(), "oauth.broken", "broken", Map.of("status", Connection.STATUS_BROKEN), reason);
        throw disconnected(c.account(), reason);
    }

    /** The stored OAuth connection; broken → AccountDisconnected, absent → InvalidInput naming the account. */
    private Connection current(String account) {
        Connection c = connections.find(account).filter(Connection::isOauth).orElseThrow(() ->
                new InvalidInputException("account", "account '" + account + "' has no OAuth connection"));
        if (c.isBroken()) {
            throw disconnected(account, c.statusReason());
        }
        return c;
    }

    /** Waits (bounded by the lease TTL) while another Lambda holds this account's refresh lease. */
    private void awaitNoRefreshElsewhere(String account) {
        long deadline = clock.millis() + config.refreshLeaseTtl().toMillis();
        while (control.get(leasePk(account), LEASE_SK).isPresent() && clock.millis() < deadline) {
            pause();
        }
    }

    private long nextVersion(Connection c) {
        return Math.max(c.version() + 1, clock.millis());
    }

    static KitbridgeException disconnected(String account, String reason) {
        return new KitbridgeException("AccountDisconnected", "account '" + account + "' lost its Kit authorisation ("
                + reason + "); reconnect it with a new connect link (oauth function, action connect-link, replace: true)");
    }

    static List<String> scopes(String scope) {
        return scope == null ? List.of() : Arrays.stream(scope.trim().split("[\\s,]+")).filter(s -> !s.isEmpty()).toList();
    }

    static String leasePk(String account) {
        return LEASE_PK_PREFIX + account;
    }

    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(POLL_MIN_MS, POLL_MAX_MS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KitbridgeException("KitUnavailable", "interrupted while waiting for a token refresh");
        }
    }
}
