package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** A Kit subscriber as Kit returns it; taggedAt is only present in a tag's subscriber list. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Subscriber(long id, String firstName, String emailAddress, String state, String createdAt,
        Map<String, String> fields, String taggedAt) {

    public SubscriberState subscriberState() {
        return SubscriberState.parse(state);
    }

    public Map<String, String> fieldsOrEmpty() {
        return fields == null ? Map.of() : fields;
    }
}
