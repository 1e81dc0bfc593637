package io.kitbridge.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.common.FunctionBoundary;
import io.kitbridge.common.HttpApiEvent;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/**
 * Lambda adapter: QUARKUS_FUNQY_EXPORT=oauth. API Gateway HTTP API events (GET /oauth/start, /oauth/callback) go to
 * {@link OAuthService}; a direct invoke with a top-level "action" (which API Gateway payloads never have) is the
 * operator and goes to {@link OAuthOperator}.
 */
public class OAuthFunction {
    @Inject OAuthService service;

    @Inject OAuthOperator operator;

    @Inject ObjectMapper mapper;

    @Funq("oauth") @FunctionBoundary
    public JsonNode oauth(JsonNode input) throws com.fasterxml.jackson.core.JsonProcessingException {
        if (OAuthOperator.isOperatorCommand(input)) {
            return mapper.valueToTree(operator.handle(input));
        }
        return mapper.valueToTree(service.handle(input == null || input.isNull() ? null : mapper.treeToValue(input, HttpApiEvent.class)));
    }
}
