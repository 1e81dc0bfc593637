package io.kitbridge.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one page shape ({@link KitPage}) as Jackson reads Kit's JSON, and {@link KitPages} following its cursors.
 * The REST client reads the same concrete records (KitClientTest, SetupFunctionTest, DeprovisionFunctionTest go
 * through it); this runs without a Quarkus boot.
 */
class KitPageShapeTest {
    /** As Quarkus configures it: unknown properties never fail (Kit adds fields). */
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void should_follow_cursors_until_has_next_page_is_false_when_the_last_page_still_has_an_end_cursor() {
        // GIVEN three pages of tags; Kit sets end_cursor on the last page too
        Map<String, String> pages = Map.of(
                "", tags("[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]", true, "c1"),
                "c1", tags("[{\"id\":3,\"name\":\"c\"}]", true, "c2"),
                "c2", tags("[{\"id\":4,\"name\":\"d\"}]", false, "c3"));
        List<String> asked = new ArrayList<>();
        // WHEN
        List<Tag> all = KitPages.all(cursor -> {
            asked.add(cursor);
            return read(pages.get(cursor == null ? "" : cursor), TagPage.class);
        });
        // THEN
        assertEquals(List.of(1L, 2L, 3L, 4L), all.stream().map(Tag::id).toList());
        assertEquals(java.util.Arrays.asList(null, "c1", "c2"), asked, "no request after has_next_page=false");
    }

    @Test
    void should_read_one_page_when_the_list_has_no_pagination_object() {
        // GIVEN the seed's unpaginated tag list (kit-v4-deltas: Kit paginates, the seed does not)
        TagPage only = read("{\"tags\":[{\"id\":9,\"name\":\"vip\"}]}", TagPage.class);
        int[] calls = {0};
        // WHEN
        List<Tag> all = KitPages.all(cursor -> {
            calls[0]++;
            return only;
        });
        // THEN
        assertEquals(1, calls[0]);
        assertEquals(List.of(9L), all.stream().map(Tag::id).toList());
        assertFalse(only.hasNextPage());
    }

    @Test
    void should_give_every_list_the_same_page_shape_when_jackson_reads_kits_json() {
        // GIVEN each list names its array its own way
        KitPage<Subscriber> subscribers = read("{\"subscribers\":[{\"id\":5,\"email_address\":\"a@example.com\","
                + "\"state\":\"active\"}],\"pagination\":{\"has_next_page\":true,\"end_cursor\":\"x\"}}", SubscriberPage.class);
        KitPage<CustomField> fields = read("{\"custom_fields\":[{\"id\":1,\"key\":\"plan\",\"label\":\"Plan\"}],"
                + "\"pagination\":{\"has_next_page\":false,\"end_cursor\":\"y\"}}", CustomFieldPage.class);
        KitPage<LegacyWebhook> legacy = read("{\"webhooks\":[{\"id\":3,\"target_url\":\"https://h/x\"}]}",
                LegacyWebhookPage.class);
        KitPage<WebhookEndpoint> endpoints = read("{\"webhook_endpoints\":[{\"id\":4,\"url\":\"https://h/y\","
                + "\"events\":[\"subscriber.subscriber_activate\"]}]}", WebhookEndpointPage.class);
        KitPage<Tag> noItems = read("{\"pagination\":{\"has_next_page\":false}}", TagPage.class);
        // THEN
        assertEquals("a@example.com", subscribers.items().get(0).emailAddress());
        assertTrue(subscribers.hasNextPage());
        assertEquals("x", subscribers.pagination().endCursor());
        assertEquals("plan", fields.items().get(0).key());
        assertFalse(fields.hasNextPage());
        assertEquals("https://h/x", legacy.items().get(0).targetUrl());
        assertEquals(4L, endpoints.items().get(0).id());
        assertEquals(List.of(), noItems.items(), "a page without its array is empty, not null");
    }

    private static String tags(String items, boolean hasNext, String endCursor) {
        return "{\"tags\":" + items + ",\"pagination\":{\"has_previous_page\":false,\"has_next_page\":" + hasNext
                + ",\"start_cursor\":null,\"end_cursor\":\"" + endCursor + "\",\"per_page\":2}}";
    }

    private static <P> P read(String json, Class<P> type) {
        try {
            return JSON.readValue(json, type);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
