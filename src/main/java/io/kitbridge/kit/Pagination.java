package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Kit's cursor pagination. Stop on hasNextPage: endCursor is non-null on the last page too. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Pagination(boolean hasPreviousPage, boolean hasNextPage, String startCursor, String endCursor,
        Integer perPage, Long totalCount) {
    public static final Pagination LAST = new Pagination(false, false, null, null, null, null);
}
