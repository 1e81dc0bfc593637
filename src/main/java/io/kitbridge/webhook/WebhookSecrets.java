package io.kitbridge.webhook;

import io.kitbridge.common.Secrets;
import io.kitbridge.store.AccountWebhooks;
import io.kitbridge.store.ConnectionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;

/**
 * Webhook secrets of an account, cached briefly so a burst of deliveries costs one read. They live in the
 * account's connections item, which {@link ConnectionStore} alone reads and writes.
 */
@ApplicationScoped
public class WebhookSecrets {
    /** An account without secrets (or a forged account name) is re-read at most this often. */
    private static final long NEGATIVE_CACHE_MS = 5_000;
    /** After a failed verification the cached entry may be re-read once per this interval (secret replaced). */
    private static final long RELOAD_INTERVAL_MS = 5_000;

    @Inject ConnectionStore connections;

    @Inject WebhookConfig config;

    @Inject Clock clock;

    private volatile BoundedCache<String, Cached> cache;

    private BoundedCache<String, Cached> cache() {
        BoundedCache<String, Cached> c = cache;
        if (c == null) {
            synchronized (this) {
                if (cache == null) {
                    cache = new BoundedCache<>(config.secretCacheSize());
                }
                c = cache;
            }
        }
        return c;
    }

    /** Entries held now (tests: the bound holds under a flood of unknown account names). */
    int cachedAccounts() {
        return cache().size();
    }

    /** Cached view; throws the SDK's exception when DynamoDB cannot be read (the handler answers 503). */
    public AccountWebhooks get(String account) {
        Cached cached = cache().get(account);
        long now = clock.millis();
        if (cached != null && cached.until > now) {
            return cached.value;
        }
        return load(account);
    }

    /**
     * Re-reads after a verification failure, unless the entry was loaded moments ago: a replaced secret is picked
     * up at once, while a flood of forged deliveries still costs at most one read per interval.
     */
    public AccountWebhooks reloadAfterFailure(String account) {
        Cached cached = cache().get(account);
        if (cached != null && clock.millis() - cached.loadedAt < RELOAD_INTERVAL_MS) {
            return cached.value;
        }
        return load(account);
    }

    /** Consistent read, bypassing the cache (setup). */
    public AccountWebhooks load(String account) {
        AccountWebhooks value = connections.webhooks(account);
        register(value);
        long now = clock.millis();
        long ttl = value.isEmpty() ? Math.min(NEGATIVE_CACHE_MS, config.secretCacheTtl().toMillis()) : config.secretCacheTtl().toMillis();
        cache().put(account, new Cached(value, now, now + ttl));
        return value;
    }

    /** Stores the state setup decided on; attributes set to null are removed. The account's credential stays. */
    public void save(AccountWebhooks webhooks) {
        register(webhooks);
        connections.saveWebhooks(webhooks);
        cache().remove(webhooks.account());
    }

    public void invalidate(String account) {
        cache().remove(account);
    }

    private static void register(AccountWebhooks w) {
        Secrets.register(w.token());
        Secrets.register(w.secret());
        Secrets.register(w.previousToken());
        Secrets.register(w.previousSecret());
    }

    private record Cached(AccountWebhooks value, long loadedAt, long until) {
    }
}
