package io.kitbridge.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Following Kit's cursors: bad pagination from Kit ends in a typed error, never in a loop (issue 14). */
class KitPagesTest {
    record Page(List<String> items, Pagination pagination) implements KitPage<String> {
    }

    static Pagination next(String cursor) {
        return new Pagination(false, true, null, cursor, 50, null);
    }

    @Test
    void should_fail_with_kit_protocol_error_when_kit_repeats_a_cursor() {
        // GIVEN a Kit that sends A → B → A forever
        Map<String, Page> pages = Map.of("first", new Page(List.of("1"), next("A")),
                "A", new Page(List.of("2"), next("B")), "B", new Page(List.of("3"), next("A")));
        List<String> asked = new ArrayList<>();
        // WHEN the list is read
        KitException e = assertThrows(KitException.class, () -> KitPages.all(c -> {
            asked.add(c == null ? "first" : c);
            return pages.get(c == null ? "first" : c);
        }));
        // THEN it stops at the repeat with KitProtocolError, after three requests
        assertEquals(KitErrorKind.PROTOCOL, e.kind());
        assertEquals("KitProtocolError", e.kind().errorType());
        assertTrue(e.getMessage().contains("repeated the cursor A"), e.getMessage());
        assertEquals(List.of("first", "A", "B"), asked);
    }

    @Test
    void should_fail_when_kit_says_there_is_a_next_page_without_a_cursor() {
        KitException e = assertThrows(KitException.class, () -> KitPages.all(c -> new Page(List.of("1"), next(null))));
        assertEquals(KitErrorKind.PROTOCOL, e.kind());
    }

    @Test
    void should_read_every_page_when_cursors_are_new() {
        Map<String, Page> pages = Map.of("first", new Page(List.of("1"), next("A")),
                "A", new Page(List.of("2"), new Pagination(true, false, "A", "B", 50, null)));
        assertEquals(List.of("1", "2"), KitPages.all(c -> pages.get(c == null ? "first" : c)));
    }
}
