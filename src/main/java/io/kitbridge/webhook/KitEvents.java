package io.kitbridge.webhook;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Kit's subscriber webhook event names ("subscriber.tag_add"); the "subscriber." prefix is optional on input. */
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

    /** Every event a signed endpoint can subscribe to. */
    public static final List<String> ALL = List.of(ACTIVATE, UNSUBSCRIBE, BOUNCE, COMPLAIN, TAG_ADD, TAG_REMOVE,
            FORM_SUBSCRIBE, COURSE_SUBSCRIBE, COURSE_COMPLETE, LINK_CLICK, PRODUCT_PURCHASE, CUSTOM_FIELD_VALUE_UPDATE);

    /** Legacy webhooks cannot carry custom field updates. */
    public static final List<String> LEGACY = ALL.stream().filter(e -> !e.equals(CUSTOM_FIELD_VALUE_UPDATE)).toList();

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
        return ALL.contains(normalized) || CANCEL.equals(normalized);
    }

    public static boolean isTagEvent(String normalized) {
        return TAG_ADD.equals(normalized) || TAG_REMOVE.equals(normalized);
    }

    /** Short name for audit actions: "subscriber.tag_add" → "tag_add". */
    public static String shortName(String normalized) {
        return normalized.startsWith(PREFIX) ? normalized.substring(PREFIX.length()) : normalized;
    }
}
