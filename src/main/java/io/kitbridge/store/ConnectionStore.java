package io.kitbridge.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The one owner of the connections table: one item per account holding its credential (API key or OAuth tokens)
 * and its webhook secrets. Both halves are written with UpdateItem only, so writing one never loses the other.
 */
@ApplicationScoped
public class ConnectionStore {
    private static final String KIND = "kind";
    private static final String API_KEY = "apiKey";
    private static final String ACCESS_TOKEN = "accessToken";
    private static final String REFRESH_TOKEN = "refreshToken";
    private static final String ACCESS_EXPIRES_AT = "accessExpiresAt";
    private static final String SCOPES = "scopes";
    private static final String STATUS = "status";
    private static final String STATUS_REASON = "statusReason";
    private static final String KIT_ACCOUNT_ID = "kitAccountId";
    private static final String KIT_ACCOUNT_NAME = "kitAccountName";
    private static final String CONNECTED_AT = "connectedAt";
    private static final String WEBHOOK_MODE = "webhookMode";
    private static final String WEBHOOK_TOKEN = "webhookToken";
    private static final String WEBHOOK_SECRET = "webhookSecret";
    private static final String WEBHOOK_ENDPOINT_ID = "webhookEndpointId";
    private static final String WEBHOOK_PREVIOUS_TOKEN = "webhookPreviousToken";
    private static final String WEBHOOK_PREVIOUS_SECRET = "webhookPreviousSecret";
    private static final String WEBHOOK_PREVIOUS_UNTIL = "webhookPreviousUntil";
    private static final String WEBHOOK_EVENTS = "webhookEvents";
    private static final String WEBHOOK_UPDATED = "webhookUpdatedAt";
    /** The webhook half of the item: read with a projection, so the handler never loads credentials. */
    private static final List<String> WEBHOOK_ATTRIBUTES = List.of(WEBHOOK_MODE, WEBHOOK_TOKEN, WEBHOOK_SECRET,
            WEBHOOK_ENDPOINT_ID, WEBHOOK_PREVIOUS_TOKEN, WEBHOOK_PREVIOUS_SECRET, WEBHOOK_PREVIOUS_UNTIL, WEBHOOK_EVENTS);
    /** Everything that makes an item a connection (the item may also hold webhook secrets, which are not one). */
    private static final List<String> CREDENTIAL_ATTRIBUTES = List.of(KIND, API_KEY, ACCESS_TOKEN, REFRESH_TOKEN,
            ACCESS_EXPIRES_AT, SCOPES, STATUS, STATUS_REASON, KIT_ACCOUNT_ID, KIT_ACCOUNT_NAME, CONNECTED_AT);
    /** What may be read without loading a secret: lookup, the operator's list, the callback's decision. */
    private static final List<String> STATE_ATTRIBUTES = List.of(Attr.ACCOUNT, KIND, STATUS, STATUS_REASON,
            KIT_ACCOUNT_ID, KIT_ACCOUNT_NAME, CONNECTED_AT, ACCESS_EXPIRES_AT, Attr.VERSION);

    /**
     * A connection without its secrets: kind, state, which Kit account it reaches (null when it was connected
     * before kitbridge recorded it, or by API key), when it was connected, when its access token expires (0: never).
     */
    public record State(String account, String kind, String status, String statusReason, Long kitAccountId,
            String kitAccountName, long connectedAt, long accessExpiresAt, long version) {
        public boolean isBroken() {
            return Connection.STATUS_BROKEN.equals(status);
        }
    }

    @Inject DynamoDbClient dynamo;

    @Inject TableNames tables;

    @Inject Clock clock;

    /** The connections table: this class is the only one that reaches it. */
    private String table() {
        return tables.connections();
    }

