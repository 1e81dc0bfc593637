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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

/**
 * The packaged artifact (target/function.zip), unchanged, under AWS's runtime interface client and a Lambda
 * Runtime API, with handler io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest — one JVM per function,
 * as each deployment would be, kept warm across the tests like a Lambda instance. Also measures JVM
 * start-to-first-response and the memory high-water mark.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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

    /** One instance per function for the whole class, as Lambda keeps a warm one: a JVM start costs ~2.5 s here. */
    record Deployment(RuntimeApiServer api, PackagedLambda lambda) {
        /** What the function wrote from this mark on (a test reads only its own lines from a shared instance). */
        String outputSince(int mark) {
            return lambda.output().substring(mark);
        }

        int mark() {
            return lambda.output().length();
        }
    }

    static final Map<String, Deployment> DEPLOYMENTS = new LinkedHashMap<>();
    static Path task;

    /** provision, lookup, lookup-funqy, setup, webhook-handler or sync-page, started on first use. */
    static Deployment deployment(String name) throws Exception {
        Deployment running = DEPLOYMENTS.get(name);
        if (running != null) {
            return running;
        }
        if (task == null) {
            task = PackagedLambda.unpack(Path.of("target/function.zip"));
        }
        Map<String, String> env = env(name.equals("lookup-funqy") ? "lookup" : name);
        switch (name) {
            case "provision" -> {
                // a Kit outage ends in KitUnavailable after the retries; short delays keep that case quick
                env.put("KITBRIDGE_KIT_RETRY_DELAY", "20ms");
                env.put("KITBRIDGE_KIT_RETRY_MAX_DELAY", "50ms");
                env.put("KITBRIDGE_KIT_RETRY_JITTER", "5ms");
            }
            case "lookup-funqy" -> env.put("_HANDLER", PackagedLambda.FUNQY_HANDLER);
            case "setup" -> env.put("KITBRIDGE_WEBHOOK_BASE_URL", "https://hooks.example.com");
            case "sync-page" -> env.put("KITBRIDGE_SYNC_PAGE_SIZE", "2");
            default -> { }
        }
        RuntimeApiServer api = new RuntimeApiServer();
        Deployment started = new Deployment(api, PackagedLambda.start(api, env, task));
        DEPLOYMENTS.put(name, started);
        return started;
    }

    @AfterAll
    static void report() throws Exception {
        for (Deployment d : DEPLOYMENTS.values()) {
            d.lambda().close();
            d.api().close();
        }
        kit.close();
        Path dir = Path.of("target/bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("packaged.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(FIGURES));
    }

    static Map<String, String> env(String function) {
        return PackagedLambda.environment(function, kit.baseUrl(), tables);
    }

    @Test
    @Order(1) // the first use of the provision instance: its cold start is measured
    void should_provision_through_the_packaged_artifact_under_the_lambda_runtime_api() throws Exception {
        // GIVEN the provision deployment of the packaged artifact
        {
            Deployment provision = deployment("provision");
            RuntimeApiServer api = provision.api();
            PackagedLambda lambda = provision.lambda();
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
            assertEquals("io.kitbridge.errors.InvalidInput", JSON.readTree(bad.body()).path("errorType").asText(), bad.body());
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
        Deployment setup = deployment("setup");
        RuntimeApiServer.Result registered = setup.api().invoke("{\"webhooks\": \"signed\"}", Duration.ofSeconds(60));
        assertFalse(registered.error(), registered.body() + "\n" + setup.lambda().output());
        String stored = KitWorld.client(Dynalite.shared().endpoint()).getItem(b -> b.tableName(tables.connections())
                .key(Map.of("account", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("default")))
                .consistentRead(true)).item().get("webhookSecret").s();
        assertTrue(stored != null && !stored.isBlank(), "setup stored the endpoint's signing secret");
        String body = JSON.writeValueAsString(Map.of("delivery_id", "d-1", "events", java.util.List.of(Map.of("id", "e-1",
                "type", "subscriber.subscriber_unsubscribe", "created", java.time.Instant.now().toString(),
                "data", Map.of("subscriber", Map.of("id", id, "email_address", "hook@example.com", "first_name", "Hook",
                        "state", "cancelled", "fields", Map.of()))))));
        Map<String, Object> event = signedEvent(body, stored);
        Map<String, Object> forged = new java.util.LinkedHashMap<>(event);
        forged.put("headers", Map.of("x-kit-signature", "t=" + java.time.Instant.now().getEpochSecond() + ",v1=" + "0".repeat(64)));
        // WHEN the packaged webhook-handler receives the delivery, and a forged copy
        {
            RuntimeApiServer api = deployment("webhook-handler").api();
            PackagedLambda lambda = deployment("webhook-handler").lambda();
            RuntimeApiServer.Result ok = api.invoke(JSON.writeValueAsString(event), Duration.ofSeconds(60));
            RuntimeApiServer.Result bad = api.invoke(JSON.writeValueAsString(forged), Duration.ofSeconds(30));
            // THEN the genuine one is applied (200) and the forged one refused (401), both as HTTP API responses
            assertFalse(ok.error(), ok.body() + "\n" + lambda.output());
            assertEquals(200, JSON.readTree(ok.body()).path("statusCode").asInt(), ok.body());
            assertEquals(401, JSON.readTree(bad.body()).path("statusCode").asInt(), bad.body());
            assertFalse(lambda.output().contains(stored), "the signing secret never reaches a log line");
        }
        {
            RuntimeApiServer.Result seen = deployment("lookup").api().invoke("{\"subscriberId\": " + id + "}", Duration.ofSeconds(60));
            assertEquals("cancelled", JSON.readTree(seen.body()).path("state").asText(), seen.body());
        }
    }

    @Test
    void should_answer_lookup_from_the_mirror_through_the_packaged_artifact() throws Exception {
        {
            RuntimeApiServer api = deployment("lookup").api();
            PackagedLambda lambda = deployment("lookup").lambda();
            RuntimeApiServer.Result missing = api.invoke("{\"email\": \"nobody@example.com\"}", Duration.ofSeconds(60));
            assertTrue(missing.error(), missing.body() + "\n" + lambda.output());
            assertEquals("io.kitbridge.errors.NotFound", JSON.readTree(missing.body()).path("errorType").asText(), missing.body());
            assertTrue(JSON.readTree(missing.body()).path("errorMessage").asText().startsWith("NotFound"), missing.body());
            assertFalse(lambda.output().contains(KitWorld.API_KEY), "the API key never reaches a log line");
        }
    }

    /** errorType and errorMessage of a failed invocation, as the runtime interface client posted them. */
    static JsonNode failure(RuntimeApiServer.Result result, PackagedLambda lambda) throws Exception {
        assertTrue(result.error(), "expected a function error: " + result.body() + "\n" + lambda.output());
        return JSON.readTree(result.body());
    }

    static void assertType(String type, RuntimeApiServer.Result result, PackagedLambda lambda) throws Exception {
        JsonNode body = failure(result, lambda);
        assertEquals("io.kitbridge.errors." + type, body.path("errorType").asText(), result.body());
        assertTrue(body.path("errorMessage").asText().startsWith(type + ": "), result.body());
    }

    @Test
    void should_name_the_kitbridge_type_in_errorType_when_packaged_functions_fail_under_the_runtime_interface_client()
            throws Exception {
        // GIVEN lookup and sync-page deployments of the packaged artifact (documented handler)
        {
            RuntimeApiServer api = deployment("lookup").api();
            PackagedLambda lookup = deployment("lookup").lambda();
            // WHEN the person is unknown, the email malformed, or the payload is a JSON string, not an object
            RuntimeApiServer.Result missing = api.invoke("{\"email\": \"ghost@example.com\"}", Duration.ofSeconds(60));
            RuntimeApiServer.Result badEmail = api.invoke("{\"email\": \"not-an-email\"}", Duration.ofSeconds(30));
            RuntimeApiServer.Result text = api.invoke("\"ghost@example.com\"", Duration.ofSeconds(30));
            // THEN errorType is the kitbridge type's class; the message keeps the type and the detail
            assertType("NotFound", missing, lookup);
            assertType("InvalidInput", badEmail, lookup);
            assertType("InvalidInput", text, lookup);
        }
        {
            RuntimeApiServer api = deployment("sync-page").api();
            PackagedLambda sync = deployment("sync-page").lambda();
            // WHEN sync-page (a typed input Funqy deserializes) gets a string, an array, or broken JSON
            RuntimeApiServer.Result text = api.invoke("\"full\"", Duration.ofSeconds(60));
            RuntimeApiServer.Result array = api.invoke("[\"default\", \"full\"]", Duration.ofSeconds(30));
            RuntimeApiServer.Result broken = api.invoke("{\"account\": ", Duration.ofSeconds(30));
            // THEN each is InvalidInput naming the payload, not a Jackson or Funqy class
            for (RuntimeApiServer.Result r : java.util.List.of(text, array, broken)) {
                assertType("InvalidInput", r, sync);
                assertTrue(failure(r, sync).path("errorMessage").asText().startsWith("InvalidInput: payload: "), r.body());
            }
        }
        // GIVEN Kit answers every subscriber upsert with 503
        kit.faults().inject(io.kitbridge.sim.Fault.always("POST", "/v4/subscribers", io.kitbridge.sim.FaultKind.STATUS, 503));
        try {
            RuntimeApiServer api = deployment("provision").api();
            PackagedLambda provision = deployment("provision").lambda();
            // WHEN a person is provisioned
            RuntimeApiServer.Result down = api.invoke("{\"email\": \"down@example.com\"}", Duration.ofSeconds(60));
            // THEN the caller sees KitUnavailable (and can retry: every call is idempotent)
            assertType("KitUnavailable", down, provision);
        } finally {
            kit.faults().clear();
        }
    }

    @Test
    void should_show_why_the_handler_matters_when_funqys_own_handler_reports_its_wrapper_class() throws Exception {
        // GIVEN lookup run with Funqy's FunqyStreamHandler instead of kitbridge's handler (evidence, not a mode we ship)
        {
            RuntimeApiServer api = deployment("lookup-funqy").api();
            PackagedLambda lookup = deployment("lookup-funqy").lambda();
            // WHEN the person is unknown
            RuntimeApiServer.Result missing = api.invoke("{\"email\": \"ghost@example.com\"}", Duration.ofSeconds(60));
            // THEN the runtime interface client reports Funqy's wrapper class, with our type only in the message
            JsonNode body = failure(missing, lookup);
            assertEquals("io.quarkus.funqy.runtime.ApplicationException", body.path("errorType").asText(), missing.body());
            assertTrue(body.path("errorMessage").asText().contains("NotFound"), missing.body());
        }
    }

    @Test
    void should_write_json_log_lines_and_valid_emf_metrics_when_packaged_functions_run_in_the_production_format()
            throws Exception {
        StringBuilder logs = new StringBuilder();
        // GIVEN a signed webhook endpoint (setup) and a subscriber
        long id = kit.admin().createSubscriber("metrics@example.com", "Metrics");
        {
            Deployment setup = deployment("setup");
            int mark = setup.mark();
            assertFalse(setup.api().invoke("{\"webhooks\": \"signed\"}", Duration.ofSeconds(60)).error(), setup.lambda().output());
            logs.append(setup.outputSince(mark));
        }
        // WHEN provision meets a 429 (permits, waits, Kit429s, Errors by type) ...
        kit.faults().inject(io.kitbridge.sim.Fault.once("POST", "/v4/subscribers", io.kitbridge.sim.FaultKind.RATE_LIMIT, 1));
        try {
            RuntimeApiServer api = deployment("provision").api();
            PackagedLambda provision = deployment("provision").lambda();
            int mark = deployment("provision").mark();
            RuntimeApiServer.Result throttled = api.invoke("{\"email\": \"m1@example.com\"}", Duration.ofSeconds(60));
            assertType("KitRateLimited", throttled, provision);
            RuntimeApiServer.Result after = api.invoke("{\"email\": \"m1@example.com\"}", Duration.ofSeconds(60));
            assertFalse(after.error(), after.body() + provision.output());
            logs.append(deployment("provision").outputSince(mark));
        } finally {
            kit.faults().clear();
        }
        // ... lookup fails with NotFound, a full sync runs page by page ...
        {
            Deployment lookup = deployment("lookup");
            int mark = lookup.mark();
            assertTrue(lookup.api().invoke("{\"email\": \"nobody-here@example.com\"}", Duration.ofSeconds(60)).error());
            logs.append(lookup.outputSince(mark));
        }
        {
            RuntimeApiServer api = deployment("sync-page").api();
            PackagedLambda sync = deployment("sync-page").lambda();
            int mark = deployment("sync-page").mark();
            JsonNode out = JSON.readTree(api.invoke("{\"account\": \"default\", \"mode\": \"full\"}", Duration.ofSeconds(60)).body());
            for (int i = 0; i < 50 && !out.path("done").asBoolean(); i++) {
                out = JSON.readTree(api.invoke(JSON.writeValueAsString(out), Duration.ofSeconds(60)).body());
            }
            assertEquals("completed", out.path("outcome").asText(), out + sync.output());
            logs.append(deployment("sync-page").outputSince(mark));
        }
        // ... and webhook deliveries are applied, duplicated, stale and rejected
        String secret = KitWorld.client(Dynalite.shared().endpoint()).getItem(b -> b.tableName(tables.connections())
                .key(Map.of("account", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("default")))
                .consistentRead(true)).item().get("webhookSecret").s();
        java.time.Instant now = java.time.Instant.now();
        String applied = delivery("m-1", "subscriber.subscriber_unsubscribe", now, id, "cancelled");
        String stale = delivery("m-2", "subscriber.subscriber_activate", now.minus(Duration.ofDays(1)), id, "active");
        {
            RuntimeApiServer api = deployment("webhook-handler").api();
            PackagedLambda hooks = deployment("webhook-handler").lambda();
            int mark = deployment("webhook-handler").mark();
            for (String body : java.util.List.of(applied, applied, stale)) {
                RuntimeApiServer.Result r = api.invoke(JSON.writeValueAsString(signedEvent(body, secret)), Duration.ofSeconds(60));
                assertEquals(200, JSON.readTree(r.body()).path("statusCode").asInt(), r.body() + hooks.output());
            }
            RuntimeApiServer.Result forged = api.invoke(JSON.writeValueAsString(signedEvent(applied, "wrong-secret-123")),
                    Duration.ofSeconds(30));
            assertEquals(401, JSON.readTree(forged.body()).path("statusCode").asInt(), forged.body());
            logs.append(deployment("webhook-handler").outputSince(mark));
        }

        // THEN every line the functions wrote is a JSON object
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : logs.toString().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (java.io.IOException notJson) {
                throw new AssertionError("log line is not JSON: " + line);
            }
            assertTrue(event.isObject(), "log line is not a JSON object: " + line);
            events.add(event);
        }
        // AND our log lines carry level, logger, message and function; invocation lines request id and account (the
        // runtime interface client's own line for an uncaught error is JSON too, in its format: level, AWSRequestId)
        java.util.List<JsonNode> runtimeLines = events.stream()
                .filter(e -> !e.has("loggerName") && e.has("AWSRequestId") && e.has("level")).toList();
        java.util.List<JsonNode> logLines = events.stream()
                .filter(e -> !io.kitbridge.testing.EmfSpec.isEmf(e) && !runtimeLines.contains(e)).toList();
        assertFalse(logLines.isEmpty());
        for (JsonNode e : logLines) {
            for (String field : java.util.List.of("level", "loggerName", "message", "function", "timestamp")) {
                assertTrue(e.hasNonNull(field), "log line without " + field + ": " + e);
            }
        }
        assertTrue(logLines.stream().anyMatch(e -> e.path("mdc").hasNonNull("AWSRequestId")
                && "default".equals(e.path("mdc").path("account").asText())
                && e.path("mdc").hasNonNull("syncId") && "sync-page".equals(e.path("function").asText())),
                "a sync-page line with request id, account and sync id");
        // AND every EMF event is valid, in namespace kitbridge
        java.util.List<JsonNode> emf = events.stream().filter(io.kitbridge.testing.EmfSpec::isEmf).toList();
        for (JsonNode e : emf) {
            assertEquals(java.util.List.of(), io.kitbridge.testing.EmfSpec.violations(e), e.toString());
            assertEquals("kitbridge", e.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText());
        }
        // AND the metrics the dashboard and alarms read are there, with their units and dimensions
        assertTrue(sum(emf, "PermitsGranted", "Count", "Credential") > 0, "permits granted per credential");
        assertTrue(sum(emf, "PermitWaitMillis", "Milliseconds", "Credential") >= 0, "permit waits");
        assertEquals(1, sum(emf, "Kit429s", "Count", "Credential"), "one 429");
        assertTrue(sum(emf, "SyncPages", "Count", "Mode") > 1, "sync pages");
        assertEquals(1, sum(emf, "SyncRunsCompleted", "Count", "Mode"));
        for (String outcome : java.util.List.of("applied", "duplicate", "stale", "rejected")) {
            assertEquals(1, sum(emf.stream().filter(e -> outcome.equals(e.path("Outcome").asText())).toList(),
                    "WebhookEvents", "Count", "Outcome"), "webhook events " + outcome);
        }
        for (String type : java.util.List.of("NotFound", "KitRateLimited")) {
            assertEquals(1, sum(emf.stream().filter(e -> type.equals(e.path("ErrorType").asText())).toList(),
                    "Errors", "Count", "ErrorType"), "errors of type " + type);
        }
        FIGURES.put("logs.lines", events.size());
        FIGURES.put("logs.emfEvents", emf.size());
    }

    /** Sum of a metric over EMF events that declare it with this unit and aggregate it by this dimension. */
    static long sum(java.util.List<JsonNode> emf, String metric, String unit, String dimension) {
        long total = 0;
        boolean found = false;
        for (JsonNode e : emf) {
            JsonNode directive = e.path("_aws").path("CloudWatchMetrics").get(0);
            boolean declared = false;
            for (JsonNode m : directive.path("Metrics")) {
                declared |= metric.equals(m.path("Name").asText()) && unit.equals(m.path("Unit").asText());
            }
            boolean byDimension = false;
            for (JsonNode set : directive.path("Dimensions")) {
                for (JsonNode key : set) {
                    byDimension |= dimension.equals(key.asText());
                }
            }
            if (declared && byDimension) {
                found = true;
                total += e.path(metric).asLong();
            }
        }
        assertTrue(found, "no EMF event with " + metric + " (" + unit + ") by " + dimension);
        return total;
    }

    static String delivery(String eventId, String type, java.time.Instant created, long subscriberId, String state)
            throws Exception {
        return JSON.writeValueAsString(Map.of("delivery_id", "d-" + eventId, "events", java.util.List.of(Map.of("id", eventId,
                "type", type, "created", created.toString(), "data", Map.of("subscriber", Map.of("id", subscriberId,
                        "email_address", "metrics@example.com", "first_name", "Metrics", "state", state, "fields", Map.of()))))));
    }

    static Map<String, Object> signedEvent(String body, String secret) throws Exception {
        long t = java.time.Instant.now().getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
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
        return event;
    }
}
