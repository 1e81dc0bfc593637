package io.kitbridge.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem and BatchGetItem for any number of items. DynamoDB takes 25 puts or 100 keys a call and may leave
 * some unprocessed when a partition is busy: those are sent again after a backoff (20 ms, doubling), and what is
 * still unprocessed after {@value #MAX_ATTEMPTS} calls fails the work instead of being dropped.
 */
final class BatchCalls {
    static final int WRITE_LIMIT = 25;
    static final int GET_LIMIT = 100;
    private static final int MAX_ATTEMPTS = 8;

    private BatchCalls() {
    }

    /** Unconditional whole-item puts. */
    static void putAll(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += WRITE_LIMIT) {
            List<WriteRequest> chunk = items.subList(i, Math.min(items.size(), i + WRITE_LIMIT)).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                    .toList();
            Map<String, List<WriteRequest>> pending = Map.of(table, chunk);
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                backOff(attempt, "items");
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
                boolean left = response.hasUnprocessedItems()
                        && response.unprocessedItems().values().stream().anyMatch(l -> !l.isEmpty());
                pending = left ? response.unprocessedItems() : Map.of();
            }
        }
    }

    /** The items at these keys, read consistently; a key with no item adds nothing. */
    static List<Map<String, AttributeValue>> getAll(DynamoDbClient dynamo, String table,
            List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += GET_LIMIT) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(i, Math.min(keys.size(), i + GET_LIMIT))).consistentRead(true).build());
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                backOff(attempt, "keys");
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(request));
                out.addAll(response.responses().getOrDefault(table, List.of()));
                boolean left = response.hasUnprocessedKeys()
                        && response.unprocessedKeys().values().stream().anyMatch(k -> k.hasKeys() && !k.keys().isEmpty());
                pending = left ? response.unprocessedKeys() : Map.of();
            }
        }
        return out;
    }

    /** Before call number {@code attempt} (from 0): no wait before the first, then 20 ms doubling. */
    private static void backOff(int attempt, String what) {
        if (attempt == 0) {
            return;
        }
        if (attempt >= MAX_ATTEMPTS) {
            throw new IllegalStateException("DynamoDB left " + what + " unprocessed after " + MAX_ATTEMPTS + " attempts");
        }
        try {
            Thread.sleep(20L << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed " + what, e);
        }
    }
}
