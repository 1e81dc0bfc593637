package io.kitbridge.oauth;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One account as the operator sees it ({"action": "connections"}): never a key or a token. {@code state} is
 * {@code ok} or {@code broken}; {@code source} is {@code table} or {@code configuration} (the "default" API key).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionView(String account, String kind, Long kitAccountId, String kitAccountName, String connectedAt,
        String state, String stateReason, String tokenExpiresAt, String source) {
}
