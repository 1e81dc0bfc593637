package io.kitbridge.webhook;

import java.util.Map;

/**
 * One subscriber event as delivered, whatever the format. {@code occurredAt} is Kit's event time for signed
 * events ({@code timed}); legacy deliveries carry none, so it is the receipt time there.
 */
record InboundEvent(String kind, String id, String dedupeKey, String type, long occurredAt, boolean timed,
        DeliveredSubscriber subscriber, Long tagId, String tagName, String fieldKey, String fieldValue,
        String raw, String problem) {

    static final String KIND_LEGACY = "legacy";
    static final String KIND_SIGNED = "signed";

    boolean known() {
        return KitEvents.isKnown(type);
    }

    /** Processable: a known type with a subscriber we can identify. */
    boolean actionable() {
        return problem == null && known() && subscriber != null;
    }

    /** The subscriber object of a delivery ({@code fields} may hold nulls: a cleared value). */
    record DeliveredSubscriber(long id, String email, String firstName, String state, Map<String, String> fields) {
    }
}
