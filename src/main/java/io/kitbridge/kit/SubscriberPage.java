package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubscriberPage(List<Subscriber> subscribers, Pagination pagination) implements KitPage<Subscriber> {
    @Override
    public List<Subscriber> items() {
        return subscribers == null ? List.of() : subscribers;
    }
}
