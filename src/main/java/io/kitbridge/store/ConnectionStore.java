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

    /** Stores (or replaces) an API-key connection. */
    public void putApiKey(String account, String apiKey) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.ACCOUNT, Items.s(account));
        item.put(KIND, Items.s(Connection.KIND_API_KEY));
        item.put(API_KEY, Items.s(apiKey));
        item.put(STATUS, Items.s(Connection.STATUS_CONNECTED));
        item.put(Attr.VERSION, Items.n(1));
        item.put(Attr.UPDATED_AT, Items.n(clock.instant().getEpochSecond()));
        dynamo.putItem(b -> b.tableName(tables.connections()).item(item));
    }

    /** Stores a fresh OAuth connection (after a code exchange); replaces whatever the account had. */
    public void putOauth(String account, String accessToken, String refreshToken, long accessExpiresAt,
            List<String> scopes) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.ACCOUNT, Items.s(account));
        item.put(KIND, Items.s(Connection.KIND_OAUTH));
        item.put(ACCESS_TOKEN, Items.s(accessToken));
        item.put(REFRESH_TOKEN, Items.s(refreshToken));
        item.put(ACCESS_EXPIRES_AT, Items.n(accessExpiresAt));
        item.put(SCOPES, Items.stringList(scopes));
        item.put(STATUS, Items.s(Connection.STATUS_CONNECTED));
        item.put(Attr.VERSION, Items.n(clock.millis()));
        item.put(Attr.UPDATED_AT, Items.n(clock.instant().getEpochSecond()));
        dynamo.putItem(b -> b.tableName(tables.connections()).item(item));
    }
}
