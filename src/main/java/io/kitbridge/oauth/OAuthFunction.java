package io.kitbridge.oauth;

import io.kitbridge.common.FunctionBoundary;
import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=oauth, behind API Gateway HTTP API GET /oauth/start and /oauth/callback. */
@FunctionBoundary
public class OAuthFunction {
    @Inject
    OAuthService service;

    @Funq("oauth")
    public HttpApiResponse oauth(HttpApiEvent event) {
        return service.handle(event);
    }
}
