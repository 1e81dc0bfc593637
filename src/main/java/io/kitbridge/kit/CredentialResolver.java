package io.kitbridge.kit;

import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.store.Connection;
import io.kitbridge.store.ConnectionStore;
import jakarta.enterprise.context.ApplicationScoped;
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

    @Inject
    KitConfig config;

    @Inject
    ConnectionStore connections;

    @Inject
    Clock clock;

    @Inject
    jakarta.enterprise.inject.Instance<TokenRefresher> tokenRefresher;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public KitCredential resolve(String account) {
        String name = validateAccount(account);
        Cached cached = cache.get(name);
        long now = clock.millis();
        if (cached != null && cached.until > now) {
            return cached.credential;
        }
        Cached loaded = load(name, now);
        cache.put(name, loaded);
        return loaded.credential;
    }

    /** Forget what we know of an account (after a refresh, a revocation or a new connection). */
    public void invalidate(String account) {
        cache.remove(account);
    }

    public static String validateAccount(String account) {
        String name = account == null || account.isBlank() ? DEFAULT_ACCOUNT : account.trim();
        if (!ACCOUNT_NAME.matcher(name).matches()) {
            throw new InvalidInputException("account", "must be 1-64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    private Cached load(String account, long now) {
        long until = now + config.credentialCacheTtl().toMillis();
        if (DEFAULT_ACCOUNT.equals(account) && config.apiKey().filter(k -> !k.isBlank()).isPresent()) {
            return new Cached(KitCredential.apiKey(account, config.apiKey().get().trim()), until);
        }
        Connection connection = connections.find(account)
                .filter(c -> c.isOauth() ? c.accessToken() != null : c.apiKey() != null)
                .orElseThrow(() -> new InvalidInputException("account",
                "no Kit connection named '" + account + "'; connect it with the oauth function or store an API key"
                        + (DEFAULT_ACCOUNT.equals(account) ? " (or set KITBRIDGE_KIT_API_KEY)" : "")));
        if (connection.isBroken()) {
            throw new KitbridgeException("AccountDisconnected", "account '" + account
                    + "' lost its Kit authorisation (" + connection.statusReason() + "); reconnect it via /oauth/start");
        }
        if (connection.isOauth()) {
            if (tokenRefresher.isResolvable()) {
                // refresh ahead of expiry, and look again once the token enters its refresh window (1 s floor,
                // so a token endpoint outage is not hammered by every call)
                connection = tokenRefresher.get().ensureFresh(connection);
                until = Math.max(now + 1000, Math.min(until, tokenRefresher.get().refreshDueAtMillis(connection)));
            }
            return new Cached(KitCredential.oauth(account, connection.accessToken()), until);
        }
        return new Cached(KitCredential.apiKey(account, connection.apiKey()), until);
    }

    private record Cached(KitCredential credential, long until) {
    }
}
