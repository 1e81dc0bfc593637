package io.kitbridge.budget;

import io.kitbridge.store.Attr;
import io.kitbridge.store.Items;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a credential's budget item in the control table holds, and its mapping to {@link BudgetState} both ways.
 * {@link RateBudget} owns the key and does the reads and the compare-and-set writes.
 */
final class BudgetItem {
    private static final String TAT = "tat";
    private static final String BULK_TAT = "bulkTat";
    private static final String BLOCKED_UNTIL = "blockedUntil";
    private static final String THROTTLE_STREAK = "throttleStreak";
    /** Sets every attribute of the next state and its version; the names and values are {@link #names} and {@link #values}. */
    static final String SET_STATE = "SET #tat = :tat, #bulkTat = :bulkTat, #blocked = :blocked, #streak = :streak,"
            + " #version = :next";

    private BudgetItem() {
    }

    /** The state an item holds; {@link BudgetState#EMPTY} when there is no item. */
    static BudgetState state(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return BudgetState.EMPTY;
        }
        return new BudgetState(Items.numOr(item, TAT, 0), Items.numOr(item, BULK_TAT, 0),
                Items.numOr(item, BLOCKED_UNTIL, 0), (int) Items.numOr(item, THROTTLE_STREAK, 0),
                Items.numOr(item, Attr.VERSION, 0));
    }

    /** The attribute names {@link #SET_STATE} refers to (a mutable map: the caller adds its condition's). */
    static Map<String, String> names() {
        Map<String, String> names = new HashMap<>();
        names.put("#tat", TAT);
        names.put("#bulkTat", BULK_TAT);
        names.put("#blocked", BLOCKED_UNTIL);
        names.put("#streak", THROTTLE_STREAK);
        names.put("#version", Attr.VERSION);
        return names;
    }

    /** The values {@link #SET_STATE} writes for {@code next} (a mutable map: the caller adds its condition's). */
    static Map<String, AttributeValue> values(BudgetState next) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":tat", Items.n(next.tat()));
        values.put(":bulkTat", Items.n(next.bulkTat()));
        values.put(":blocked", Items.n(next.blockedUntil()));
        values.put(":streak", Items.n(next.throttleStreak()));
        values.put(":next", Items.n(next.version()));
        return values;
    }
}
