package io.kitbridge.webhook;

import static io.kitbridge.webhook.ApiGatewayEvents.post;
import static io.kitbridge.webhook.ApiGatewayEvents.signature;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kitbridge.testing.IamGuardInterceptor;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13: a forged webhook costs little: no DynamoDB request for a malformed or stale one, one per unknown account. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "webhook-handler"))
class ForgedWebhookCostTest {
    private static final String BODY = "{\"delivery_id\":\"d1\",\"events\":[]}";

    private static int deliver(String account, String signatureHeader) {
        Response r = Lambda.invoke(post(account, "", Map.of(KitSignature.HEADER, signatureHeader), BODY, false));
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getInt("statusCode");
    }

    @Test
    void should_reject_malformed_and_stale_signatures_before_any_table_read() {
        // GIVEN deliveries for an account nobody has seen, with broken headers or timestamps outside the tolerance
        long now = Instant.now().getEpochSecond();
        String account = "never-seen-" + now;
        long before = IamGuardInterceptor.FUNCTION_CALLS.get();
        // WHEN they arrive
        int[] statuses = {deliver(account, "garbage"), deliver(account, "t=" + now),
                deliver(account, "t=notanumber,v1=abcd"), deliver(account, signature("x", now - 301, BODY)),
                deliver(account, signature("x", now + 400, BODY)), deliver(account, "t=" + now + ",v1=" + "ab".repeat(600))};
        // THEN each is 401 and none cost a DynamoDB request
        for (int status : statuses) {
            assertEquals(401, status);
        }
        assertEquals(before, IamGuardInterceptor.FUNCTION_CALLS.get(), "no table read for a malformed or stale signature");
    }

    @Test
    void should_read_an_unknown_account_once_when_forged_deliveries_with_fresh_timestamps_repeat() {
        // GIVEN well-formed, fresh, but forged signatures for an account that has no webhook secret
        String account = "forged-target-" + System.nanoTime();
        long before = IamGuardInterceptor.FUNCTION_CALLS.get();
        // WHEN 20 arrive in a row
        for (int i = 0; i < 20; i++) {
            assertEquals(401, deliver(account, signature("guess-" + i, Instant.now().getEpochSecond(), BODY)));
        }
        // THEN the connections table was read once: the unknown account is remembered briefly
        assertEquals(before + 1, IamGuardInterceptor.FUNCTION_CALLS.get());
    }
}
