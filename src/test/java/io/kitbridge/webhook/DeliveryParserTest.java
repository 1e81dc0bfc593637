package io.kitbridge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed delivery parsing without Quarkus: catalog names, event times, over-long ids (issue 14). */
class DeliveryParserTest {
    static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();
    static final long TOLERANCE = Duration.ofHours(1).toMillis();

    static byte[] delivery(String id, String type, String created) {
        return ("{\"delivery_id\":\"d1\",\"events\":[{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"subscriber\":{\"id\":5,\"email_address\":\"a@example.com\",\"state\":\"active\"},"
                + "\"tag\":{\"id\":9,\"name\":\"VIP\"}}}]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_map_catalog_names_onto_the_internal_events_when_a_signed_delivery_arrives() throws Exception {
        List<String> internal = new java.util.ArrayList<>();
        for (String type : KitEvents.CATALOG_NAMES) {
            internal.add(DeliveryParser.signed(delivery("e-" + type, type, "\"2026-12-01T11:00:00Z\""), NOW, TOLERANCE)
                    .get(0).type());
        }
        assertEquals(List.of(KitEvents.CREATE, KitEvents.ACTIVATE, KitEvents.UNSUBSCRIBE, KitEvents.BOUNCE,
                KitEvents.COMPLAIN, KitEvents.FORM_SUBSCRIBE, KitEvents.COURSE_SUBSCRIBE, KitEvents.COURSE_COMPLETE,
                KitEvents.TAG_ADD, KitEvents.TAG_REMOVE), internal);
        InboundEvent tagAdded = DeliveryParser.signed(delivery("x", "subscriber.tag_added", "\"2026-12-01T11:00:00Z\""),
                NOW, TOLERANCE).get(0);
        assertEquals(9L, tagAdded.tagId());
        assertEquals("VIP", tagAdded.tagName());
        assertTrue(tagAdded.timed());
    }

    @Test
    void should_refuse_the_delivery_when_an_event_time_is_far_future_before_2000_unreadable_or_overflowing() {
        for (String created : List.of("\"2026-12-01T14:00:00Z\"", "\"1970-01-02T00:00:00Z\"", "\"yesterday\"",
                "\"+999999999-12-31T23:59:59Z\"", "99999999999999999999999", "9223372036854775807")) {
            assertThrows(DeliveryParser.MalformedDelivery.class,
                    () -> DeliveryParser.signed(delivery("e1", "subscriber.activated", created), NOW, TOLERANCE), created);
        }
    }

    @Test
    void should_hash_event_ids_too_long_for_a_key() throws Exception {
        String longId = "x".repeat(5_000);
        InboundEvent ev = DeliveryParser.signed(delivery(longId, "subscriber.activated", "\"2026-12-01T11:00:00Z\""), NOW,
                TOLERANCE).get(0);
        assertTrue(ev.dedupeKey().length() < 100, ev.dedupeKey());
        assertEquals("event#sha256:" + DeliveryParser.sha256(longId), ev.dedupeKey());
        // the same long id always maps to the same key: retries still dedupe
        assertEquals(ev.dedupeKey(), DeliveryParser.signed(delivery(longId, "subscriber.activated",
                "\"2026-12-01T11:00:00Z\""), NOW, TOLERANCE).get(0).dedupeKey());
    }
}
