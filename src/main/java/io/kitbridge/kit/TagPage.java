package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The seed says tags are unpaginated, Kit paginates them: a missing pagination means last page. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record TagPage(List<Tag> tags, Pagination pagination) implements KitPage<Tag> {
    @Override
    public List<Tag> items() {
        return tags == null ? List.of() : tags;
    }
}
