package io.kitbridge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.testing.Dynalite;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Template;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class TableDefinitionsTest {

    @Test
    void should_match_template_yaml_when_tables_are_defined_in_code() {
        // GIVEN the code's table definitions and the deployment template
        TableNames names = KitWorld.tableNames("t");
        for (TableDefinitions.Definition definition : TableDefinitions.all(names)) {
            JsonNode props = Template.resource(definition.logicalId()).path("Properties");
            CreateTableRequest code = definition.request();
            // THEN keys, attribute types, indexes, billing and the TTL attribute agree
            assertEquals(keySchema(code.keySchema().stream().map(k -> Map.entry(k.attributeName(), k.keyTypeAsString()))
                    .toList()), keySchema(props.path("KeySchema")), definition.logicalId() + " key schema");
            Map<String, String> codeAttrs = new TreeMap<>();
            code.attributeDefinitions().forEach(a -> codeAttrs.put(a.attributeName(), a.attributeTypeAsString()));
            Map<String, String> templateAttrs = new TreeMap<>();
            props.path("AttributeDefinitions").forEach(a -> templateAttrs.put(a.path("AttributeName").asText(),
                    a.path("AttributeType").asText()));
            assertEquals(codeAttrs, templateAttrs, definition.logicalId() + " attribute definitions");
            assertEquals(code.billingModeAsString(), props.path("BillingMode").asText());
            Set<String> codeIndexes = new HashSet<>();
            code.globalSecondaryIndexes().forEach(g -> codeIndexes.add(g.indexName() + ":" + keySchema(g.keySchema().stream()
                    .map(k -> Map.entry(k.attributeName(), k.keyTypeAsString())).toList()) + ":" + g.projection().projectionTypeAsString()));
            Set<String> templateIndexes = new HashSet<>();
            props.path("GlobalSecondaryIndexes").forEach(g -> templateIndexes.add(g.path("IndexName").asText() + ":"
                    + keySchema(g.path("KeySchema")) + ":" + g.path("Projection").path("ProjectionType").asText()));
            assertEquals(codeIndexes, templateIndexes, definition.logicalId() + " indexes");
            assertEquals(TableDefinitions.ttlAttribute(), props.path("TimeToLiveSpecification").path("AttributeName").asText());
            assertTrue(props.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
            assertEquals("KMS", props.path("SSESpecification").path("SSEType").asText());
        }
    }

    @Test
    void should_refuse_second_conditional_put_when_item_exists_in_dynalite() {
        // GIVEN the tables created from the shared definitions on a real DynamoDB API server
        DynamoDbClient dynamo = KitWorld.client(Dynalite.shared().endpoint());
        TableNames names = KitWorld.tableNames("tabletest" + System.nanoTime());
        TableSetup.createMissing(dynamo, names);
        TableSetup.createMissing(dynamo, names); // idempotent
        TableDescription control = dynamo.describeTable(b -> b.tableName(names.control())).table();
        assertEquals("pk", control.keySchema().get(0).attributeName());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.PK, AttributeValue.fromS("lease#a"));
        item.put(Attr.SK, AttributeValue.fromS("lease"));
        // WHEN two writers both claim the same item only if absent
        dynamo.putItem(b -> b.tableName(names.control()).item(item).conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Attr.PK)));
        // THEN the second is refused
        assertThrows(ConditionalCheckFailedException.class, () -> dynamo.putItem(b -> b.tableName(names.control()).item(item)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Attr.PK))));
    }

    private static String keySchema(Iterable<?> elements) {
        StringBuilder sb = new StringBuilder();
        for (Object e : elements) {
            if (e instanceof JsonNode node) {
                sb.append(node.path("AttributeName").asText()).append('/').append(node.path("KeyType").asText()).append(' ');
            } else if (e instanceof Map.Entry<?, ?> entry) {
                sb.append(entry.getKey()).append('/').append(entry.getValue()).append(' ');
            }
        }
        return sb.toString().trim();
    }
}
