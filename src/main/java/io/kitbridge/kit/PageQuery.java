package io.kitbridge.kit;

import jakarta.ws.rs.QueryParam;

/**
 * The page a cursor-paginated Kit list is asked for: its size ({@code per_page}; Kit's default 500, at most 1000)
 * and the cursor to continue after ({@code after}; the first page without one). A null value is left out of the
 * request. One type for every list endpoint of {@link KitApi}, as {@link KitPage} is one shape for their answers.
 */
public record PageQuery(Integer perPage, String after) {
    /** Kit's default page size, from the first page. */
    public static final PageQuery DEFAULT = new PageQuery(null, null);

    /** {@code perPage} items after {@code cursor} (null: from the first page). */
    public static PageQuery of(Integer perPage, String cursor) {
        return new PageQuery(perPage, cursor);
    }

    /** What the REST client sends as {@code per_page} (it reads a bean parameter through getters). */
    @QueryParam("per_page")
    public Integer getPerPage() {
        return perPage;
    }

    @QueryParam("after")
    public String getAfter() {
        return after;
    }
}
