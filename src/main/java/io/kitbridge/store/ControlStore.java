package io.kitbridge.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Primitives on the control table, built from conditional writes only (dynalite has no transactions) and
 * with expiry enforced in code (TTL deletes late; dynalite never): caches, leases, dedupe records,
 * single-use records and windowed counters.
 */
@ApplicationScoped
public class ControlStore {
    public static final String OWNER = "owner";
    public static final String COUNT = "count";

    @Inject DynamoDbClient dynamo;

    @Inject TableNames tables;

    @Inject Clock clock;

    /** The control table: the only one these primitives reach. */
    private String table() {
        return tables.control();
    }

    /** The item, unless absent or expired. */
    public Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table()).key(key(pk, sk))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || Items.isExpired(item, nowSeconds())) {
            return Optional.empty();
        }
        return Optional.of(item);
    }

    /** Unconditional write; {@code ttl} null means it never expires. */
    public void put(String pk, String sk, Map<String, AttributeValue> attributes, Duration ttl) {
        dynamo.putItem(b -> b.tableName(table()).item(item(pk, sk, attributes, ttl)));
    }

    /** An item to write with {@link #putAll}. */
    public record NewItem(String pk, String sk, Map<String, AttributeValue> attributes) {
    }

    /**
     * Unconditional writes in BatchWriteItem calls of 25 (UnprocessedItems retried with backoff): one call where
     * {@link #put} would take 25. Each item expires {@code ttl} from now (null: never).
     */
    public void putAll(List<NewItem> items, Duration ttl) {
        BatchCalls.putAll(dynamo, table(), items.stream().map(n -> item(n.pk(), n.sk(), n.attributes(), ttl)).toList());
    }

    /** A page of a partition: live items in sort key order, and the sort key to continue after (null: the end). */
    public record Page(List<Map<String, AttributeValue>> items, String after) {
    }

    /**
     * Up to {@code limit} live items of partition {@code pk} with sort keys after {@code afterSk} (null: from the
     * first), in sort key order: one consistent Query of {@code limit + 1} items, the extra one only telling
     * whether there is more.
     */
    public Page page(String pk, String afterSk, int limit) {
        Map<String, String> names = afterSk == null ? Map.of("#pk", Attr.PK) : Map.of("#pk", Attr.PK, "#sk", Attr.SK);
        Map<String, AttributeValue> values = afterSk == null ? Map.of(":pk", Items.s(pk))
                : Map.of(":pk", Items.s(pk), ":after", Items.s(afterSk));
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            int want = limit + 1 - found.size();
            QueryResponse response = dynamo.query(b -> b.tableName(table()).consistentRead(true)
                    .keyConditionExpression(afterSk == null ? "#pk = :pk" : "#pk = :pk AND #sk > :after")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .exclusiveStartKey(exclusiveStart).limit(want));
            found.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && found.size() <= limit);
        boolean more = found.size() > limit;
        List<Map<String, AttributeValue>> items = found.subList(0, Math.min(limit, found.size()));
        String after = more ? Items.strOr(items.get(items.size() - 1), Attr.SK, null) : null;
        long now = nowSeconds();
        return new Page(items.stream().filter(i -> !Items.isExpired(i, now)).toList(), after);
    }

    /** Creates the item only if it is absent or expired: true for the first caller (dedupe, single claim). */
    public boolean putIfAbsent(String pk, String sk, Map<String, AttributeValue> attributes, Duration ttl) {
        try {
            dynamo.putItem(b -> b.tableName(table()).item(item(pk, sk, attributes, ttl))
                    .conditionExpression("attribute_not_exists(#pk) OR #expiresAt <= :now")
                    .expressionAttributeNames(Map.of("#pk", Attr.PK, "#expiresAt", Attr.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":now", Items.n(nowSeconds()))));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * Takes or renews a lease: succeeds when nobody holds it, the holder's lease expired, or {@code owner}
     * already holds it (a retried invocation re-enters its own lease).
     */
    public boolean acquireLease(String pk, String sk, String owner, Duration ttl, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> attrs = new HashMap<>(attributes);
        attrs.put(OWNER, Items.s(owner));
        try {
            dynamo.putItem(b -> b.tableName(table()).item(item(pk, sk, attrs, ttl))
                    .conditionExpression("attribute_not_exists(#pk) OR #expiresAt <= :now OR #owner = :owner")
                    .expressionAttributeNames(Map.of("#pk", Attr.PK, "#expiresAt", Attr.EXPIRES_AT, "#owner", OWNER))
                    .expressionAttributeValues(Map.of(":now", Items.n(nowSeconds()), ":owner", Items.s(owner))));
            return true;
        } catch (ConditionalCheckFailedException heldByAnother) {
            return false;
        }
    }

    /** Releases the lease if {@code owner} still holds it. */
    public boolean releaseLease(String pk, String sk, String owner) {
        try {
            dynamo.deleteItem(b -> b.tableName(table()).key(key(pk, sk))
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", OWNER))
                    .expressionAttributeValues(Map.of(":owner", Items.s(owner))));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            return false;
        }
    }

    /** Deletes and returns the item in one step: a single-use record (OAuth state) can be consumed once. */
    public Optional<Map<String, AttributeValue>> consume(String pk, String sk) {
        Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table()).key(key(pk, sk))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        if (old == null || old.isEmpty() || Items.isExpired(old, nowSeconds())) {
            return Optional.empty();
        }
        return Optional.of(old);
    }

    /**
     * Atomically adds one to a counter and returns the new value; the counter lives until {@code ttl}
     * after its first increment (a fixed window keyed by the caller, e.g. per hour).
     */
    public long increment(String pk, String sk, Duration ttl) {
        Map<String, AttributeValue> attrs = dynamo.updateItem(b -> b.tableName(table()).key(key(pk, sk))
                .updateExpression("ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expires)")
                .expressionAttributeNames(Map.of("#count", COUNT, "#expiresAt", Attr.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":one", Items.n(1), ":expires", Items.n(nowSeconds() + ttl.toSeconds())))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return Items.numOr(attrs, COUNT, 1);
    }

    /** Adds {@code delta} to an existing counter (e.g. -1 to give back a reservation). */
    public void add(String pk, String sk, long delta) {
        dynamo.updateItem(b -> b.tableName(table()).key(key(pk, sk))
                .updateExpression("ADD #count :delta")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#count", COUNT, "#pk", Attr.PK))
                .expressionAttributeValues(Map.of(":delta", Items.n(delta))));
    }

    /** Current counter value (0 when absent or expired). */
    public long count(String pk, String sk) {
        return get(pk, sk).map(item -> Items.numOr(item, COUNT, 0)).orElse(0L);
    }

    /** Every live item of partition {@code pk} whose sort key starts with {@code skPrefix} (paged Query). */
    public List<Map<String, AttributeValue>> itemsWithPrefix(String pk, String skPrefix) {
        return liveItems(pk, skPrefix);
    }

    /** Every unexpired item of one partition, in sort key order (paged Query, consistent). */
    public List<Map<String, AttributeValue>> partition(String pk) {
        return liveItems(pk, null);
    }

    // DynamoDB refuses an empty string in a key condition, so "the whole partition" is a condition without begins_with
    private List<Map<String, AttributeValue>> liveItems(String pk, String skPrefix) {
        long now = nowSeconds();
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        boolean prefixed = skPrefix != null && !skPrefix.isEmpty();
        Map<String, String> names = prefixed ? Map.of("#pk", Attr.PK, "#sk", Attr.SK) : Map.of("#pk", Attr.PK);
        Map<String, AttributeValue> values = prefixed ? Map.of(":pk", Items.s(pk), ":prefix", Items.s(skPrefix))
                : Map.of(":pk", Items.s(pk));
        dynamo.queryPaginator(b -> b.tableName(table()).consistentRead(true)
                .keyConditionExpression(prefixed ? "#pk = :pk AND begins_with(#sk, :prefix)" : "#pk = :pk")
                .expressionAttributeNames(names).expressionAttributeValues(values))
                .items().forEach(item -> {
                    if (!Items.isExpired(item, now)) {
                        out.add(item);
                    }
                });
        return out;
    }

    public void delete(String pk, String sk) {
        dynamo.deleteItem(b -> b.tableName(table()).key(key(pk, sk)));
    }

    public long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    private Map<String, AttributeValue> item(String pk, String sk, Map<String, AttributeValue> attributes, Duration ttl) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put(Attr.PK, Items.s(pk));
        item.put(Attr.SK, Items.s(sk));
        if (ttl != null) {
            item.put(Attr.EXPIRES_AT, Items.n(nowSeconds() + Math.max(1, ttl.toSeconds())));
        }
        return item;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Attr.PK, Items.s(pk), Attr.SK, Items.s(sk));
    }
}
