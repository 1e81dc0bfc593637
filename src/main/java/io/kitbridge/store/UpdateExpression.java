package io.kitbridge.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * An UpdateItem that SETs some attributes and REMOVEs others, leaving the rest of the item alone (several owners
 * share one item, e.g. credentials and webhook secrets in a connection). Every name goes through
 * expressionAttributeNames, so reserved words and odd attribute names are safe.
 */
public final class UpdateExpression {
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final String expression;
    private String condition;

    private UpdateExpression(Map<String, AttributeValue> set, Collection<String> remove) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : set.entrySet()) {
            names.put("#s" + i, e.getKey());
            values.put(":s" + i, e.getValue());
            sb.append(i == 0 ? "SET " : ", ").append("#s").append(i).append(" = :s").append(i);
            i++;
        }
        int r = 0;
        for (String name : remove) {
            names.put("#r" + r, name);
            sb.append(r == 0 ? (sb.isEmpty() ? "REMOVE " : " REMOVE ") : ", ").append("#r").append(r);
            r++;
        }
        this.expression = sb.toString();
    }

    public static UpdateExpression of(Map<String, AttributeValue> set, Collection<String> remove) {
        return new UpdateExpression(set, remove);
    }

    /** Only while {@code attribute} equals {@code expected} (optimistic lock); else ConditionalCheckFailedException. */
    public UpdateExpression onlyIf(String attribute, AttributeValue expected) {
        names.put("#cv", attribute);
        values.put(":cv", expected);
        return and("#cv = :cv");
    }

    /** Only while none of {@code attributes} exists on the item (e.g. "no credential stored yet"). */
    public UpdateExpression onlyIfAbsent(String... attributes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < attributes.length; i++) {
            names.put("#na" + i, attributes[i]);
            sb.append(i == 0 ? "" : " AND ").append("attribute_not_exists(#na").append(i).append(')');
        }
        return and(sb.toString());
    }

    private UpdateExpression and(String clause) {
        condition = condition == null ? clause : condition + " AND " + clause;
        return this;
    }

    public String expression() {
        return expression;
    }

    /** Null when unconditional. */
    public String condition() {
        return condition;
    }

    public Map<String, String> names() {
        return Map.copyOf(names);
    }

    public Map<String, AttributeValue> values() {
        return Map.copyOf(values);
    }

    /** Fills in the expression, condition, names and values; the caller sets table and key. */
    public UpdateItemRequest.Builder applyTo(UpdateItemRequest.Builder request) {
        request.updateExpression(expression).conditionExpression(condition).expressionAttributeNames(names());
        // DynamoDB refuses an empty ExpressionAttributeValues (a REMOVE-only update has none)
        return values.isEmpty() ? request : request.expressionAttributeValues(values());
    }
}
