package io.kitbridge.store;

import java.time.Duration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/** Creates the tables from {@link TableDefinitions} where they are missing (tests, local runner). */
public final class TableSetup {
    /**
     * The SDK's default waiter polls every 20 s: a table dynalite reports as CREATING for a moment cost a test
     * class 20 s. Local tables become ACTIVE within milliseconds, so poll often (for at most a minute).
     */
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private TableSetup() {
    }

    public static void createMissing(DynamoDbClient dynamo, TableNames names) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(dynamo)
                .overrideConfiguration(c -> c.backoffStrategyV2(BackoffStrategy.fixedDelay(POLL))
                        .maxAttempts((int) (TIMEOUT.toMillis() / POLL.toMillis())).waitTimeout(TIMEOUT))
                .build()) {
            for (TableDefinitions.Definition definition : TableDefinitions.all(names)) {
                try {
                    dynamo.createTable(definition.request());
                } catch (ResourceInUseException exists) {
                    // already there: creation is idempotent
                }
                waiter.waitUntilTableExists(b -> b.tableName(definition.request().tableName()));
            }
        }
    }
}
