package io.kitbridge.kit;

import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.LogContext;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.SecretValues;
import io.kitbridge.store.Connection;
import io.kitbridge.store.ConnectionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which credential an account uses. The account "default" may come from configuration
 * (kitbridge.kit.api-key); every other account is a connection in DynamoDB. Results are cached
 * briefly so a burst of calls costs one table read.
 */
@ApplicationScoped
public class CredentialResolver {
    public static final String DEFAULT_ACCOUNT = "default";
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @Inject KitConfig config;

    @Inject ConnectionStore connections;

    @Inject Clock clock;

    @Inject SecretValues secrets;

    @Inject Instance<TokenRefresher> tokenRefresher;

    private static final long REFRESH_RETRY_MILLIS = 1000;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Accounts {@link #requireConnected} found usable, until when. */
    private final Map<String, Long> usable = new ConcurrentHashMap<>();

    public KitCredential resolve(String account) {
        return cached(validateAccount(account)).credential;
    }

    /**
     * The credential for a Kit request about to be sent: as {@link #resolve}, but an OAuth access token within
     * the refresh skew of its expiry is refreshed first (single-flight across Lambdas). Only the gateway uses
     * this, so functions that merely validate an account (lookup) never write tokens.
     */
    public KitCredential resolveForCall(String account) {
        String name = validateAccount(account);
        Cached cached = cached(name);
        long now = clock.millis();
        if (cached.refreshAt > now) {
            return cached.credential;
        }
        invalidate(name); // re-read: another Lambda may have refreshed it already
        Cached loaded = cached(name);
        if (loaded.refreshAt > now || loaded.connection == null) {
            return loaded.credential;
        }
        Connection fresh = tokenRefresher.get().ensureFresh(loaded.connection);
        // a refresh that failed while the token is still valid is tried again a little later, not on every call
        long refreshAt = Math.max(tokenRefresher.get().refreshDueAtMillis(fresh), now + REFRESH_RETRY_MILLIS);
        Cached next = new Cached(KitCredential.oauth(name, fresh.accessToken()), loaded.until, fresh, refreshAt);
        cache.put(name, next);
        return next.credential;
    }

    private Cached cached(String name) {
        Cached cached = cache.get(name);
        long now = clock.millis();
        if (cached != null && cached.until > now) {
            return cached;
        }
        Cached loaded = load(name, now);
        cache.put(name, loaded);
        return loaded;
    }

    /** Forget what we know of an account (after a refresh, a revocation or a new connection). */
    public void invalidate(String account) {
        cache.remove(account);
        usable.remove(account);
    }

    /** Whether "default" uses the configured API key (a value or a Secrets Manager reference), without reading it. */
    public boolean hasConfiguredApiKey() {
        return io.kitbridge.common.SecretValues.configured(config.apiKey(), config.apiKeySecretArn());
    }

    /**
     * For functions that only need to know the account may be used (lookup): the connection's kind and state,
     * read with a projection, so no token or key is loaded. Unknown → InvalidInput, broken → AccountDisconnected.
     */
    public void requireConnected(String account) {
        String name = validateAccount(account);
        if (DEFAULT_ACCOUNT.equals(name) && hasConfiguredApiKey()) {
            return;
        }
        long now = clock.millis();
        Long until = usable.get(name);
        if (until != null && until > now) {
            return; // a burst of lookups costs one read per credential-cache-ttl, like a resolved credential
        }
        ConnectionStore.State state = connections.state(name).orElseThrow(() -> unknown(name));
        if (state.isBroken()) {
            throw disconnected(name, state.statusReason());
        }
        usable.put(name, now + config.credentialCacheTtl().toMillis());
    }

    public static String validateAccount(String account) {
        String name = account == null || account.isBlank() ? DEFAULT_ACCOUNT : account.trim();
        if (!ACCOUNT_NAME.matcher(name).matches()) {
            throw new InvalidInputException("account", "must be 1-64 letters, digits, '.', '_' or '-'");
        }
        // every function validates its account first: from here on, its log lines name it
        LogContext.put(LogContext.ACCOUNT, name);
        return name;
    }

    private Cached load(String account, long now) {
        long until = now + config.credentialCacheTtl().toMillis();
        if (DEFAULT_ACCOUNT.equals(account) && hasConfiguredApiKey()) {
            String key = secrets.resolve(config.apiKey(), config.apiKeySecretArn()).orElseThrow();
            return new Cached(KitCredential.apiKey(account, key), until, null, Long.MAX_VALUE);
        }
        Connection connection = connections.find(account)
                .filter(c -> c.isOauth() ? c.accessToken() != null : c.apiKey() != null)
                .orElseThrow(() -> unknown(account));
        if (connection.isBroken()) {
            throw disconnected(account, connection.statusReason());
        }
        if (connection.isOauth()) {
            long refreshAt = tokenRefresher.isResolvable() ? tokenRefresher.get().refreshDueAtMillis(connection) : Long.MAX_VALUE;
            return new Cached(KitCredential.oauth(account, connection.accessToken()), until, connection, refreshAt);
        }
        return new Cached(KitCredential.apiKey(account, connection.apiKey()), until, null, Long.MAX_VALUE);
    }

    private static InvalidInputException unknown(String account) {
        return new InvalidInputException("account", "no Kit connection named '" + account + "'; connect it with a "
                + "connect link (oauth function) or store an API key"
                + (DEFAULT_ACCOUNT.equals(account) ? " (or set KITBRIDGE_KIT_API_KEY / KITBRIDGE_KIT_API_KEY_SECRET_ARN)" : ""));
    }

    private static KitbridgeException disconnected(String account, String reason) {
        return new KitbridgeException("AccountDisconnected", "account '" + account + "' lost its Kit authorisation ("
                + reason + "); reconnect it with a new connect link");
    }

    /** {@code refreshAt}: when an OAuth token enters its refresh window (MAX_VALUE: never, e.g. API keys). */
    private record Cached(KitCredential credential, long until, Connection connection, long refreshAt) {
    }
}
