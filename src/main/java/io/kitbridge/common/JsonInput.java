package io.kitbridge.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads function input leniently in shape and strictly in type: every problem becomes an
 * InvalidInputException naming the exact field (e.g. "people[3].fields.plan").
 */
public final class JsonInput {
    private JsonInput() {
    }

    public static JsonNode object(JsonNode input, String field) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            throw new InvalidInputException(field, "is required");
        }
        if (!input.isObject()) {
            throw new InvalidInputException(field, "must be a JSON object");
        }
        return input;
    }

    public static Optional<String> string(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new InvalidInputException(path + name, "must be a string");
        }
        return Optional.of(node.asText());
    }

    public static boolean bool(JsonNode parent, String name, String path, boolean fallback) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new InvalidInputException(path + name, "must be true or false");
        }
        return node.asBoolean();
    }

    public static Optional<Long> positiveLong(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() <= 0) {
            throw new InvalidInputException(path + name, "must be a positive integer");
        }
        return Optional.of(node.asLong());
    }

    /** Custom field values: strings or numbers (kept as Kit stores them, as text); null clears a field. */
    public static Map<String, String> fieldMap(JsonNode parent, String name, String path, int maxEntries) {
        JsonNode node = parent.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new InvalidInputException(path + name, "must be an object of custom field key → value");
        }
        if (node.size() > maxEntries) {
            throw new InvalidInputException(path + name, "has " + node.size() + " entries; at most " + maxEntries + " allowed");
        }
        node.fields().forEachRemaining(e -> {
            String key = e.getKey().trim();
            if (key.isEmpty()) {
                throw new InvalidInputException(path + name, "has an empty key");
            }
            JsonNode value = e.getValue();
            if (value.isNull()) {
                out.put(key, null);
            } else if (value.isTextual() || value.isNumber()) {
                out.put(key, value.asText());
            } else {
                throw new InvalidInputException(path + name + "." + key, "must be a string or a number");
            }
        });
        return out;
    }

    public static List<String> stringList(JsonNode parent, String name, String path, int maxEntries, int maxLength) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidInputException(path + name, "must be an array of strings");
        }
        if (node.size() > maxEntries) {
            throw new InvalidInputException(path + name, "has " + node.size() + " entries; at most " + maxEntries + " allowed");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new InvalidInputException(path + name + "[" + i + "]", "must be a non-empty string");
            }
            if (item.asText().trim().length() > maxLength) {
                throw new InvalidInputException(path + name + "[" + i + "]", "is longer than " + maxLength + " characters");
            }
            out.add(item.asText().trim());
        }
        return new ArrayList<>(out);
    }
}
