package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.FunctionBoundary;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/**
 * Lambda adapter: QUARKUS_FUNQY_EXPORT=scim. Behind API Gateway (ANY /scim/v2/{account}/{proxy+}) it takes the HTTP API
 * payload 2.0 event; invoked directly, {"action": "token" | "revoke-tokens", "account": ...} is the operator's.
 */
public class ScimFunction {
    @Inject ScimService service;

    @Funq("scim") @FunctionBoundary
    public JsonNode scim(JsonNode input) {
        return service.handle(input);
    }
}
