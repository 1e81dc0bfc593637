package io.kitbridge.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a delivery body into events. Strict about the envelope (not JSON, or not the documented shape: 400),
 * tolerant inside it: an event we cannot use is kept for inspection and acknowledged, never rejected.
 */
final class DeliveryParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STORED_RAW = 32 * 1024;
    /** Longest event id used as given in keys and records; longer ids are replaced by their digest. */
    static final int MAX_KEY_ID = 200;
    /** Kit did not exist before this: an earlier event time is garbage, not history. */
    static final long EARLIEST_EVENT_MILLIS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    private DeliveryParser() {
    }

    /** The body is not something Kit sends; the handler answers 400. */
    static final class MalformedDelivery extends Exception {
        MalformedDelivery(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code {"subscriber": {...}}}; the event name and tag id come from the URL Kit was given at registration. */
    static InboundEvent legacy(byte[] body, String eventParam, String tagIdParam, long receivedAt) throws MalformedDelivery {
        JsonNode root = parse(body);
        JsonNode subscriberNode = root.get("subscriber");
        if (subscriberNode == null || !subscriberNode.isObject()) {
            throw new MalformedDelivery("a legacy delivery must be {\"subscriber\": {...}}");
        }
        InboundEvent.DeliveredSubscriber subscriber = subscriber(subscriberNode);
        if (subscriber == null) {
            throw new MalformedDelivery("subscriber.id must be a positive integer");
        }
        String type = KitEvents.normalize(eventParam).orElse(KitEvents.PREFIX + "unnamed");
        Long tagId = parseId(tagIdParam);
        String raw = new String(body, StandardCharsets.UTF_8);
        // no event id in legacy bodies: a retry is recognised by what it says, for whom, about which event
        String digest = sha256(type + "\n" + tagId + "\n" + subscriber.id() + "\n" + raw);
        return InboundEvent.builder(InboundEvent.KIND_LEGACY, "legacy:" + digest.substring(0, 16), "legacy#" + digest,
                type, receivedAt, truncate(raw)).subscriber(subscriber).tag(tagId, null).build();
    }

    /**
     * {@code {"delivery_id": "...", "events": [{id, type, created, data}]}}. An event time that is unreadable, before
     * 2000 or more than {@code maxFutureMillis} ahead of our clock would corrupt the mirror's ordering (a far-future
     * event could never be superseded): the delivery is refused with 400.
     */
    static List<InboundEvent> signed(byte[] body, long receivedAt, long maxFutureMillis) throws MalformedDelivery {
        JsonNode root = parse(body);
        JsonNode events = root.get("events");
        if (events == null || !events.isArray()) {
            throw new MalformedDelivery("a signed delivery must be {\"delivery_id\": ..., \"events\": [...]}");
        }
        List<InboundEvent> out = new ArrayList<>(events.size());
        for (JsonNode ev : events) {
            InboundEvent parsed = signedEvent(ev, receivedAt);
            if (parsed.timed() && (parsed.occurredAt() < EARLIEST_EVENT_MILLIS
                    || parsed.occurredAt() > receivedAt + maxFutureMillis)) {
                throw new MalformedDelivery("event " + parsed.id() + " has an out-of-range created time");
            }
            out.add(parsed);
        }
        return out;
    }

    private static InboundEvent signedEvent(JsonNode ev, long receivedAt) throws MalformedDelivery {
        String raw = ev.toString();
        if (!ev.isObject()) {
            String digest = sha256(raw);
            return InboundEvent.builder(InboundEvent.KIND_SIGNED, "unparsed:" + digest.substring(0, 16),
                    "event#" + digest, KitEvents.PREFIX + "unparsed", receivedAt, truncate(raw))
                    .problem("event is not an object").build();
        }
        JsonNode idNode = ev.get("id");
        String id = idNode != null && (idNode.isTextual() || idNode.isIntegralNumber()) && !idNode.asText().isBlank()
                ? keyableId(idNode.asText().trim()) : "digest:" + sha256(raw).substring(0, 32);
        // catalog names ("subscriber.tag_added") and legacy names map onto the one internal model
        String type = KitEvents.normalize(ev.path("type").isTextual() ? ev.path("type").asText() : null)
                .map(KitEvents::fromCatalog).orElse(KitEvents.PREFIX + "untyped");
        JsonNode createdNode = ev.get("created");
        long created = time(createdNode);
        if (created < 0 && createdNode != null && !createdNode.isNull()) {
            throw new MalformedDelivery("event " + id + " has an unreadable created time");
        }
        JsonNode data = ev.path("data");
        JsonNode subscriberNode = data.get("subscriber");
        InboundEvent.DeliveredSubscriber subscriber = subscriberNode != null && subscriberNode.isObject()
                ? subscriber(subscriberNode) : null;
        JsonNode tag = data.path("tag");
        Long tagId = tag.isObject() ? parseId(tag.path("id").asText(null)) : null;
        String tagName = tag.isObject() && tag.path("name").isTextual() ? tag.path("name").asText().trim() : null;
        JsonNode field = data.path("custom_field");
        String fieldKey = field.isObject() && field.path("key").isTextual() ? field.path("key").asText() : null;
        String fieldValue = fieldKey == null ? null : text(field.get("new_value"));
        String problem = subscriber == null ? "no usable data.subscriber" : null;
        InboundEvent.Builder event = InboundEvent.builder(InboundEvent.KIND_SIGNED, id, "event#" + id, type, receivedAt,
                truncate(raw)).subscriber(subscriber).tag(tagId, tagName).field(fieldKey, fieldValue).problem(problem);
        return (created >= 0 ? event.occurredAt(created) : event).build();
    }

    private static JsonNode parse(byte[] body) throws MalformedDelivery {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedDelivery("body is not valid JSON");
        } catch (IOException e) {
            throw new MalformedDelivery("body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedDelivery("body must be a JSON object");
        }
        return root;
    }

    private static InboundEvent.DeliveredSubscriber subscriber(JsonNode s) {
        JsonNode idNode = s.get("id");
        Long id = idNode == null ? null : idNode.isIntegralNumber() ? Long.valueOf(idNode.asLong())
                : idNode.isTextual() ? parseId(idNode.asText()) : null;
        if (id == null || id <= 0) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        JsonNode f = s.get("fields");
        if (f != null && f.isObject()) {
            f.fields().forEachRemaining(e -> fields.put(e.getKey(), text(e.getValue())));
        }
        return new InboundEvent.DeliveredSubscriber(id, text(s.get("email_address")), text(s.get("first_name")),
                text(s.get("state")), f != null && f.isObject() ? fields : null);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        return node.asText();
    }

    static Long parseId(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(value.trim());
            return id > 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** ISO-8601 (Kit's docs) or epoch seconds/millis; -1 when absent, unreadable or beyond epoch millis. */
    static long time(JsonNode node) {
        if (node == null || node.isNull()) {
            return -1;
        }
        if (node.isNumber()) {
            if (!node.canConvertToLong()) {
                return -1;
            }
            long v = node.asLong();
            return v <= 0 ? -1 : v < 100_000_000_000L ? v * 1000 : v;
        }
        if (node.isTextual()) {
            String s = node.asText().trim();
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                try {
                    return OffsetDateTime.parse(s).toInstant().toEpochMilli();
                } catch (DateTimeParseException | ArithmeticException e2) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** An id that fits a DynamoDB key (and an audit record): over-long ids are replaced by their SHA-256. */
    static String keyableId(String id) {
        return id.length() <= MAX_KEY_ID ? id : "sha256:" + sha256(id);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String raw) {
        return raw.length() <= MAX_STORED_RAW ? raw : raw.substring(0, MAX_STORED_RAW) + "…";
    }
}
