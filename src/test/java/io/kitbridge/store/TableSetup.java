package io.kitbridge.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/** Creates the tables from {@link TableDefinitions} where they are missing (tests, local runner). */
public final class TableSetup {
    private TableSetup() {
    }

    public static void createMissing(DynamoDbClient dynamo, TableNames names) {
        for (TableDefinitions.Definition definition : TableDefinitions.all(names)) {
            try {
                dynamo.createTable(definition.request());
            } catch (ResourceInUseException exists) {
                // already there: creation is idempotent
            }
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(definition.request().tableName()));
        }
    }
}
