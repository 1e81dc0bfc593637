package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A signed webhook endpoint; Kit returns {@code secret} once, on creation. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record WebhookEndpoint(long id, String url, List<String> events, String name, String secret) {
    @Override
    public String toString() {
        return "WebhookEndpoint[id=" + id + ", events=" + events + ", name=" + name + "]";
    }
}
