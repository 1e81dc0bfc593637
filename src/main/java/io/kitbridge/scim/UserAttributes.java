package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A SCIM User as a flat map of canonical attribute keys (lower case, sub-attributes joined by '.', extension
 * attributes by their full URN) → value, so PUT bodies, PATCH paths (with or without path, as Okta and Entra send
 * them) and the attribute map all meet on the same keys. {@code emails[type eq "work"].value} and the primary email of
 * an {@code emails} array both become {@code emails.value}.
 */
final class UserAttributes {
    static final String USER_NAME = "username";
    static final String GIVEN_NAME = "name.givenname";
    static final String EMAIL = "emails.value";
    static final String ACTIVE = "active";
    static final String EXTERNAL_ID = "externalid";
    static final Set<String> RESERVED = Set.of(USER_NAME, GIVEN_NAME, EMAIL, ACTIVE, EXTERNAL_ID, "id", "meta", "schemas");
    private static final Set<String> SIMPLE = Set.of(USER_NAME, GIVEN_NAME, ACTIVE, EXTERNAL_ID, "name.familyname",
            "displayname", "title");
    private static final String CORE = "urn:ietf:params:scim:schemas:core:2.0:user:";

    private UserAttributes() {
    }

    static String canonical(String path) {
        String lower = path.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith(CORE)) {
            lower = lower.substring(CORE.length());
        }
        // emails[type eq "work"].value → emails.value (one address per Kit subscriber)
        String compact = lower.replaceAll("\\s+", " ");
        if (compact.matches("emails\\[type eq \"work\"\\]\\.value") || compact.equals("emails") || compact.equals("emails.value")) {
            return EMAIL;
        }
        return lower;
    }

    /** Flattens a resource body (PUT/POST) or a PATCH value object into {@code out}. */
    static void flatten(JsonNode node, String prefix, Map<String, JsonNode> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey().toLowerCase(Locale.ROOT);
            if (prefix.isEmpty() && (name.equals("schemas") || name.equals("meta") || name.equals("id"))) {
                continue;
            }
            String key = prefix.isEmpty() ? canonical(f.getKey()) : prefix + name;
            put(key, f.getValue(), out);
        }
    }

    /** Sets one attribute; objects are merged attribute by attribute, emails arrays reduced to the primary address. */
    static void put(String key, JsonNode value, Map<String, JsonNode> out) {
        if (EMAIL.equals(key) && value != null && value.isArray()) {
            out.put(EMAIL, primaryEmail(value));
        } else if (EMAIL.equals(key) && value != null && value.isObject()) {
            out.put(EMAIL, value.get("value"));
        } else if (value != null && value.isContainerNode() && SIMPLE.contains(key)) {
            throw ScimError.badRequest("invalidValue", key + " must be a single value, not " + value.getNodeType());
        } else if (value != null && value.isObject()) {
            // urn:...:enterprise:2.0:User → its attributes are urn:...:User:<attr>; name → name.<attr>
            flatten(value, key + (key.startsWith("urn:") ? ":" : "."), out);
        } else {
            out.put(key, value);
        }
    }

    /** Removes an attribute and, for a complex one, its sub-attributes. */
    static void remove(String key, Map<String, JsonNode> out) {
        out.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + ".") || k.startsWith(key + ":"));
    }

    private static JsonNode primaryEmail(JsonNode emails) {
        JsonNode chosen = null;
        for (JsonNode e : emails) {
            if (e.path("primary").asBoolean(false) || "true".equalsIgnoreCase(e.path("primary").asText())) {
                return e.get("value");
            }
            if (chosen == null || "work".equalsIgnoreCase(e.path("type").asText())) {
                chosen = e;
            }
        }
        return chosen == null ? null : chosen.get("value");
    }

    static Map<String, JsonNode> empty() {
        return new LinkedHashMap<>();
    }
}
