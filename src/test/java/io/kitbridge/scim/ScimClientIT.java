package io.kitbridge.scim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.sim.KitSimulator;
import io.kitbridge.sim.SimConfig;
import io.kitbridge.store.TableNames;
import io.kitbridge.store.TableSetup;
import io.kitbridge.testing.Dynalite;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.PackagedLambda;
import io.kitbridge.testing.RuntimeApiServer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The UnboundID SCIM 2 client against the packaged artifact (target/function.zip, QUARKUS_FUNQY_EXPORT=scim) under
 * AWS's runtime interface client and a Lambda Runtime API, with {@link ScimGateway} as API Gateway: the token is minted
 * by a direct invoke, as an operator would, then the client creates, searches, patches and deletes users and groups.
 */
class ScimClientIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static KitSimulator kit;
    static TableNames tables;

    @BeforeAll
    static void world() {
        kit = KitSimulator.start(SimConfig.defaults().withApiKeys(Set.of(KitWorld.API_KEY)).withApiKeyLimit(6000));
        tables = KitWorld.tableNames("scimit" + System.nanoTime());
        TableSetup.createMissing(KitWorld.client(Dynalite.shared().endpoint()), tables);
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static Map<String, String> env() {
        Map<String, String> env = PackagedLambda.environment("scim", kit.baseUrl(), tables);
        env.put("KITBRIDGE_BUDGET_API_KEY_LIMIT", "6000");
        return env;
    }

    @Test
    void should_serve_the_unboundid_scim_client_from_the_packaged_function() throws Exception {
        // GIVEN the scim deployment of the packaged artifact, and a token minted by a direct invoke
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedLambda lambda = PackagedLambda.start(api, env())) {
            RuntimeApiServer.Result minted = api.invoke("{\"action\": \"token\", \"account\": \"default\"}", Duration.ofSeconds(60));
            assertFalse(minted.error(), minted.body() + "\n" + lambda.output());
            JsonNode token = JSON.readTree(minted.body());
            assertEquals("default", token.path("account").asText());
            RuntimeApiServer.Result wrong = api.invoke("{\"action\": \"nope\"}", Duration.ofSeconds(30));
            assertTrue(wrong.error() && wrong.body().contains("InvalidInput"), wrong.body());
            // WHEN the UnboundID client talks to it through API Gateway
            long t0 = System.nanoTime();
            int requests;
            try (ScimGateway gateway = new ScimGateway(event -> {
                RuntimeApiServer.Result r = api.invoke(event, Duration.ofSeconds(30));
                if (r.error()) {
                    throw new IllegalStateException("function error: " + r.body());
                }
                return r.body();
            })) {
                requests = UnboundIdScenario.run(gateway.baseUrl("default"), token.path("token").asText(), kit.admin());
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            // THEN every step held in Kit (asserted in the scenario)
            System.out.printf("PACKAGED scim (JVM, RIC): UnboundID scenario of %d SCIM requests in %d ms (%d ms per request),"
                    + " peak RSS %d MiB%n", requests, millis, millis / Math.max(1, requests), lambda.peakRssMib());
            assertTrue(requests >= 15);
        }
    }
}
