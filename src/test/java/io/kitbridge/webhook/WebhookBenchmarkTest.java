package io.kitbridge.webhook;

import io.kitbridge.store.AccountWebhooks;
import static io.kitbridge.webhook.ApiGatewayEvents.post;
import static io.kitbridge.webhook.ApiGatewayEvents.signature;
import static io.kitbridge.webhook.ApiGatewayEvents.signedBody;
import static io.kitbridge.webhook.ApiGatewayEvents.signedEvent;
import static io.kitbridge.webhook.ApiGatewayEvents.subscriber;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.testing.BenchReport;
import io.kitbridge.testing.IamGuardInterceptor;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput and latency of webhook-handler on dynalite with 20% duplicate deliveries. Prints figures and writes
 * target/bench/webhook.json; asserts only correctness (every unique event applied once), never timing.
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "webhook-handler"))
class WebhookBenchmarkTest {
    private static final String ACCOUNT = "default";
    private static final String SECRET = "bench-secret-" + UUID.randomUUID();
    private static final double DUPLICATE_RATIO = 0.20;
    private static final int SUBSCRIBERS = 200;
    private static final String[] TYPES = {"subscriber.subscriber_activate", "subscriber.tag_add",
        "subscriber.tag_remove", "subscriber.custom_field_value_update", "subscriber.link_click"};

    World world;

    @Inject
    WebhookSecrets secrets;

    @Inject
    WebhookService service;

    private final Random random = new Random(42);
    private long clock = Instant.now().minusSeconds(3600).toEpochMilli();

