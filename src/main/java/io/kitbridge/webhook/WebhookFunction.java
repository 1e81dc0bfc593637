package io.kitbridge.webhook;

import io.kitbridge.common.FunctionBoundary;
import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter behind API Gateway (POST /webhooks/{account}): QUARKUS_FUNQY_EXPORT=webhook-handler. */
public class WebhookFunction {
    @Inject WebhookService service;

    @Funq("webhook-handler") @FunctionBoundary
    public HttpApiResponse handle(HttpApiEvent event) {
        return service.handle(event);
    }
}