    public Optional<Connection> find(String account) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table())
                .key(Map.of(Attr.ACCOUNT, Items.s(account))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Connection(account,
                Items.strOr(item, KIND, Connection.KIND_API_KEY),
                Items.str(item, API_KEY).orElse(null),
                Items.str(item, ACCESS_TOKEN).orElse(null),
                Items.str(item, REFRESH_TOKEN).orElse(null),
                Items.numOr(item, ACCESS_EXPIRES_AT, 0),
                Items.stringListOf(item, SCOPES),
                Items.numOr(item, Attr.VERSION, 0),
                Items.strOr(item, STATUS, Connection.STATUS_CONNECTED),
                Items.str(item, STATUS_REASON).orElse(null)));
    }

    /** The connection's state (projection: no key or token is read), or empty when the account has none. */
    public Optional<State> state(String account) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table())
                .key(Map.of(Attr.ACCOUNT, Items.s(account))).consistentRead(true)
                .projectionExpression(projection(STATE_ATTRIBUTES, names)).expressionAttributeNames(names)).item();
        return item == null || !item.containsKey(KIND) ? Optional.empty() : Optional.of(state(item));
    }

    /** Every connection, without secrets (Scan with a projection; the table holds one item per account). */
    public List<State> list() {
        Map<String, String> names = new HashMap<>();
        String projection = projection(STATE_ATTRIBUTES, names);
        List<State> out = new java.util.ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table()).consistentRead(true)
                .projectionExpression(projection).expressionAttributeNames(names))
                .items().forEach(item -> {
                    if (item.containsKey(KIND)) {
                        out.add(state(item));
                    }
                });
        out.sort(java.util.Comparator.comparing(State::account));
        return out;
    }

    /**
     * Stores an OAuth connection after a code exchange, with the Kit account it reaches. {@code expectedVersion}
     * null: only if the account has no connection yet; else only while the stored one still has that version.
     * False when the condition failed (another connect or a refresh came first); webhook secrets are kept.
     */
    public boolean connectOauth(String account, String accessToken, String refreshToken, long accessExpiresAt,
            List<String> scopes, long kitAccountId, String kitAccountName, Long expectedVersion) {
        Map<String, AttributeValue> values = oauthValues(accessToken, refreshToken, accessExpiresAt, scopes);
        values.put(KIT_ACCOUNT_ID, Items.n(kitAccountId));
        values.put(KIT_ACCOUNT_NAME, Items.s(kitAccountName == null ? "" : kitAccountName));
        values.put(CONNECTED_AT, Items.n(clock.instant().getEpochSecond()));
        return update(account, values, List.of(API_KEY, STATUS_REASON), expectedVersion, expectedVersion == null);
    }

    /** Removes the account's credential (webhook secrets of the item stay); false when there was none. */
    public boolean disconnect(String account) {
        Map<String, String> names = new HashMap<>();
        StringBuilder remove = new StringBuilder("REMOVE ");
        for (int i = 0; i < CREDENTIAL_ATTRIBUTES.size(); i++) {
            names.put("#r" + i, CREDENTIAL_ATTRIBUTES.get(i));
            remove.append(i == 0 ? "" : ", ").append("#r").append(i);
        }
        names.put("#kind", KIND);
        try {
            dynamo.updateItem(b -> b.tableName(table()).key(Map.of(Attr.ACCOUNT, Items.s(account)))
                    .updateExpression(remove.toString()).conditionExpression("attribute_exists(#kind)")
                    .expressionAttributeNames(names));
            return true;
        } catch (ConditionalCheckFailedException none) {
            return false;
        }
    }

    private static State state(Map<String, AttributeValue> item) {
        return new State(Items.strOr(item, Attr.ACCOUNT, null), Items.strOr(item, KIND, Connection.KIND_API_KEY),
                Items.strOr(item, STATUS, Connection.STATUS_CONNECTED), Items.str(item, STATUS_REASON).orElse(null),
                Items.num(item, KIT_ACCOUNT_ID).orElse(null), Items.str(item, KIT_ACCOUNT_NAME).orElse(null),
                Items.numOr(item, CONNECTED_AT, 0), Items.numOr(item, ACCESS_EXPIRES_AT, 0), Items.numOr(item, Attr.VERSION, 0));
    }

    private static String projection(List<String> attributes, Map<String, String> names) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < attributes.size(); i++) {
            names.put("#p" + i, attributes.get(i));
            p.append(i == 0 ? "" : ", ").append("#p").append(i);
        }
        return p.toString();
    }

    /** Stores (or replaces) an API-key connection; other attributes of the item (webhook secrets) are kept. */
    public void putApiKey(String account, String apiKey) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(KIND, Items.s(Connection.KIND_API_KEY));
        values.put(API_KEY, Items.s(apiKey));
        values.put(STATUS, Items.s(Connection.STATUS_CONNECTED));
        values.put(Attr.VERSION, Items.n(clock.millis()));
        values.put(Attr.UPDATED_AT, Items.n(clock.instant().getEpochSecond()));
        update(account, values, List.of(ACCESS_TOKEN, REFRESH_TOKEN, ACCESS_EXPIRES_AT, STATUS_REASON));
    }

    /** Stores a fresh OAuth connection (after a code exchange); webhook secrets of the item are kept. */
    public void putOauth(String account, String accessToken, String refreshToken, long accessExpiresAt,
            List<String> scopes) {
        update(account, oauthValues(accessToken, refreshToken, accessExpiresAt, scopes), List.of(API_KEY, STATUS_REASON));
    }

    private Map<String, AttributeValue> oauthValues(String accessToken, String refreshToken, long accessExpiresAt,
            List<String> scopes) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(KIND, Items.s(Connection.KIND_OAUTH));
        values.put(ACCESS_TOKEN, Items.s(accessToken));
        values.put(REFRESH_TOKEN, Items.s(refreshToken));
        values.put(ACCESS_EXPIRES_AT, Items.n(accessExpiresAt));
        values.put(SCOPES, Items.stringList(scopes));
        values.put(STATUS, Items.s(Connection.STATUS_CONNECTED));
        values.put(Attr.VERSION, Items.n(clock.millis()));
        values.put(Attr.UPDATED_AT, Items.n(clock.instant().getEpochSecond()));
        return values;
    }

    /**
     * Writes refreshed OAuth tokens only while the item still carries {@code expectedVersion} (optimistic lock):
     * false when another writer (a concurrent refresh, a reconnect, a revocation) came first, so a rotated
     * refresh token is never overwritten by an older one.
     */
    public boolean rotateTokens(String account, long expectedVersion, long newVersion, String accessToken,
            String refreshToken, long accessExpiresAt, List<String> scopes) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(ACCESS_TOKEN, Items.s(accessToken));
        values.put(REFRESH_TOKEN, Items.s(refreshToken));
        values.put(ACCESS_EXPIRES_AT, Items.n(accessExpiresAt));
        values.put(SCOPES, Items.stringList(scopes));
        values.put(Attr.VERSION, Items.n(newVersion));
        values.put(Attr.UPDATED_AT, Items.n(clock.instant().getEpochSecond()));
        return update(account, values, List.of(), expectedVersion);
    }

    /** Marks an OAuth connection broken (every function then reports AccountDisconnected), if still at that version. */
    public boolean markBroken(String account, long expectedVersion, long newVersion, String reason) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(STATUS, Items.s(Connection.STATUS_BROKEN));
        values.put(STATUS_REASON, Items.s(reason));
        values.put(Attr.VERSION, Items.n(newVersion));
        values.put(Attr.UPDATED_AT, Items.n(clock.instant().getEpochSecond()));
        return update(account, values, List.of(), expectedVersion);
    }

    /** SET the given attributes and REMOVE others, without touching the rest of the item. */
    void update(String account, Map<String, AttributeValue> set, List<String> remove) {
        update(account, set, remove, null);
    }

    /** As above, only while the item's version equals {@code expectedVersion} (null: unconditionally). */
    boolean update(String account, Map<String, AttributeValue> set, List<String> remove, Long expectedVersion) {
        return update(account, set, remove, expectedVersion, false);
    }

    /** {@code mustBeNew}: only while the item holds no connection (it may hold webhook secrets). */
    private boolean update(String account, Map<String, AttributeValue> set, List<String> remove, Long expectedVersion,
            boolean mustBeNew) {
        UpdateExpression update = UpdateExpression.of(set, remove);
        if (expectedVersion != null) {
            update.onlyIf(Attr.VERSION, Items.n(expectedVersion));
        }
        if (mustBeNew) {
            update.onlyIfAbsent(KIND, API_KEY, ACCESS_TOKEN);
        }
        try {
            dynamo.updateItem(b -> update.applyTo(b.tableName(table())
                    .key(Map.of(Attr.ACCOUNT, Items.s(account)))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    /** The account's webhook secrets (consistent read, projection: no credential is loaded). */
    public AccountWebhooks webhooks(String account) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table())
                .key(Map.of(Attr.ACCOUNT, Items.s(account))).consistentRead(true)
                .projectionExpression(projection(WEBHOOK_ATTRIBUTES, names)).expressionAttributeNames(names)).item();
        return item == null || item.isEmpty() ? AccountWebhooks.none(account)
                : new AccountWebhooks(account, Items.str(item, WEBHOOK_MODE).orElse(null),
                        Items.str(item, WEBHOOK_TOKEN).orElse(null), Items.str(item, WEBHOOK_SECRET).orElse(null),
                        Items.num(item, WEBHOOK_ENDPOINT_ID).orElse(null),
                        Items.str(item, WEBHOOK_PREVIOUS_TOKEN).orElse(null),
                        Items.str(item, WEBHOOK_PREVIOUS_SECRET).orElse(null),
                        Items.numOr(item, WEBHOOK_PREVIOUS_UNTIL, 0), Items.stringListOf(item, WEBHOOK_EVENTS));
    }

    /** Stores the webhook half of the item; attributes that are null are removed, the credential stays. */
    public void saveWebhooks(AccountWebhooks webhooks) {
        Map<String, AttributeValue> set = new HashMap<>();
        List<String> remove = new java.util.ArrayList<>();
        setOrRemove(set, remove, WEBHOOK_MODE, webhooks.mode() == null ? null : Items.s(webhooks.mode()));
        setOrRemove(set, remove, WEBHOOK_TOKEN, webhooks.token() == null ? null : Items.s(webhooks.token()));
        setOrRemove(set, remove, WEBHOOK_SECRET, webhooks.secret() == null ? null : Items.s(webhooks.secret()));
        setOrRemove(set, remove, WEBHOOK_ENDPOINT_ID, webhooks.endpointId() == null ? null : Items.n(webhooks.endpointId()));
        setOrRemove(set, remove, WEBHOOK_PREVIOUS_TOKEN,
                webhooks.previousToken() == null ? null : Items.s(webhooks.previousToken()));
        setOrRemove(set, remove, WEBHOOK_PREVIOUS_SECRET,
                webhooks.previousSecret() == null ? null : Items.s(webhooks.previousSecret()));
        boolean previous = webhooks.previousToken() != null || webhooks.previousSecret() != null;
        setOrRemove(set, remove, WEBHOOK_PREVIOUS_UNTIL, previous ? Items.n(webhooks.previousUntil()) : null);
        set.put(WEBHOOK_EVENTS, Items.stringList(webhooks.events() == null ? List.of() : webhooks.events()));
        set.put(WEBHOOK_UPDATED, Items.n(clock.instant().getEpochSecond()));
        update(webhooks.account(), set, remove);
    }

    private static void setOrRemove(Map<String, AttributeValue> set, List<String> remove, String name,
            AttributeValue value) {
        if (value == null) {
            remove.add(name);
        } else {
            set.put(name, value);
        }
    }
}
