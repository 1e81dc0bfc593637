package io.kitbridge.kit;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

@RegisterForReflection
public record WebhookEndpointCreate(String url, List<String> events, String name) {
}
