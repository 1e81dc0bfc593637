package io.kitbridge.packaged;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged artifact (target/function.zip), unchanged, under AWS's runtime interface client and a Lambda
 * Runtime API, with handler io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest — one JVM per function,
 * as each deployment would be. Also measures JVM start-to-first-response and the memory high-water mark.
 */
class PackagedFunctionIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static KitSimulator kit;
    static TableNames tables;
    static final Map<String, Object> FIGURES = new LinkedHashMap<>();

    @BeforeAll
    static void world() {
        kit = KitSimulator.start(SimConfig.defaults().withApiKeys(Set.of(KitWorld.API_KEY)));
        tables = KitWorld.tableNames("packaged" + System.nanoTime());
        TableSetup.createMissing(KitWorld.client(Dynalite.shared().endpoint()), tables);
        kit.admin().createCustomField("plan");
        kit.admin().createTag("customer");
    }

    @AfterAll
    static void report() throws Exception {
        kit.close();
        Path dir = Path.of("target/bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("packaged.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(FIGURES));
    }

    static Map<String, String> env(String function) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_FUNQY_EXPORT", function);
        env.put("KITBRIDGE_KIT_BASE_URL", kit.baseUrl());
        env.put("KITBRIDGE_KIT_API_KEY", KitWorld.API_KEY);
        env.put("KITBRIDGE_TABLES_CONNECTIONS", tables.connections());
        env.put("KITBRIDGE_TABLES_CONTROL", tables.control());
        env.put("KITBRIDGE_TABLES_MIRROR", tables.mirror());
        env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", Dynalite.shared().endpoint());
        env.put("QUARKUS_DYNAMODB_AWS_REGION", "us-east-1");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_TYPE", "static");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", "local");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", "local");
        return env;
    }

    @Test
    void should_provision_through_the_packaged_artifact_under_the_lambda_runtime_api() throws Exception {
        // GIVEN the provision deployment of the packaged artifact
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedLambda lambda = PackagedLambda.start(api, env("provision"))) {
            // WHEN two people are provisioned, one after the other (cold, then warm)
            long t0 = System.nanoTime();
            RuntimeApiServer.Result first = api.invoke(JSON.writeValueAsString(Map.of("email", "cold@example.com",
                    "fields", Map.of("plan", "pro"), "tags", java.util.List.of("customer"))), Duration.ofSeconds(60));
            long coldMillis = (System.nanoTime() - lambda.startedNanos) / 1_000_000;
            long t1 = System.nanoTime();
            RuntimeApiServer.Result second = api.invoke(JSON.writeValueAsString(Map.of("email", "warm@example.com")),
                    Duration.ofSeconds(30));
            long warmMillis = (System.nanoTime() - t1) / 1_000_000;
            RuntimeApiServer.Result bad = api.invoke("{\"email\": \"not-an-email\"}", Duration.ofSeconds(30));
            // THEN Kit has them, and errors come back as Lambda function errors with the stable type
            assertFalse(first.error(), first.body() + "\n" + lambda.output());
            JsonNode out = JSON.readTree(first.body());
            assertEquals("created", out.path("outcome").asText(), first.body());
            assertTrue(kit.admin().subscriberByEmail("cold@example.com").isPresent());
            assertEquals("created", JSON.readTree(second.body()).path("outcome").asText());
            assertTrue(bad.error());
            assertTrue(JSON.readTree(bad.body()).path("errorMessage").asText().contains("InvalidInput: email"), bad.body());
            long rss = lambda.peakRssMib();
            FIGURES.put("provision.jvmStartToFirstResponseMillis", coldMillis);
            FIGURES.put("provision.warmInvocationMillis", warmMillis);
            FIGURES.put("provision.peakRssMiB", rss);
            System.out.printf("PACKAGED provision (JVM, RIC): start-to-first-response %d ms (runtime polled after %d ms), "
                    + "warm invocation %d ms, peak RSS %d MiB%n", coldMillis, (api.firstPollNanos() - lambda.startedNanos) / 1_000_000,
                    warmMillis, rss);
            assertTrue(t0 > 0);
        }
    }

    @Test
    void should_verify_and_apply_a_signed_webhook_through_the_packaged_artifact() throws Exception {
        // GIVEN setup registered a signed endpoint (through the packaged setup function) and a subscriber exists
        long id = kit.admin().createSubscriber("hook@example.com", "Hook");
        Map<String, String> setupEnv = env("setup");
        setupEnv.put("KITBRIDGE_WEBHOOK_BASE_URL", "https://hooks.example.com");
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedLambda setup = PackagedLambda.start(api, setupEnv)) {
            RuntimeApiServer.Result registered = api.invoke("{\"webhooks\": \"signed\"}", Duration.ofSeconds(60));
            assertFalse(registered.error(), registered.body() + "\n" + setup.output());
        }
        String stored = KitWorld.client(Dynalite.shared().endpoint()).getItem(b -> b.tableName(tables.connections())
                .key(Map.of("account", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("default")))
                .consistentRead(true)).item().get("webhookSecret").s();
        assertTrue(stored != null && !stored.isBlank(), "setup stored the endpoint's signing secret");
        String body = JSON.writeValueAsString(Map.of("delivery_id", "d-1", "events", java.util.List.of(Map.of("id", "e-1",
                "type", "subscriber.subscriber_unsubscribe", "created", java.time.Instant.now().toString(),
                "data", Map.of("subscriber", Map.of("id", id, "email_address", "hook@example.com", "first_name", "Hook",
                        "state", "cancelled", "fields", Map.of()))))));
        long t = java.time.Instant.now().getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = java.util.HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "POST /webhooks/{account}");
        event.put("rawPath", "/webhooks/default");
        event.put("rawQueryString", "");
        event.put("headers", Map.of("content-type", "application/json", "x-kit-signature", "t=" + t + ",v1=" + signature));
        event.put("pathParameters", Map.of("account", "default"));
        event.put("body", body);
        event.put("isBase64Encoded", false);
        event.put("requestContext", Map.of("http", Map.of("method", "POST", "path", "/webhooks/default")));
        Map<String, Object> forged = new java.util.LinkedHashMap<>(event);
        forged.put("headers", Map.of("x-kit-signature", "t=" + t + ",v1=" + "0".repeat(64)));
        // WHEN the packaged webhook-handler receives the delivery, and a forged copy
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedLambda lambda = PackagedLambda.start(api, env("webhook-handler"))) {
            RuntimeApiServer.Result ok = api.invoke(JSON.writeValueAsString(event), Duration.ofSeconds(60));
            RuntimeApiServer.Result bad = api.invoke(JSON.writeValueAsString(forged), Duration.ofSeconds(30));
            // THEN the genuine one is applied (200) and the forged one refused (401), both as HTTP API responses
            assertFalse(ok.error(), ok.body() + "\n" + lambda.output());
            assertEquals(200, JSON.readTree(ok.body()).path("statusCode").asInt(), ok.body());
            assertEquals(401, JSON.readTree(bad.body()).path("statusCode").asInt(), bad.body());
            assertFalse(lambda.output().contains(stored), "the signing secret never reaches a log line");
        }
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedLambda lookup = PackagedLambda.start(api, env("lookup"))) {
            RuntimeApiServer.Result seen = api.invoke("{\"subscriberId\": " + id + "}", Duration.ofSeconds(60));
            assertEquals("cancelled", JSON.readTree(seen.body()).path("state").asText(), seen.body());
        }
    }

    @Test
    void should_answer_lookup_from_the_mirror_through_the_packaged_artifact() throws Exception {
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedLambda lambda = PackagedLambda.start(api, env("lookup"))) {
            RuntimeApiServer.Result missing = api.invoke("{\"email\": \"nobody@example.com\"}", Duration.ofSeconds(60));
            assertTrue(missing.error(), missing.body() + "\n" + lambda.output());
            assertTrue(JSON.readTree(missing.body()).path("errorMessage").asText().startsWith("NotFound"), missing.body());
            assertFalse(lambda.output().contains(KitWorld.API_KEY), "the API key never reaches a log line");
        }
    }
}
