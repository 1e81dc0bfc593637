package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * One authenticated SCIM request: the account, the method, what follows {@code /scim/v2/<account>/}, the query, the
 * parsed body (null when there was none) and the base URL of this account's SCIM service (for meta.location).
 */
record ScimRequest(String account, String method, String resource, String id, Map<String, String> queryParameters,
        JsonNode body, String baseUrl) {

    Optional<String> query(String name) {
        if (queryParameters == null) {
            return Optional.empty();
        }
        return queryParameters.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst();
    }

    JsonNode bodyObject() {
        if (body == null || !body.isObject()) {
            throw ScimError.badRequest("invalidSyntax", "the request body must be a JSON object");
        }
        return body;
    }

    int startIndex() {
        return query("startIndex").map(v -> number("startIndex", v)).map(v -> (int) Math.max(1, Math.min(v, Integer.MAX_VALUE)))
                .orElse(1);
    }

    int count(int max) {
        return query("count").map(v -> number("count", v)).map(v -> (int) Math.max(0, Math.min(v, max))).orElse(max);
    }

    /** excludedAttributes / attributes mention {@code name} (IdPs exclude members of big groups). */
    boolean excludes(String name) {
        boolean excluded = query("excludedAttributes").map(v -> listContains(v, name)).orElse(false);
        boolean notAsked = query("attributes").map(v -> !listContains(v, name)).orElse(false);
        return excluded || notAsked;
    }

    private static boolean listContains(String list, String name) {
        for (String item : list.split(",")) {
            String a = item.trim();
            int colon = a.lastIndexOf(':');
            if (a.equalsIgnoreCase(name) || (colon >= 0 && a.substring(colon + 1).equalsIgnoreCase(name))) {
                return true;
            }
        }
        return false;
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException bad) {
            throw ScimError.badRequest("invalidValue", name + " must be an integer");
        }
    }
}
