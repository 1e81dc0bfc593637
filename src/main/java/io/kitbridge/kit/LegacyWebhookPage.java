package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record LegacyWebhookPage(List<LegacyWebhook> webhooks, Pagination pagination) implements KitPage<LegacyWebhook> {
    @Override
    public List<LegacyWebhook> items() {
        return webhooks == null ? List.of() : webhooks;
    }
}
