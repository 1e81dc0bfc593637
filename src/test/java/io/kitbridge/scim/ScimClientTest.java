package io.kitbridge.scim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The UnboundID SCIM 2 client against the scim function in this JVM, through {@link ScimGateway} and the Lambda mock
 * event server (ScimClientIT does the same against the packaged function.zip under the Lambda runtime client).
 */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "scim"),
        @ResourceArg(name = "limit", value = "6000")})
class ScimClientTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    World world;

    @Test
    void should_serve_the_unboundid_scim_client_for_users_and_groups() throws Exception {
        // GIVEN a token and API Gateway in front of the function
        String token = ScimCalls.mint("default");
        String lambda = io.kitbridge.testing.Lambda.url();
        try (ScimGateway gateway = new ScimGateway(event -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(lambda)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("function error: " + r.body());
            }
            return r.body();
        })) {
            // WHEN the UnboundID client runs its users and groups scenario THEN every step holds in Kit
            int requests = UnboundIdScenario.run(gateway.baseUrl("default"), token, world.kit().admin());
            assertTrue(requests >= 15);
        }
    }
}
