package io.kitbridge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kitbridge.testing.RuntimeApiServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * What API Gateway and the Lambda Invoke API are on AWS, on loopback: POST /webhooks/{account} becomes an HTTP API
 * payload 2.0 event for webhook-handler; POST /invoke/{function} invokes a function directly (the local state
 * machine runner calls sync-page this way) and answers like Quarkus's mock event server (500 on a function error).
 */
final class LocalGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, FunctionHost> functions;
    private final Consumer<JsonNode> syncObserver;

    LocalGateway(Map<String, FunctionHost> functions, Consumer<JsonNode> syncObserver) throws IOException {
        this.functions = functions;
        this.syncObserver = syncObserver;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "local-gateway");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/invoke/", this::invoke);
        server.createContext("/webhooks/", this::webhook);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void invoke(HttpExchange exchange) throws IOException {
        String function = exchange.getRequestURI().getPath().substring("/invoke/".length());
        FunctionHost host = functions.get(function);
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (host == null) {
            send(exchange, 404, "{\"errorType\":\"ResourceNotFound\",\"errorMessage\":\"no function " + function + "\"}");
            return;
        }
        try {
            RuntimeApiServer.Result result = host.invoke(body, Duration.ofMinutes(3));
            if (!result.error() && "sync-page".equals(function) && syncObserver != null) {
                syncObserver.accept(JSON.readTree(result.body()));
            }
            send(exchange, result.error() ? 500 : 200, result.body());
        } catch (Exception e) {
            send(exchange, 502, "{\"errorType\":\"Lambda.ServiceException\",\"errorMessage\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private void webhook(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String account = path.substring("/webhooks/".length());
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.merge(k, v, (a, b) -> a + "," + b);
            }
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "POST /webhooks/{account}");
        event.put("rawPath", path);
        event.put("rawQueryString", rawQuery == null ? "" : rawQuery);
        event.put("headers", headers);
        event.put("queryStringParameters", query);
        event.put("pathParameters", Map.of("account", account));
        event.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        event.put("isBase64Encoded", false);
        event.put("requestContext", Map.of("http", Map.of("method", "POST", "path", path, "sourceIp", "127.0.0.1"),
                "requestId", UUID.randomUUID().toString(), "routeKey", "POST /webhooks/{account}", "stage", "$default",
                "timeEpoch", Instant.now().toEpochMilli()));
        try {
            RuntimeApiServer.Result result = functions.get("webhook-handler").invoke(JSON.writeValueAsString(event),
                    Duration.ofSeconds(30));
            if (result.error()) {
                send(exchange, 502, "{\"message\":\"Internal Server Error\"}");
                return;
            }
            JsonNode response = JSON.readTree(result.body());
            response.path("headers").fields().forEachRemaining(h -> exchange.getResponseHeaders().add(h.getKey(), h.getValue().asText()));
            send(exchange, response.path("statusCode").asInt(200), response.path("body").asText(""));
        } catch (Exception e) {
            send(exchange, 503, "{\"message\":\"Service Unavailable\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
