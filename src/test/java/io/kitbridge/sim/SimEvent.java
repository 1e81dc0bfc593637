package io.kitbridge.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * A subscriber event to deliver to webhooks. {@code subscriber} is a snapshot taken at mutation time.
 *
 * @param tagId -1 unless a tag event
 */
record SimEvent(String type, ObjectNode subscriber, ObjectNode tag, long tagId, ObjectNode customField,
                Instant created) {

    static final String ACTIVATE = "subscriber.subscriber_activate";
    static final String UNSUBSCRIBE = "subscriber.subscriber_unsubscribe";
    static final String BOUNCE = "subscriber.subscriber_bounce";
    static final String COMPLAIN = "subscriber.subscriber_complain";
    static final String TAG_ADD = "subscriber.tag_add";
    static final String TAG_REMOVE = "subscriber.tag_remove";
    static final String FORM_SUBSCRIBE = "subscriber.form_subscribe";
    static final String COURSE_SUBSCRIBE = "subscriber.course_subscribe";
    static final String COURSE_COMPLETE = "subscriber.course_complete";
    static final String LINK_CLICK = "subscriber.link_click";
    static final String PRODUCT_PURCHASE = "subscriber.product_purchase";
    static final String CUSTOM_FIELD_VALUE_UPDATE = "subscriber.custom_field_value_update";

    /** Subscriber created: no legacy webhook event, catalog {@code subscriber.created}. */
    static final String CREATE = "subscriber.subscriber_create";

    /**
     * The webhook-endpoint catalog (kit-v4-deltas.md "Webhook endpoint event types"): its own names, not the legacy
     * ones; create/update refuse anything else with 422. Mapped from the legacy types the engine publishes; link
     * clicks, purchases and custom field updates have no catalog event and are not delivered to endpoints.
     */
    static final java.util.Map<String, String> CATALOG = java.util.Map.of(
            CREATE, "subscriber.created",
            ACTIVATE, "subscriber.activated",
            UNSUBSCRIBE, "subscriber.unsubscribed",
            BOUNCE, "subscriber.bounced",
            COMPLAIN, "subscriber.complained",
            FORM_SUBSCRIBE, "subscriber.subscribed_to_form",
            COURSE_SUBSCRIBE, "subscriber.added_to_sequence",
            COURSE_COMPLETE, "subscriber.sequence_completed",
            TAG_ADD, "subscriber.tag_added",
            TAG_REMOVE, "subscriber.tag_removed");

    /** The catalog name of an engine event type, or null when endpoints never receive it. */
    static String catalogName(String type) {
        return CATALOG.get(type);
    }

    static boolean isCatalogName(String name) {
        return CATALOG.containsValue(name);
    }

    static final java.util.List<String> ALL = java.util.List.of(ACTIVATE, UNSUBSCRIBE, BOUNCE, COMPLAIN, TAG_ADD,
            TAG_REMOVE, FORM_SUBSCRIBE, COURSE_SUBSCRIBE, COURSE_COMPLETE, LINK_CLICK, PRODUCT_PURCHASE,
            CUSTOM_FIELD_VALUE_UPDATE);

    /** Full event name ("subscriber.x") for "x" or "subscriber.x", or null when unknown. */
    static String normalize(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (!n.startsWith("subscriber.")) {
            n = "subscriber." + n;
        }
        return ALL.contains(n) ? n : null;
    }
}
