package io.kitbridge.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Test-side stand-in for API Gateway: an HTTP server on loopback at kitbridge.webhook.base-url. Each POST the
 * simulator delivers to /webhooks/{account} becomes an API Gateway HTTP API v2 event, is invoked through the
 * Lambda mock event server (the same path as {@code Lambda.invoke}), and the function's
 * {statusCode, headers, body} is written back to the simulator.
 */
public class WebhookBridge implements QuarkusTestResourceLifecycleManager {
    /** One forwarded delivery: what arrived and what the handler answered. */
    public record Forwarded(String path, String query, String signature, String body, int status, String responseBody) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private HttpServer server;
    private final List<Forwarded> forwarded = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        io.kitbridge.testing.PollLoops.awaitPreviousEnded();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "webhook-bridge");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        return Map.of("kitbridge.webhook.base-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(WebhookBridge.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    public List<Forwarded> forwarded() {
        synchronized (forwarded) {
            return List.copyOf(forwarded);
        }
    }

    public void clear() {
        synchronized (forwarded) {
            forwarded.clear();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String account = path.startsWith("/webhooks/") ? path.substring("/webhooks/".length()) : null;
        Map<String, Object> event = ApiGatewayEvents.event(exchange.getRequestMethod(), path, account, query, headers, body,
                false);
        int status;
        String responseBody;
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        try {
            HttpResponse<String> invoked = HTTP.send(HttpRequest.newBuilder(URI.create(io.kitbridge.testing.Lambda.url()))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ApiGatewayEvents.write(event))).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode response = ApiGatewayEvents.JSON.readTree(invoked.body());
            if (invoked.statusCode() != 200 || !response.has("statusCode")) {
                status = 502; // what API Gateway answers when the integration fails
                responseBody = invoked.body();
            } else {
                status = response.get("statusCode").asInt();
                responseBody = response.path("body").asText("");
                response.path("headers").fields().forEachRemaining(h -> responseHeaders.put(h.getKey(), h.getValue().asText()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 504;
            responseBody = "";
        } catch (IOException e) {
            status = 502;
            responseBody = e.toString();
        }
        synchronized (forwarded) {
            forwarded.add(new Forwarded(path, query, headers.get("x-kit-signature"), body, status, responseBody));
        }
        io.kitbridge.testing.Exchanges.send(exchange, status, responseHeaders, responseBody);
    }

}
