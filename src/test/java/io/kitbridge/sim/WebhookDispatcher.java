package io.kitbridge.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.kitbridge.sim.SimStore.NODES;

/**
 * Background delivery of legacy webhooks, signed webhook endpoints and bulk callbacks, with retries.
 * {@link #pending} counts every event, delivery and bulk job not yet finished.
 */
final class WebhookDispatcher implements AutoCloseable {
    static final int MAX_ATTEMPTS = 8;
    static final int MAX_BATCH = 100;
    static final long ACCOUNT_ID = 4_242_001L;
    static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

    private final SimConfig config;
    private final SimClock clock;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService exec;
    private final HttpClient http;
    private final AtomicInteger pending = new AtomicInteger();
    private final List<DeliveryAttempt> attempts = new ArrayList<>();
    private final SecureRandom secureRandom = new SecureRandom();
    private volatile Sent lastSent;
    private volatile long signatureSkewSeconds;

    final ConcurrentSkipListMap<Long, LegacyHook> legacy = new ConcurrentSkipListMap<>();
    final ConcurrentSkipListMap<Long, Endpoint> endpoints = new ConcurrentSkipListMap<>();
    /** Catalog types this account does not offer (the catalog marks availability; unavailable ones are refused). */
    volatile java.util.Set<String> unavailableEndpointEvents = java.util.Set.of();
    private final AtomicLong nextLegacyId = new AtomicLong(3_100_001L);
    private final AtomicLong nextEndpointId = new AtomicLong(5_100_001L);

    static final class LegacyHook {
        final long id;
        final String targetUrl;
        final String event;
        final Long tagId;
        final ObjectNode eventJson;

        LegacyHook(long id, String targetUrl, String event, Long tagId, ObjectNode eventJson) {
            this.id = id;
            this.targetUrl = targetUrl;
            this.event = event;
            this.tagId = tagId;
            this.eventJson = eventJson;
        }
    }

    static final class Endpoint {
        final long id;
        final String url;
        final List<String> events;
        final String name;
        volatile String secret;
        volatile String previousSecret;
        volatile long previousUntilMs;
        final ConcurrentLinkedQueue<ObjectNode> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean flushScheduled = new AtomicBoolean();

        Endpoint(long id, String url, List<String> events, String name, String secret) {
            this.id = id;
            this.url = url;
            this.events = events;
            this.name = name;
            this.secret = secret;
        }
    }

    private record Delivery(String kind, String url, String body, Endpoint endpoint, String deliveryId) {
    }

    private record Sent(String kind, String url, String body, String signature, String deliveryId) {
    }

