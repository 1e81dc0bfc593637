package io.kitbridge.store;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The code's view of the three tables. template.yaml defines them for AWS; a test proves the two agree,
 * and tests and the local runner create tables only from here.
 */
public final class TableDefinitions {
    public static final String CONNECTIONS = "Connections";
    public static final String CONTROL = "Control";
    public static final String MIRROR = "Mirror";

    private TableDefinitions() {
    }

    /** Logical resource name (as in template.yaml) → create request. */
    public static List<Definition> all(TableNames names) {
        return List.of(
                new Definition(CONNECTIONS, CreateTableRequest.builder()
                        .tableName(names.connections())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(string(Attr.ACCOUNT))
                        .keySchema(hash(Attr.ACCOUNT))
                        .build()),
                new Definition(CONTROL, CreateTableRequest.builder()
                        .tableName(names.control())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(string(Attr.PK), string(Attr.SK))
                        .keySchema(hash(Attr.PK), range(Attr.SK))
                        .build()),
                new Definition(MIRROR, CreateTableRequest.builder()
                        .tableName(names.mirror())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(string(Attr.ACCOUNT), string(Attr.SK), string(Attr.EMAIL_KEY))
                        .keySchema(hash(Attr.ACCOUNT), range(Attr.SK))
                        .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                                .indexName(Attr.MIRROR_EMAIL_INDEX)
                                .keySchema(hash(Attr.EMAIL_KEY))
                                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                                .build())
                        .build()));
    }

    /** TTL attribute of every table (template.yaml enables TTL on it; code enforces expiry on read). */
    public static String ttlAttribute() {
        return Attr.EXPIRES_AT;
    }

    public record Definition(String logicalId, CreateTableRequest request) {
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
    }
}
