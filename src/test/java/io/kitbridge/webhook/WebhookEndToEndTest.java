package io.kitbridge.webhook;

import io.kitbridge.testing.KitWorld;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** End to end against the simulator speaking Kit's public-docs dialect (unsubscribe → cancelled). */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "webhook-handler"),
        @ResourceArg(name = "limit", value = "6000"), // setup's dozen Kit calls need not be paced at 2/s here
        @ResourceArg(name = "dialect", value = "public")})
@WithTestResource(WebhookBridge.class)
class WebhookEndToEndTest extends WebhookEndToEndBase {
    @Override
    String unsubscribed() {
        return "cancelled";
    }
}
