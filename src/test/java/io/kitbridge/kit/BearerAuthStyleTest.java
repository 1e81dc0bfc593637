package io.kitbridge.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The seed document's form: the API secret as "Authorization: Bearer", selected by configuration. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "kitbridge.kit.auth-style", value = "bearer"),
        @ResourceArg(name = "dialect", value = "seed")})
class BearerAuthStyleTest {
    World world;

    @Inject
    KitGateway gateway;

    @Test
    void should_send_the_api_key_as_bearer_token_when_auth_style_is_bearer() {
        // GIVEN auth-style=bearer WHEN we call Kit
        world.kit().log().clear();
        TagPage tags = gateway.call(KitCall.interactive("default", "list tags", true, Duration.ofSeconds(5)),
                api -> api.listTags("default", PageQuery.DEFAULT));
        // THEN Kit saw the key as a bearer token, and the seed dialect's unpaginated tag list reads fine
        assertEquals("bearer-api-key", world.kit().log().all().get(0).credentialKind());
        assertEquals(false, tags.hasNextPage());
    }
}