    @Test
    void should_report_throughput_and_p99_when_handling_deliveries_with_20_percent_duplicates() throws Exception {
        secrets.save(new AccountWebhooks(ACCOUNT, AccountWebhooks.MODE_SIGNED, null, SECRET, 1L, null, null, 0, List.of()));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("store", "dynalite (local, in-memory)");
        figures.put("duplicateRatio", DUPLICATE_RATIO);
        figures.put("machineLoadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        figures.put("dynaliteBaseline", baseline());
        run("warmup", 60, 1, false, null);
        figures.put("singleEventViaMockEventServer", run("single", 300, 1, false, null));
        figures.put("batch100ViaMockEventServer", run("batch", 10, 100, false, null));
        figures.put("singleEventDirect", run("direct", 300, 1, true, 1));
        figures.put("singleEventDirect4Concurrent", run("concurrent", 300, 1, true, 4));
        figures.put("comparison", comparison(figures));
        BenchReport.write("webhook", figures);
        System.out.println("[bench] webhook " + ApiGatewayEvents.write(figures));
    }

    /** Deliveries of {@code perDelivery} events; a fifth of the events repeat one already sent. */
    private Map<String, Object> run(String name, int deliveries, int perDelivery, boolean direct, Integer threads)
            throws Exception {
        List<Map<String, Object>> sent = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        int duplicates = 0;
        for (int d = 0; d < deliveries; d++) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (int e = 0; e < perDelivery; e++) {
                if (!sent.isEmpty() && random.nextDouble() < DUPLICATE_RATIO) {
                    events.add(sent.get(random.nextInt(sent.size())));
                    duplicates++;
                } else {
                    Map<String, Object> ev = event();
                    sent.add(ev);
                    events.add(ev);
                }
            }
            bodies.add(signedBody(events));
        }
        long[] latencies = new long[deliveries];
        int[] applied = new int[1];
        long callsBefore = IamGuardInterceptor.FUNCTION_CALLS.get();
        long started = System.nanoTime();
        long[] elapsed = new long[1];
        if (direct) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<HttpApiResponse>> futures = new ArrayList<>();
            for (int i = 0; i < deliveries; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    HttpApiResponse r = service.handle(ApiGatewayEvents.JSON.convertValue(signedPost(bodies.get(index)),
                            HttpApiEvent.class));
                    latencies[index] = System.nanoTime() - t0;
                    return r;
                }));
            }
            List<HttpApiResponse> responses = new ArrayList<>();
            for (Future<HttpApiResponse> f : futures) {
                responses.add(f.get());
            }
            elapsed[0] = System.nanoTime() - started;
            for (HttpApiResponse r : responses) {
                assertEquals(200, r.statusCode());
                JsonPath body = new JsonPath(r.body());
                applied[0] += body.getInt("applied") + body.getInt("unchanged") + body.getInt("stale");
            }
            pool.shutdown();
        } else {
            List<Response> responses = new ArrayList<>(deliveries);
            for (int i = 0; i < deliveries; i++) {
                long t0 = System.nanoTime();
                responses.add(Lambda.invoke(signedPost(bodies.get(i))));
                latencies[i] = System.nanoTime() - t0;
            }
            elapsed[0] = System.nanoTime() - started;
            for (Response r : responses) {
                assertEquals(200, r.jsonPath().getInt("statusCode"), r.asString());
                JsonPath body = new JsonPath(r.jsonPath().getString("body"));
                applied[0] += body.getInt("applied") + body.getInt("unchanged") + body.getInt("stale");
            }
        }
        double seconds = elapsed[0] / 1e9;
        int events = deliveries * perDelivery;
        // counted by the SDK interceptor on function threads: the Lambda runs only (direct runs call from test threads)
        long calls = IamGuardInterceptor.FUNCTION_CALLS.get() - callsBefore;
        // THEN every unique event was processed exactly once, whatever the duplicates
        assertEquals(events - duplicates, applied[0], name + ": unique events processed");
        List<Long> sorted = new ArrayList<>();
        for (long l : latencies) {
            sorted.add(l);
        }
        Collections.sort(sorted);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("deliveries", deliveries);
        f.put("eventsPerDelivery", perDelivery);
        f.put("events", events);
        f.put("duplicates", duplicates);
        f.put("concurrency", threads == null ? 1 : threads);
        f.put("seconds", round(seconds));
        if (!direct) {
            f.put("dynamoCallsPerEvent", Math.round(calls * 100.0 / events) / 100.0);
        }
        f.put("eventsPerSecond", round(events / seconds));
        f.put("deliveryP50Ms", round(sorted.get(sorted.size() / 2) / 1e6));
        f.put("deliveryP99Ms", round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6));
        f.put("deliveryMaxMs", round(sorted.get(sorted.size() - 1) / 1e6));
        System.out.println("[bench] webhook " + name + ": " + f);
        return f;
    }

    /**
     * Side by side with the figures before issue 19 (README of that time, measured the same way on dynalite: 7
     * DynamoDB calls per new single-event delivery — 5 PutItem + 2 GetItem, legacy tag events).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> comparison(Map<String, Object> figures) {
        Map<String, Object> single = (Map<String, Object>) figures.get("singleEventViaMockEventServer");
        Map<String, Object> batch = (Map<String, Object>) figures.get("batch100ViaMockEventServer");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("dynamoCallsPerEvent", List.of("before: 7 per new event (5 PutItem + 2 GetItem)",
                "now: " + single.get("dynamoCallsPerEvent") + " single-event deliveries, "
                        + batch.get("dynamoCallsPerEvent") + " in 100-event deliveries (20 % duplicates)"));
        c.put("singleEventEventsPerSecond", List.of(14.9, single.get("eventsPerSecond")));
        c.put("singleEventP50Ms", List.of(51.0, single.get("deliveryP50Ms")));
        c.put("singleEventP99Ms", List.of(240.0, single.get("deliveryP99Ms")));
        c.put("batch100EventsPerSecond", List.of(104.7, batch.get("eventsPerSecond")));
        c.put("batch100P99MsPerDelivery", List.of(1707.0, batch.get("deliveryP99Ms")));
        System.out.println("[bench] webhook before → now: " + c);
        return c;
    }

    /** Latency of single DynamoDB requests to the same dynalite, from this JVM: the unit every figure is made of. */
    private Map<String, Object> baseline() {
        String table = world.tables().control();
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key = Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("bench"),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("baseline"));
        List<Long> put = new ArrayList<>();
        List<Long> get = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long t0 = System.nanoTime();
            world.dynamo().putItem(b -> b.tableName(table).item(key));
            long t1 = System.nanoTime();
            world.dynamo().getItem(b -> b.tableName(table).key(key).consistentRead(true));
            long t2 = System.nanoTime();
            if (i >= 50) {
                put.add(t1 - t0);
                get.add(t2 - t1);
            }
        }
        Collections.sort(put);
        Collections.sort(get);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("putItemP50Ms", round(put.get(put.size() / 2) / 1e6));
        f.put("putItemP99Ms", round(put.get((int) (put.size() * 0.99)) / 1e6));
        f.put("getItemP50Ms", round(get.get(get.size() / 2) / 1e6));
        f.put("getItemP99Ms", round(get.get((int) (get.size() * 0.99)) / 1e6));
        System.out.println("[bench] webhook dynalite baseline: " + f);
        return f;
    }

    private Map<String, Object> event() {
        long id = 9_000_000 + random.nextInt(SUBSCRIBERS);
        String type = TYPES[random.nextInt(TYPES.length)];
        clock += 1 + random.nextInt(1000);
        Map<String, Object> extra = switch (type) {
            case "subscriber.tag_add", "subscriber.tag_remove" -> {
                int tag = 1 + random.nextInt(5);
                yield Map.of("tag", Map.of("id", tag, "name", "Bench " + tag));
            }
            case "subscriber.custom_field_value_update" ->
                Map.of("custom_field", Map.of("key", "score", "new_value", Integer.toString(random.nextInt(100))));
            default -> null;
        };
        return signedEvent(UUID.randomUUID().toString(), type, Instant.ofEpochMilli(clock),
                subscriber(id, "bench" + id + "@example.com", "active", Map.of("plan", "p" + random.nextInt(3))), extra);
    }

    private static Map<String, Object> signedPost(String body) {
        return post(ACCOUNT, "", Map.of(KitSignature.HEADER, signature(SECRET, Instant.now().getEpochSecond(), body)), body,
                false);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

}
