package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubscriberPage(List<Subscriber> subscribers, Pagination pagination) {
    public List<Subscriber> items() {
        return subscribers == null ? List.of() : subscribers;
    }

    public boolean hasNextPage() {
        return pagination != null && pagination.hasNextPage();
    }
}
