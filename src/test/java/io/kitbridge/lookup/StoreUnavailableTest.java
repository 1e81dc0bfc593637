package io.kitbridge.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DynamoDB down: a typed StoreUnavailable error, not an SDK stack trace. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "lookup"),
        @ResourceArg(name = "kitbridge.kit.api-key", value = ""),
        @ResourceArg(name = "quarkus.dynamodb.endpoint-override", value = "http://127.0.0.1:9")})
class StoreUnavailableTest {

    @Test
    void should_report_store_unavailable_when_dynamodb_cannot_be_reached() {
        Response r = Lambda.invoke(Map.of("email", "someone@example.com"));
        assertEquals(500, r.statusCode());
        assertEquals("StoreUnavailable", Lambda.errorType(r), r.asString());
        assertFalse(r.asString().contains(KitWorld.API_KEY));
    }
}
