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

    /** A delivery in {@code kind}'s format, received at {@code receivedAt}; the rest is named by the builder. */
    static Builder builder(String kind, String id, String dedupeKey, String type, long receivedAt, String raw) {
        return new Builder(kind, id, dedupeKey, type, receivedAt, raw);
    }

    boolean known() {
        return KitEvents.isKnown(type);
    }

    /** Processable: a known type with a subscriber we can identify. */
    boolean actionable() {
        return problem == null && known() && subscriber != null;
    }

    /** Builds an event by name: only what a delivery carries is set, the rest stays null. */
    static final class Builder {
        private final String kind;
        private final String id;
        private final String dedupeKey;
        private final String type;
        private final String raw;
        private long occurredAt;
        private boolean timed;
        private DeliveredSubscriber subscriber;
        private Long tagId;
        private String tagName;
        private String fieldKey;
        private String fieldValue;
        private String problem;

        private Builder(String kind, String id, String dedupeKey, String type, long receivedAt, String raw) {
            this.kind = kind;
            this.id = id;
            this.dedupeKey = dedupeKey;
            this.type = type;
            this.occurredAt = receivedAt;
            this.raw = raw;
        }

        /** Kit's own event time (signed events): it, not the receipt time, orders the event. */
        Builder occurredAt(long kitTime) {
            this.occurredAt = kitTime;
            this.timed = true;
            return this;
        }

        Builder subscriber(DeliveredSubscriber value) {
            this.subscriber = value;
            return this;
        }

        Builder tag(Long id, String name) {
            this.tagId = id;
            this.tagName = name;
            return this;
        }

        Builder field(String key, String value) {
            this.fieldKey = key;
            this.fieldValue = value;
            return this;
        }

        Builder problem(String value) {
            this.problem = value;
            return this;
        }

        InboundEvent build() {
            return new InboundEvent(kind, id, dedupeKey, type, occurredAt, timed, subscriber, tagId, tagName, fieldKey,
                    fieldValue, raw, problem);
        }
    }

    /** The subscriber object of a delivery ({@code fields} may hold nulls: a cleared value). */
    record DeliveredSubscriber(long id, String email, String firstName, String state, Map<String, String> fields) {
    }
}
