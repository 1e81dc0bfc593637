package io.kitbridge.scim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * kitbridge.scim.attribute-map parsed: SCIM attribute (canonical lower-case key, as {@link UserAttributes} flattens
 * it) → the path as configured (for rendering) and the Kit custom field key.
 */
final class AttributeMap {
    record Entry(String scimPath, String kitKey) {
    }

    private final Map<String, Entry> byKey;

    private AttributeMap(Map<String, Entry> byKey) {
        this.byKey = Collections.unmodifiableMap(byKey);
    }

    static AttributeMap parse(String spec) {
        Map<String, Entry> out = new LinkedHashMap<>();
        if (spec != null) {
            for (String pair : spec.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.lastIndexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new IllegalArgumentException("kitbridge.scim.attribute-map: '" + pair.trim()
                            + "' is not scimAttribute=kitFieldKey");
                }
                String path = pair.substring(0, eq).trim();
                String key = pair.substring(eq + 1).trim();
                String canonical = UserAttributes.canonical(path);
                if (UserAttributes.RESERVED.contains(canonical)) {
                    throw new IllegalArgumentException("kitbridge.scim.attribute-map: '" + path
                            + "' is mapped by kitbridge itself (userName, name.givenName, emails, active, externalId)");
                }
                out.put(canonical, new Entry(path, key));
            }
        }
        return new AttributeMap(out);
    }

    Map<String, Entry> entries() {
        return byKey;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
