package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record WebhookEndpointPage(@JsonProperty("webhook_endpoints") List<WebhookEndpoint> webhookEndpoints,
        Pagination pagination) implements KitPage<WebhookEndpoint> {
    @Override
    public List<WebhookEndpoint> items() {
        return webhookEndpoints == null ? List.of() : webhookEndpoints;
    }
}
