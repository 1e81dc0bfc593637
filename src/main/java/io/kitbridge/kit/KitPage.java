package io.kitbridge.kit;

import java.util.List;

/**
 * One page of a cursor-paginated Kit list. Kit names the array after the list ("subscribers", "tags",
 * "custom_fields", "webhooks", "webhook_endpoints"), so each list keeps a concrete record that Jackson reads
 * without generic type information (the REST client and the native image see plain classes); this interface is
 * the shape they share, and all {@link KitPages} needs.
 */
public interface KitPage<T> {
    /** The page's items; empty, never null, when Kit sent none. */
    List<T> items();

    /** Null when Kit sent none (the seed's unpaginated lists): then this is the last page. */
    Pagination pagination();

    default boolean hasNextPage() {
        return pagination() != null && pagination().hasNextPage();
    }
}
