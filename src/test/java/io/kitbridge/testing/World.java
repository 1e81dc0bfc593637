package io.kitbridge.testing;

import io.kitbridge.sim.KitSimulator;
import io.kitbridge.store.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What a test sees of its world: the Kit simulator, DynamoDB (dynalite) and the table names in use. */
public record World(String id, KitSimulator kit, DynamoDbClient dynamo, TableNames tables, String apiKey) {
}
