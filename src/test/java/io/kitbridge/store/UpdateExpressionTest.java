package io.kitbridge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The one SET/REMOVE expression builder (ConnectionStore, WebhookSecrets), without DynamoDB. */
class UpdateExpressionTest {

    @Test
    void should_set_and_remove_through_attribute_names_when_both_are_given() {
        // GIVEN
        Map<String, AttributeValue> set = new LinkedHashMap<>();
        set.put("status", Items.s("connected"));
        set.put("version", Items.n(7));
        // WHEN
        UpdateExpression update = UpdateExpression.of(set, List.of("apiKey", "statusReason"));
        // THEN
        assertEquals("SET #s0 = :s0, #s1 = :s1 REMOVE #r0, #r1", update.expression());
        assertEquals(Map.of("#s0", "status", "#s1", "version", "#r0", "apiKey", "#r1", "statusReason"), update.names());
        assertEquals(Map.of(":s0", Items.s("connected"), ":s1", Items.n(7)), update.values());
        assertNull(update.condition());
    }

    @Test
    void should_guard_on_the_expected_value_when_conditional() {
        // WHEN
        UpdateExpression update = UpdateExpression.of(Map.of("status", Items.s("broken")), List.of())
                .onlyIf(Attr.VERSION, Items.n(3));
        UpdateItemRequest request = update.applyTo(UpdateItemRequest.builder().tableName("t")).build();
        // THEN
        assertEquals("SET #s0 = :s0", request.updateExpression());
        assertEquals("#cv = :cv", request.conditionExpression());
        assertEquals(Attr.VERSION, request.expressionAttributeNames().get("#cv"));
        assertEquals(Items.n(3), request.expressionAttributeValues().get(":cv"));
    }

    @Test
    void should_send_no_attribute_values_when_the_update_only_removes() {
        // GIVEN DynamoDB refuses an empty ExpressionAttributeValues map
        // WHEN
        UpdateItemRequest request = UpdateExpression.of(Map.of(), List.of("webhookToken"))
                .applyTo(UpdateItemRequest.builder().tableName("t")).build();
        // THEN
        assertEquals("REMOVE #r0", request.updateExpression());
        assertFalse(request.hasExpressionAttributeValues());
    }
}
