package io.kitbridge.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The error body Quarkus's Lambda poll loop posts to /runtime/invocation/{id}/error — the loop the native bootstrap
 * runs, driven here by the mock event server — names the kitbridge type. sync-page takes a typed input, so Funqy
 * itself must deserialize the payload: what it cannot is InvalidInput too.
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "sync-page"))
class ErrorContractTest {

    @Test
    void should_post_invalid_input_when_funqy_cannot_deserialize_the_payload() {
        // GIVEN payloads that are not the JSON object sync-page takes: a string, an array, broken JSON
        for (String payload : List.of("\"full\"", "[\"default\", \"full\"]", "{\"account\": ")) {
            // WHEN each is invoked
            Response r = Lambda.invoke(payload);
            // THEN the runtime API got InvalidInput, the kitbridge class, with a message naming the payload
            assertEquals(500, r.statusCode(), r.asString());
            assertEquals("io.kitbridge.errors.InvalidInput", r.jsonPath().getString("errorType"), payload + " → " + r.asString());
            assertTrue(r.jsonPath().getString("errorMessage").startsWith("InvalidInput: payload: "), r.asString());
        }
    }

    @Test
    void should_post_the_kitbridge_class_as_error_type_and_keep_the_message_when_the_function_throws() {
        // GIVEN a well-formed payload with a bad value WHEN invoked
        Response r = Lambda.invoke(Map.of("account", "default", "mode", "weekly"));
        // THEN errorType is io.kitbridge.errors.InvalidInput, not Funqy's ApplicationException; the message is kept
        assertEquals("io.kitbridge.errors.InvalidInput", r.jsonPath().getString("errorType"), r.asString());
        assertTrue(r.jsonPath().getString("errorMessage").startsWith("InvalidInput: mode"), r.asString());
    }
}
