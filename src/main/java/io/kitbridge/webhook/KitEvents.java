package io.kitbridge.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Kit's subscriber webhook event names, in both generations, and the one internal event model they map onto.
 * Internally an event is named by its legacy name ("subscriber.tag_add"; the "subscriber." prefix is optional on
 * input), which is what /v4/webhooks registers. Signed endpoints (/v4/webhook_endpoints) have their own catalog
 * ("subscriber.tag_added", kit-v4-deltas.md "Webhook endpoint event types") and refuse any other name with 422:
 * {@link #catalogName} and {@link #fromCatalog} translate at the boundary.
 */
public final class KitEvents {
    public static final String PREFIX = "subscriber.";
    public static final String ACTIVATE = "subscriber.subscriber_activate";
    public static final String UNSUBSCRIBE = "subscriber.subscriber_unsubscribe";
    public static final String BOUNCE = "subscriber.subscriber_bounce";
    public static final String COMPLAIN = "subscriber.subscriber_complain";
    public static final String TAG_ADD = "subscriber.tag_add";
    public static final String TAG_REMOVE = "subscriber.tag_remove";
    public static final String FORM_SUBSCRIBE = "subscriber.form_subscribe";
    public static final String COURSE_SUBSCRIBE = "subscriber.course_subscribe";
    public static final String COURSE_COMPLETE = "subscriber.course_complete";
    public static final String LINK_CLICK = "subscriber.link_click";
    public static final String PRODUCT_PURCHASE = "subscriber.product_purchase";
    public static final String CUSTOM_FIELD_VALUE_UPDATE = "subscriber.custom_field_value_update";
    /** Not a documented event name: tolerated as an unsubscribe, since Kit calls the resulting state "cancelled". */
    public static final String CANCEL = "subscriber.subscriber_cancel";

    /** A new subscriber (catalog {@code subscriber.created}; legacy webhooks have no such event). */
    public static final String CREATE = "subscriber.subscriber_create";

    /** Every event the handler understands (signed deliveries may carry any of them). */
    public static final List<String> ALL = List.of(ACTIVATE, UNSUBSCRIBE, BOUNCE, COMPLAIN, TAG_ADD, TAG_REMOVE,
            FORM_SUBSCRIBE, COURSE_SUBSCRIBE, COURSE_COMPLETE, LINK_CLICK, PRODUCT_PURCHASE, CUSTOM_FIELD_VALUE_UPDATE);

    /** What /v4/webhooks registers: legacy webhooks cannot carry custom field updates. */
    public static final List<String> LEGACY = ALL.stream().filter(e -> !e.equals(CUSTOM_FIELD_VALUE_UPDATE)).toList();

    /** Kit's webhook-endpoint catalog name of each internal event that has one (kit-v4-deltas.md). */
    private static final Map<String, String> CATALOG = catalog();

    /** Every catalog name a signed endpoint may subscribe to, in the catalog's order. */
    public static final List<String> CATALOG_NAMES = List.copyOf(CATALOG.values());

    /** The catalog events that change identity state: what signed setup subscribes to by default. */
    public static final List<String> IDENTITY_CATALOG_NAMES = List.of("subscriber.created", "subscriber.activated",
            "subscriber.unsubscribed", "subscriber.bounced", "subscriber.complained", "subscriber.tag_added",
            "subscriber.tag_removed");

    private static Map<String, String> catalog() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CREATE, "subscriber.created");
        m.put(ACTIVATE, "subscriber.activated");
        m.put(UNSUBSCRIBE, "subscriber.unsubscribed");
        m.put(BOUNCE, "subscriber.bounced");
        m.put(COMPLAIN, "subscriber.complained");
        m.put(FORM_SUBSCRIBE, "subscriber.subscribed_to_form");
        m.put(COURSE_SUBSCRIBE, "subscriber.added_to_sequence");
        m.put(COURSE_COMPLETE, "subscriber.sequence_completed");
        m.put(TAG_ADD, "subscriber.tag_added");
        m.put(TAG_REMOVE, "subscriber.tag_removed");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The catalog name for an event given in either generation ("tag_add", "subscriber.tag_added"); empty if none. */
    public static Optional<String> catalogName(String name) {
        Optional<String> n = normalize(name);
        if (n.isEmpty()) {
            return n;
        }
        if (CATALOG.containsValue(n.get())) {
            return n;
        }
        return Optional.ofNullable(CATALOG.get(n.get()));
    }

    /** The internal event of a delivered type: catalog names are translated, legacy names kept. */
    public static String fromCatalog(String normalized) {
        for (Map.Entry<String, String> e : CATALOG.entrySet()) {
            if (e.getValue().equals(normalized)) {
                return e.getKey();
            }
        }
        return normalized;
    }

    private KitEvents() {
    }

    /** "tag_add" or "Subscriber.Tag_Add" → "subscriber.tag_add"; empty when blank. */
    public static Optional<String> normalize(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Optional.of(n.startsWith(PREFIX) ? n : PREFIX + n);
    }

    public static boolean isKnown(String normalized) {
        return ALL.contains(normalized) || CANCEL.equals(normalized) || CREATE.equals(normalized);
    }

    public static boolean isTagEvent(String normalized) {
        return TAG_ADD.equals(normalized) || TAG_REMOVE.equals(normalized);
    }

    /** Short name for audit actions: "subscriber.tag_add" → "tag_add". */
    public static String shortName(String normalized) {
        return normalized.startsWith(PREFIX) ? normalized.substring(PREFIX.length()) : normalized;
    }
}