    WebhookDispatcher(SimConfig config, SimClock clock, ObjectMapper mapper) {
        this.config = config;
        this.clock = clock;
        this.mapper = mapper;
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(4, r -> {
            Thread t = new Thread(r, "kit-sim-webhooks");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        this.exec = e;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    // ---------------------------------------------------------------- registrations

    LegacyHook addLegacy(String targetUrl, String event, Long tagId, ObjectNode eventJson) {
        LegacyHook h = new LegacyHook(nextLegacyId.getAndIncrement(), targetUrl, event, tagId, eventJson);
        legacy.put(h.id, h);
        return h;
    }

    Endpoint addEndpoint(String url, List<String> events, String name) {
        Endpoint e = new Endpoint(nextEndpointId.getAndIncrement(), url, List.copyOf(events), name, newSecret());
        endpoints.put(e.id, e);
        return e;
    }

    /** Test back door: an endpoint with whatever event names (as left by an older, laxer registration). */
    void setEndpointEvents(long endpointId, List<String> events) {
        Endpoint old = endpoints.get(endpointId);
        if (old == null) {
            throw new IllegalArgumentException("no webhook endpoint " + endpointId);
        }
        Endpoint e = new Endpoint(old.id, old.url, List.copyOf(events), old.name, old.secret);
        endpoints.put(e.id, e);
    }

    String newSecret() {
        byte[] b = new byte[32];
        secureRandom.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    String rotate(long endpointId) {
        Endpoint e = endpoints.get(endpointId);
        if (e == null) {
            throw new IllegalArgumentException("no webhook endpoint " + endpointId);
        }
        synchronized (e) {
            e.previousSecret = e.secret;
            e.previousUntilMs = clock.nowMillis() + ROTATION_OVERLAP.toMillis();
            e.secret = newSecret();
            return e.secret;
        }
    }

    void endRotation(long endpointId) {
        Endpoint e = endpoints.get(endpointId);
        if (e != null) {
            e.previousSecret = null;
        }
    }

    void setSignatureSkew(Duration skew) {
        signatureSkewSeconds = skew.getSeconds();
    }

    // ---------------------------------------------------------------- publishing

    void publish(List<SimEvent> events) {
        for (SimEvent ev : events) {
            if (!SimEvent.CUSTOM_FIELD_VALUE_UPDATE.equals(ev.type())) {
                for (LegacyHook h : legacy.values()) {
                    if (!h.event.equals(ev.type())) {
                        continue;
                    }
                    boolean tagEvent = SimEvent.TAG_ADD.equals(ev.type()) || SimEvent.TAG_REMOVE.equals(ev.type());
                    if (tagEvent && h.tagId != null && h.tagId != ev.tagId()) {
                        continue;
                    }
                    ObjectNode body = NODES.objectNode();
                    body.set("subscriber", ev.subscriber());
                    startDelivery(new Delivery("legacy", h.targetUrl, write(body), null, null));
                }
            }
            String catalogType = SimEvent.catalogName(ev.type());
            for (Endpoint e : endpoints.values()) {
                if (catalogType != null && e.events.contains(catalogType)) {
                    enqueueSigned(e, signedEvent(ev, catalogType));
                }
            }
        }
    }

    /** {id, type (catalog name), created, data: {subscriber (as the subscribers API returns it), tag?}}. */
    private ObjectNode signedEvent(SimEvent ev, String catalogType) {
        ObjectNode o = NODES.objectNode();
        o.put("id", UUID.randomUUID().toString());
        o.put("type", catalogType);
        o.put("created", ev.created().toString());
        ObjectNode data = o.putObject("data");
        data.set("subscriber", ev.subscriber());
        if (ev.tag() != null) {
            data.set("tag", ev.tag());
        }
        if (ev.customField() != null) {
            data.set("custom_field", ev.customField());
        }
        return o;
    }

    private void enqueueSigned(Endpoint e, ObjectNode event) {
        pending.incrementAndGet();
        e.queue.add(event);
        if (e.flushScheduled.compareAndSet(false, true)) {
            try {
                exec.schedule(() -> flush(e), 20, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                pending.addAndGet(-e.queue.size());
                e.queue.clear();
            }
        }
    }

    private void flush(Endpoint e) {
        e.flushScheduled.set(false);
        while (true) {
            List<ObjectNode> batch = new ArrayList<>();
            ObjectNode ev;
            while (batch.size() < MAX_BATCH && (ev = e.queue.poll()) != null) {
                batch.add(ev);
            }
            if (batch.isEmpty()) {
                return;
            }
            String deliveryId = UUID.randomUUID().toString();
            ObjectNode body = NODES.objectNode();
            body.put("delivery_id", deliveryId);
            ArrayNode arr = body.putArray("events");
            batch.forEach(arr::add);
            startDelivery(new Delivery("signed", e.url, write(body), e, deliveryId));
            pending.addAndGet(-batch.size());
        }
    }

    /** Bulk callback POST (same retry policy as webhooks). */
    void postCallback(String url, String body) {
        startDelivery(new Delivery("bulk-callback", url, body, null, null));
    }

    /** Run a background job (e.g. async bulk processing) counted as pending until it finishes. */
    void submit(Runnable job) {
        pending.incrementAndGet();
        try {
            exec.execute(() -> {
                try {
                    job.run();
                } catch (RuntimeException ex) {
                    System.err.println("[kit-sim] background job failed: " + ex);
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException closed) {
            pending.decrementAndGet();
        }
    }

    private void startDelivery(Delivery d) {
        pending.incrementAndGet();
        try {
            exec.execute(() -> attempt(d, 1));
        } catch (RejectedExecutionException closed) {
            pending.decrementAndGet();
        }
    }

    private String sign(Endpoint e, String body, long t) {
        StringBuilder sb = new StringBuilder("t=").append(t);
        String payload = t + "." + body;
        sb.append(",v1=").append(hmac(e.secret, payload));
        String prev = e.previousSecret;
        if (prev != null && clock.nowMillis() < e.previousUntilMs) {
            sb.append(",v1=").append(hmac(prev, payload));
        }
        return sb.toString();
    }

    static String hmac(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void attempt(Delivery d, int attempt) {
        String signature = d.endpoint() == null ? null
                : sign(d.endpoint(), d.body(), System.currentTimeMillis() / 1000L + signatureSkewSeconds);
        int status;
        long retryAfterMs = -1;
        try {
            HttpResponse<Void> r = send(d.url(), d.body(), signature);
            status = r.statusCode();
            if (status == 429 || status == 503) {
                retryAfterMs = r.headers().firstValue("Retry-After").map(WebhookDispatcher::parseRetryAfter)
                        .orElse(-1L);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            pending.decrementAndGet();
            return;
        } catch (IOException | RuntimeException ex) {
            status = -1;
        }
        record(new DeliveryAttempt(d.url(), d.body(), status, attempt, d.kind(), signature, d.deliveryId(),
                Instant.now()));
        lastSent = new Sent(d.kind(), d.url(), d.body(), signature, d.deliveryId());
        boolean done = (status >= 200 && status < 300) || status == 410 || attempt >= MAX_ATTEMPTS;
        if (done) {
            pending.decrementAndGet();
            return;
        }
        long delay = retryAfterMs >= 0 ? retryAfterMs
                : config.webhookRetryDelay().toMillis() * (1L << Math.min(attempt - 1, 20));
        try {
            exec.schedule(() -> attempt(d, attempt + 1), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            pending.decrementAndGet();
        }
    }

    private static long parseRetryAfter(String v) {
        try {
            return Math.max(0, Long.parseLong(v.trim())) * 1000L;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private HttpResponse<Void> send(String url, String body, String signature)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Kit-Simulator-Webhooks/1.0")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) {
            b.header("X-Kit-Signature", signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding());
    }

    private void record(DeliveryAttempt a) {
        synchronized (attempts) {
            attempts.add(a);
        }
    }

    List<DeliveryAttempt> deliveries() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    void clearDeliveries() {
        synchronized (attempts) {
            attempts.clear();
        }
    }

    /** Re-send the most recent delivery byte-for-byte (same body and signature header), synchronously, once. */
    DeliveryAttempt redeliverLast() {
        Sent s = lastSent;
        if (s == null) {
            throw new IllegalStateException("nothing has been delivered yet");
        }
        int status;
        try {
            status = send(s.url(), s.body(), s.signature()).statusCode();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            status = -1;
        } catch (IOException | RuntimeException ex) {
            status = -1;
        }
        DeliveryAttempt a = new DeliveryAttempt(s.url(), s.body(), status, 0, s.kind(), s.signature(),
                s.deliveryId(), Instant.now());
        record(a);
        return a;
    }

    int pending() {
        return pending.get();
    }

    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        exec.shutdownNow();
    }
}
