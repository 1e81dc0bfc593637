package io.kitbridge.webhook;

import io.kitbridge.common.Secrets;
import io.kitbridge.store.Attr;
import io.kitbridge.store.Items;
import io.kitbridge.store.TableNames;
import io.kitbridge.store.UpdateExpression;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Webhook secrets in the account's connections item (encrypted at rest with the tables' KMS key). Written with
 * UpdateItem only, so the credentials in the same item survive; read with a projection, so the handler never
 * loads credentials it does not need; cached briefly so a burst of deliveries costs one read.
 */
@ApplicationScoped
public class WebhookSecrets {
    static final String MODE = "webhookMode";
    static final String TOKEN = "webhookToken";
    static final String SECRET = "webhookSecret";
    static final String ENDPOINT_ID = "webhookEndpointId";
    static final String PREVIOUS_TOKEN = "webhookPreviousToken";
    static final String PREVIOUS_SECRET = "webhookPreviousSecret";
    static final String PREVIOUS_UNTIL = "webhookPreviousUntil";
    static final String EVENTS = "webhookEvents";
    static final String UPDATED = "webhookUpdatedAt";
    private static final List<String> ALL = List.of(MODE, TOKEN, SECRET, ENDPOINT_ID, PREVIOUS_TOKEN, PREVIOUS_SECRET,
            PREVIOUS_UNTIL, EVENTS);
    /** An account without secrets (or a forged account name) is re-read at most this often. */
    private static final long NEGATIVE_CACHE_MS = 5_000;
    /** After a failed verification the cached entry may be re-read once per this interval (secret replaced). */
    private static final long RELOAD_INTERVAL_MS = 5_000;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TableNames tables;

    @Inject
    WebhookConfig config;

    @Inject
    Clock clock;

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
        Map<String, String> names = new HashMap<>();
        List<String> projection = new ArrayList<>();
        for (int i = 0; i < ALL.size(); i++) {
            names.put("#a" + i, ALL.get(i));
            projection.add("#a" + i);
        }
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.connections())
                .key(Map.of(Attr.ACCOUNT, Items.s(account))).consistentRead(true)
                .projectionExpression(String.join(", ", projection)).expressionAttributeNames(names)).item();
        AccountWebhooks value = item == null || item.isEmpty() ? AccountWebhooks.none(account)
                : new AccountWebhooks(account, Items.str(item, MODE).orElse(null), Items.str(item, TOKEN).orElse(null),
                        Items.str(item, SECRET).orElse(null), Items.num(item, ENDPOINT_ID).orElse(null),
                        Items.str(item, PREVIOUS_TOKEN).orElse(null), Items.str(item, PREVIOUS_SECRET).orElse(null),
                        Items.numOr(item, PREVIOUS_UNTIL, 0), Items.stringListOf(item, EVENTS));
        register(value);
        long now = clock.millis();
        long ttl = value.isEmpty() ? Math.min(NEGATIVE_CACHE_MS, config.secretCacheTtl().toMillis()) : config.secretCacheTtl().toMillis();
        cache().put(account, new Cached(value, now, now + ttl));
        return value;
    }

    /** Stores the state setup decided on; attributes set to null are removed. Other attributes of the item stay. */
    public void save(AccountWebhooks webhooks) {
        register(webhooks);
        Map<String, AttributeValue> set = new HashMap<>();
        List<String> remove = new ArrayList<>();
        put(set, remove, MODE, webhooks.mode() == null ? null : Items.s(webhooks.mode()));
        put(set, remove, TOKEN, webhooks.token() == null ? null : Items.s(webhooks.token()));
        put(set, remove, SECRET, webhooks.secret() == null ? null : Items.s(webhooks.secret()));
        put(set, remove, ENDPOINT_ID, webhooks.endpointId() == null ? null : Items.n(webhooks.endpointId()));
        put(set, remove, PREVIOUS_TOKEN, webhooks.previousToken() == null ? null : Items.s(webhooks.previousToken()));
        put(set, remove, PREVIOUS_SECRET, webhooks.previousSecret() == null ? null : Items.s(webhooks.previousSecret()));
        boolean previous = webhooks.previousToken() != null || webhooks.previousSecret() != null;
        put(set, remove, PREVIOUS_UNTIL, previous ? Items.n(webhooks.previousUntil()) : null);
        put(set, remove, EVENTS, Items.stringList(webhooks.events() == null ? List.of() : webhooks.events()));
        set.put(UPDATED, Items.n(clock.instant().getEpochSecond()));

        UpdateExpression update = UpdateExpression.of(set, remove);
        dynamo.updateItem(b -> update.applyTo(b.tableName(tables.connections())
                .key(Map.of(Attr.ACCOUNT, Items.s(webhooks.account())))));
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

    private static void put(Map<String, AttributeValue> set, List<String> remove, String name, AttributeValue value) {
        if (value == null) {
            remove.add(name);
        } else {
            set.put(name, value);
        }
    }

    private record Cached(AccountWebhooks value, long loadedAt, long until) {
    }
}
