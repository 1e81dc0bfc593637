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

/** Account connections (connections table): API keys and OAuth tokens, one item per account. */
@ApplicationScoped
public class ConnectionStore {
    static final String KIND = "kind";
    static final String API_KEY = "apiKey";
    static final String ACCESS_TOKEN = "accessToken";
    static final String REFRESH_TOKEN = "refreshToken";
    static final String ACCESS_EXPIRES_AT = "accessExpiresAt";
    static final String SCOPES = "scopes";
    static final String STATUS = "status";
    static final String STATUS_REASON = "statusReason";

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TableNames tables;

    @Inject
    Clock clock;

    public Optional<Connection> find(String account) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.connections())
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
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(KIND, Items.s(Connection.KIND_OAUTH));
        values.put(ACCESS_TOKEN, Items.s(accessToken));
        values.put(REFRESH_TOKEN, Items.s(refreshToken));
        values.put(ACCESS_EXPIRES_AT, Items.n(accessExpiresAt));
        values.put(SCOPES, Items.stringList(scopes));
        values.put(STATUS, Items.s(Connection.STATUS_CONNECTED));
        values.put(Attr.VERSION, Items.n(clock.millis()));
        values.put(Attr.UPDATED_AT, Items.n(clock.instant().getEpochSecond()));
        update(account, values, List.of(API_KEY, STATUS_REASON));
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
        UpdateExpression update = UpdateExpression.of(set, remove);
        if (expectedVersion != null) {
            update.onlyIf(Attr.VERSION, Items.n(expectedVersion));
        }
        try {
            dynamo.updateItem(b -> update.applyTo(b.tableName(tables.connections())
                    .key(Map.of(Attr.ACCOUNT, Items.s(account)))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }
}
