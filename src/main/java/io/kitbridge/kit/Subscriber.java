package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * A Kit subscriber as Kit returns it; taggedAt is only present in a tag's subscriber list. {@code tags}: the
 * subscriber's tags ({@code {id, name}}) when the list was asked with {@code include=tags}; null when the item has
 * no {@code tags} key (not asked, or Kit ignored the request: a caller relying on it must notice).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Subscriber(long id, String firstName, String emailAddress, String state, String createdAt,
        Map<String, String> fields, String taggedAt, List<Tag> tags) {

    public Subscriber(long id, String firstName, String emailAddress, String state, String createdAt,
            Map<String, String> fields, String taggedAt) {
        this(id, firstName, emailAddress, state, createdAt, fields, taggedAt, null);
    }

    public SubscriberState subscriberState() {
        return SubscriberState.parse(state);
    }

    public Map<String, String> fieldsOrEmpty() {
        return fields == null ? Map.of() : fields;
    }
}
