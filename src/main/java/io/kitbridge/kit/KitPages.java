package io.kitbridge.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Follows Kit's cursors to the end. Stops on has_next_page, never on end_cursor: Kit sets end_cursor on the last
 * page too, and the seed's unpaginated lists (no pagination object) count as one page.
 */
public final class KitPages {
    private KitPages() {
    }

    /**
     * Every item of a cursor-paginated list.
     *
     * @param fetch one page for a cursor (null: the first page)
     */
    public static <T> List<T> all(Function<String, ? extends KitPage<T>> fetch) {
        List<T> out = new ArrayList<>();
        String after = null;
        do {
            KitPage<T> page = fetch.apply(after);
            out.addAll(page.items());
            Pagination p = page.pagination();
            after = p != null && p.hasNextPage() ? p.endCursor() : null;
        } while (after != null);
        return out;
    }
}
