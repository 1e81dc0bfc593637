package io.kitbridge.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code next} of a batch that stopped early: its input with the same flags, the remaining people, and offset. */
public final class NextInput {
    public static final String PEOPLE = "people";
    public static final String OFFSET = "offset";

    private NextInput() {
    }

    /** {@code input} less its first {@code handled} people; {@code offset} says where the rest start in the original. */
    public static ObjectNode after(JsonNode input, int handled) {
        ObjectNode next = ((ObjectNode) input).deepCopy();
        ArrayNode rest = next.putArray(PEOPLE);
        JsonNode given = input.get(PEOPLE);
        for (int i = handled; i < given.size(); i++) {
            rest.add(given.get(i));
        }
        next.put(OFFSET, input.path(OFFSET).asInt(0) + handled);
        return next;
    }
}
