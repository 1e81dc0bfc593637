package io.kitbridge.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The budget item's mapping, without DynamoDB. */
class BudgetItemTest {

    @Test
    void should_read_back_the_state_the_update_expression_writes() {
        // GIVEN a state in which every attribute differs
        BudgetState next = new BudgetState(1_001, 2_002, 3_003, 4, 5);
        Map<String, String> names = BudgetItem.names();
        Map<String, AttributeValue> values = BudgetItem.values(next);
        // WHEN each "#name = :value" of the SET expression is applied to an empty item, as DynamoDB would
        Map<String, AttributeValue> item = new HashMap<>();
        Matcher set = Pattern.compile("(#\\w+) = (:\\w+)").matcher(BudgetItem.SET_STATE);
        while (set.find()) {
            item.put(names.get(set.group(1)), values.get(set.group(2)));
        }
        // THEN the item reads back as the state written (a name or value the expression lost would read as 0)
        assertEquals(next, BudgetItem.state(item));
    }

    @Test
    void should_read_the_empty_state_when_there_is_no_item() {
        assertEquals(BudgetState.EMPTY, BudgetItem.state(null));
        assertEquals(BudgetState.EMPTY, BudgetItem.state(Map.of()));
    }
}
